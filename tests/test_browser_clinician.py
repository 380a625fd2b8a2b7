"""A clinician works through an urgent alert and a 6-week review, in real Chromium."""

from __future__ import annotations

import pytest

from tracker.models import Alert, ClinicalReview
from tracker.services.status import refresh_patient

from .browser import sign_in, sign_in_staff
from .factories import PASSWORD, EntryFactory, PatientFactory, diary_until_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinic_day(patient, clinic, clinician):
    """`patient` at their 6-week review (today, not yet logged), with an opioid logged on
    day 31; two quieter patients."""
    diary_until_review(
        patient, pain_before=7, pain_after=7, mg="1.5", days=41,
        on={30: {"opioid_taken": True, "opioid_name": "codeine"}},
    )  # fmt: skip
    refresh_patient(patient)
    for name in ("Zed", "Yara"):
        other = PatientFactory(user__first_name=name, user__clinic=clinic, clinician=clinician)
        EntryFactory(patient=other)
        refresh_patient(other)
    return patient


def test_a_clinician_acts_on_an_opioid_alert_and_a_review(
    page, browser, live_server, clinic_day, clinician
):
    patient = clinic_day
    sign_in_staff(page, clinician, PASSWORD)
    page.wait_for_url("**/clinic/")
    first = page.locator(".panel-row").first
    assert "Ada" in first.inner_text() and "urgent" in first.inner_text()

    first.get_by_role("link").click()
    page.get_by_role("heading", name="Response evaluation").wait_for()
    alert = page.locator(".alert", has_text="Opioid use")
    alert.get_by_role("button", name="Acknowledge").click()
    page.get_by_text(f"Acknowledged by {clinician.display_name}").wait_for()
    assert Alert.objects.get(patient=patient, kind="opioid").acknowledged_by == clinician

    page.get_by_role("link", name="Record a review").click()
    page.get_by_role("group", name="Outcome").get_by_text("Increase dose").click()
    page.get_by_label("Note").fill("No response at 1.5 mg; going up.")
    page.get_by_role("button", name="Record review").click()
    page.wait_for_url(f"**/clinic/patients/{patient.pk}/prescription/")
    assert ClinicalReview.objects.get(patient=patient).outcome == "increase_dose"

    page.get_by_label("Dose (mg)").first.fill("3")
    page.get_by_role("button", name="Save prescription").click()
    page.wait_for_url(f"**/clinic/patients/{patient.pk}/")
    assert page.csp_errors == []

    patient_context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url
    )
    phone = patient_context.new_page()
    sign_in(phone, patient.user.email, PASSWORD)
    phone.wait_for_url("**/diary/")
    assert phone.get_by_label("Dose (mg)").input_value() == "3.0"
    patient_context.close()


def test_the_summary_prints_on_one_page_of_a4_and_of_letter(page, clinic_day, clinician):
    import re

    sign_in_staff(page, clinician, PASSWORD)
    page.wait_for_url("**/clinic/")
    page.goto(f"/clinic/patients/{clinic_day.pk}/summary/")
    # Three charts drawn (outcomes with the dose band, side effects, sleep): issue 23.
    page.wait_for_function(
        "() => window.Chart && [...document.querySelectorAll('canvas')]"
        ".filter(c => Chart.getChart(c)).length >= 3"
    )
    from django.utils import timezone

    now = timezone.localtime()  # the clinic's zone; the real date, not the diary day
    assert f"printed {now:%-d %b %Y}" in page.locator(".print-header").inner_text()
    page.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper, print_background=True)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, paper
