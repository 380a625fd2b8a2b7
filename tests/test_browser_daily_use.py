"""Daily use smoothed (issue 23) in real Chromium at phone and desktop size: a changed day's
versions on History and on the clinician's record; the outcome chart with the dose in a
band of its own under the scores, legends only for what was logged, which way is better."""

from __future__ import annotations

import pytest

from tracker.models import DailyEntry

from .browser import sign_in, sign_in_staff
from .factories import PASSWORD, diary_until_review
from .test_browser_phone import fits, normal_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [{"width": 320, "height": 640}, {"width": 390, "height": 844},
         {"width": 1280, "height": 800}]  # fmt: skip


@pytest.mark.parametrize("viewport", SIZES, ids=lambda v: f"{v['width']}px")
def test_a_changed_day_shows_its_versions_to_the_patient_and_the_clinician(
    browser, live_server, patient, clinician, viewport
):
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(8_000)
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    normal_day(page)
    page.get_by_role("heading", name="Saved for").wait_for()
    page.goto("/diary/")
    page.get_by_role("group", name="Pain, on average over the last 24 hours").get_by_text(
        "2", exact=True
    ).click()
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_function("() => document.body.innerText.includes('Saved for')")
    assert DailyEntry.objects.get(patient=patient).version == 2
    page.goto("/history/")
    versions = page.locator("details.versions")
    assert versions.count() == 1
    versions.locator("summary").click()
    text = versions.inner_text()
    assert "Changed once" in text and "Pain: 4 → 2" in text and "you" in text
    assert fits(page)
    context.close()

    staff = browser.new_context(viewport=viewport, base_url=live_server.url)
    desk = staff.new_page()
    desk.set_default_timeout(8_000)
    sign_in_staff(desk, clinician, PASSWORD)
    desk.wait_for_url("**/clinic/")
    desk.goto(f"/clinic/patients/{patient.pk}/")
    diary = desk.locator("details[data-fold=diary]")
    desk.wait_for_function(
        "() => document.querySelector('details[data-fold=diary]').dataset.foldReady"
    )
    if not diary.evaluate("d => d.open"):  # a phone: the diary starts folded
        desk.locator("details[data-fold=diary] > summary").click()
    changed = desk.locator(".changed-days details.versions")
    changed.locator("summary").click()
    assert "Pain: 4 → 2" in changed.inner_text() and "the patient" in changed.inner_text()
    staff.close()


@pytest.mark.parametrize("viewport", SIZES[1:], ids=lambda v: f"{v['width']}px")
def test_the_outcome_chart_keeps_the_dose_in_its_own_band_and_says_which_way_is_better(
    browser, live_server, patient, viewport
):
    diary_until_review(patient, pain_before=7, pain_after=4, mg="1.5", days=20)
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    page.goto("/trends/")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart=outcomes]'))"
    )
    chart = page.evaluate("""() => {
        const c = Chart.getChart(document.querySelector('canvas[data-chart=outcomes]'));
        const legend = c.legend.legendItems.map((i) => i.text);
        return { legend, y: [c.scales.y.top, c.scales.y.bottom],
                 dose: [c.scales.dose.top, c.scales.dose.bottom] };
    }""")
    assert chart["dose"][0] >= chart["y"][1]  # the dose band lies wholly under the scores
    assert "Pain" in chart["legend"] and "Dose (mg)" in chart["legend"]
    assert "Fatigue" not in chart["legend"]  # never logged: not in the legend
    assert not any("average" in item for item in chart["legend"])
    caption = page.locator("figure", has=page.locator("canvas[data-chart=outcomes]"))
    assert "lower is better" in caption.inner_text().lower()
    assert fits(page)
    context.close()


@pytest.mark.parametrize("viewport", SIZES[1:], ids=lambda v: f"{v['width']}px")
def test_the_panel_acknowledges_the_selected_patients_routine_alerts(
    browser, live_server, patient, clinician, clinic, viewport
):
    import datetime as dt

    from tracker.models import Alert
    from tracker.services.status import store_alert_counts

    from .factories import PatientFactory

    ben = PatientFactory(user__clinic=clinic, clinician=clinician, user__first_name="Ben",
                         user__last_name="Okoro")  # fmt: skip
    for someone in (patient, ben):
        for n in (3, 10):
            Alert.objects.create(patient=someone, kind="not_logging", priority=2,
                                 on=someone.diary_today() - dt.timedelta(days=n))  # fmt: skip
        store_alert_counts(someone.pk)
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    desk = context.new_page()
    desk.set_default_timeout(8_000)
    sign_in_staff(desk, clinician, PASSWORD)
    desk.wait_for_url("**/clinic/")
    desk.get_by_role("checkbox", name="Select Ada Lovell").check()
    desk.get_by_role("checkbox", name="Select Ben Okoro").check()
    desk.get_by_role("button", name="Acknowledge the selected patients' alerts").click()
    desk.get_by_text("4 alerts acknowledged.").wait_for()
    assert not Alert.objects.open().exists()
    assert fits(desk)
    context.close()


def test_on_a_phone_the_records_lower_sections_start_closed_and_are_remembered(
    browser, live_server, patient, clinician
):
    diary_until_review(patient, pain_before=7, pain_after=4, mg="1.5", days=20)
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    desk = context.new_page()
    desk.set_default_timeout(8_000)
    sign_in_staff(desk, clinician, PASSWORD)
    desk.wait_for_url("**/clinic/")
    desk.goto(f"/clinic/patients/{patient.pk}/")
    desk.wait_for_function(
        "() => document.querySelector('details[data-fold=notes]').dataset.foldReady"
    )
    long_before = desk.evaluate("document.documentElement.scrollHeight")
    notes = desk.locator("details[data-fold=notes]")
    assert not notes.evaluate("d => d.open")
    assert desk.locator("details[data-fold=courses]").evaluate("d => d.open")
    assert desk.get_by_role("heading", name="Response evaluation").is_visible()
    with desk.expect_response("**/clinic/record-sections/"):
        desk.locator("details[data-fold=notes] > summary").click()
    assert desk.get_by_role("button", name="Add note").is_visible()
    desk.reload()
    desk.wait_for_function(
        "() => document.querySelector('details[data-fold=notes]').dataset.foldReady"
    )
    assert notes.evaluate("d => d.open")  # remembered for this clinician
    assert not desk.locator("details[data-fold=diary]").evaluate("d => d.open")
    clinician.refresh_from_db()
    assert clinician.record_folds == {"notes": True}
    desk.set_viewport_size({"width": 1280, "height": 800})  # the same clinician at a desk
    desk.reload()
    desk.wait_for_function(
        "() => document.querySelector('details[data-fold=diary]').dataset.foldReady"
    )
    assert desk.locator("details[data-fold=diary]").evaluate("d => d.open")  # a desk: all open
    assert long_before < 12_000
    context.close()
