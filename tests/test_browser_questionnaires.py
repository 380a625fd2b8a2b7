"""A validated questionnaire on a 390 px phone in real Chromium (SPEC §14, issue 22): a
baseline PHQ-9 in at most 12 taps once it opens, resumed after a reload; item 9 shows the
crisis text at once and puts the urgent alert on the clinician's panel; axe finds nothing."""

from __future__ import annotations

import pytest

from tracker.models import Alert, QuestionnaireAnswer

from .browser import sign_in, sign_in_staff
from .factories import PASSWORD
from .test_browser_accessibility import check, screen  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_baseline_phq9_in_twelve_taps_resumed_after_a_reload(page, patient):
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    assert page.viewport_size["width"] == 390
    page.get_by_role("link", name="PHQ-9", exact=True).click()
    taps = 0
    for n in range(1, 10):
        page.get_by_text(f"Question {n} of 9").wait_for()  # the tap's page has loaded
        if n == 5:  # a reload halfway: the questionnaire resumes at question 5
            page.reload(wait_until="load")
            page.get_by_text(f"Question {n} of 9").wait_for()
            page.goto("/questionnaires/phq-9/baseline/")  # opened afresh: the answers kept
            page.get_by_text(f"Question {n} of 9").wait_for()
        page.get_by_role("button", name="Several days" if n < 9 else "Not at all").click()
        taps += 1
    page.get_by_role("button", name="Send my answers").click()
    taps += 1
    page.get_by_text("Thank you: your answers are saved.").wait_for()
    assert taps <= 12
    row = QuestionnaireAnswer.objects.get(patient=patient, instrument="phq-9")
    assert (row.status, row.score, row.band) == ("completed", 8, "mild")


def test_item_nine_shows_the_crisis_text_and_the_clinician_sees_the_alert(
    browser, live_server, page, patient, clinician
):
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    page.goto("/questionnaires/phq-9/baseline/?item=9")
    page.get_by_role("button", name="Several days").click()
    crisis = page.get_by_role("alert").filter(has_text="Help now")
    crisis.wait_for()
    assert "emergency" in crisis.inner_text()
    assert Alert.objects.filter(patient=patient, kind="self_harm", priority=0).exists()
    staff = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    desk = staff.new_page()
    sign_in_staff(desk, clinician, PASSWORD)
    desk.wait_for_url("**/clinic/")
    assert "urgent" in desk.locator("main").inner_text().lower()
    desk.goto(f"/clinic/patients/{patient.pk}/")
    assert "PHQ-9 answer to item 9" in desk.locator("#urgent").inner_text()
    staff.close()


def test_the_questionnaire_pages_pass_axe(screen, patient, clinician, clinic_admin):  # noqa: F811
    page, problems = screen(), {}
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    check(page, "/questionnaires/phq-9/baseline/", problems)
    page.get_by_role("button", name="Not at all").click()
    page.get_by_text("Question 2 of 9").wait_for()
    check(page, None, problems, "question 2")
    check(page, "/questionnaires/phq-9/baseline/?item=10", problems, "the send screen")
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
