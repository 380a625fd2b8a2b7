"""Treatment courses and urgent alerts in real Chromium (issue 18): on the record the first
open urgent alert is above the status and the charts, on a desktop and on a phone; a
patient who stops LDN is no longer asked for a dose, and one who restarts is again."""

from __future__ import annotations

import pytest

from tracker.models import TreatmentStop

from .browser import sign_in, sign_in_staff
from .factories import PASSWORD, PatientFactory, diary_until_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}
TOP = "(s) => document.querySelector(s).getBoundingClientRect().top"


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_records_first_urgent_alert_is_above_the_status_and_charts(
    page, clinic, clinician, patient, size
):
    severe = {n: {"headache": 3} for n in (38, 39, 40)}
    diary_until_review(patient, on=severe | {41: {"opioid_taken": True, "opioid_name": "codeine"}})
    PatientFactory(user__clinic=clinic, clinician=clinician)
    page.set_viewport_size(size)
    sign_in_staff(page, clinician, PASSWORD)
    page.wait_for_url("**/clinic/")
    page.goto(f"/clinic/patients/{patient.pk}/")
    page.wait_for_load_state("networkidle")
    first = page.locator("#urgent li.alert").first
    assert "Severe headache" in first.inner_text() or "Opioid" in first.inner_text()
    urgent = page.evaluate(TOP, "#urgent li.alert")
    assert urgent < page.evaluate(TOP, ".summary-card")
    assert urgent < page.evaluate(TOP, ".record-charts")
    assert urgent < size["height"]  # on the first screen, without scrolling
    assert page.locator("#urgent li.alert").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_patient_who_stops_is_asked_no_dose_and_one_who_restarts_is(page, patient):
    diary_until_review(patient, days=20)
    page.set_viewport_size(PHONE)
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    assert page.get_by_role("group", name="Did you take your LDN dose?").is_visible()
    page.get_by_role("link", name="I have stopped taking LDN").click()
    page.wait_for_url("**/treatment/")
    page.get_by_role("button", name="I have stopped taking LDN").click()
    page.wait_for_url("**/diary/")
    assert TreatmentStop.objects.filter(patient=patient, reason="patient").exists()
    assert page.get_by_text("Stopped on").first.is_visible()
    assert page.get_by_role("group", name="Did you take your LDN dose?").count() == 0
    assert page.get_by_text("no dose is asked").is_visible()

    page.get_by_role("link", name="I have restarted LDN").click()
    page.wait_for_url("**/treatment/")
    page.get_by_role("button", name="I have restarted LDN").click()
    page.wait_for_url("**/diary/")
    assert page.get_by_role("group", name="Did you take your LDN dose?").is_visible()
