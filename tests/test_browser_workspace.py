"""The clinician's and admin's workspace in real Chromium (issue 14) at 1,280 × 800 and
390 × 844: the record in two columns with the whole diary table on a desktop, the panel a
table on a desktop and cards on a phone, nothing wider than the screen."""

from __future__ import annotations

import pytest

from .browser import sign_in_staff
from .factories import PASSWORD, PatientFactory, diary_until_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}

FITS = "document.documentElement.scrollWidth <= window.innerWidth"
ROW_DISPLAY = "(s) => getComputedStyle(document.querySelector(s)).display"
BOX = "(s) => { const r = document.querySelector(s).getBoundingClientRect(); return [r.left, r.right, r.top]; }"


@pytest.fixture
def workspace(page, clinic, clinician, patient):
    diary_until_review(patient, on={3: {"opioid_taken": True, "note": "A long note " * 12}})
    for _ in range(3):
        diary_until_review(PatientFactory(user__clinic=clinic, clinician=clinician))
    sign_in_staff(page, clinician, PASSWORD)
    page.wait_for_url("**/clinic/")
    return page


def test_the_record_uses_a_desktops_width_and_shows_the_whole_diary(workspace, patient):
    page = workspace
    page.set_viewport_size(DESKTOP)
    page.goto(f"/clinic/patients/{patient.pk}/")
    page.wait_for_load_state("networkidle")
    status, charts = page.evaluate(BOX, ".record-status"), page.evaluate(BOX, ".record-charts")
    assert charts[0] >= status[1]  # side by side: the charts to the right of the status
    assert abs(charts[2] - status[2]) < 5  # and level with it
    history = page.evaluate(BOX, ".record-history")
    assert history[1] <= charts[0] + 1  # notes and reviews in the status column
    table = page.locator("table.record-diary")
    assert table.locator("thead th").count() == 12
    assert page.evaluate(
        "() => { const t = document.querySelector('table.record-diary');"
        " return t.scrollWidth <= t.parentElement.clientWidth"
        " && getComputedStyle(t.parentElement).overflowX !== 'auto'; }"
    )
    assert page.evaluate(ROW_DISPLAY, "table.record-diary tbody tr") == "table-row"
    assert page.evaluate(FITS)


def test_the_record_on_a_phone_is_one_column_that_fits(workspace, patient):
    page = workspace
    page.set_viewport_size(PHONE)
    page.goto(f"/clinic/patients/{patient.pk}/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
    status, charts = page.evaluate(BOX, ".record-status"), page.evaluate(BOX, ".record-charts")
    assert charts[2] > status[2]  # below, not beside
    assert page.evaluate(ROW_DISPLAY, "table.record-diary tbody tr") != "table-row"  # cards


def test_the_panel_is_a_table_on_a_desktop_and_cards_on_a_phone(workspace):
    page = workspace
    page.set_viewport_size(DESKTOP)
    page.goto("/clinic/")
    assert page.evaluate(ROW_DISPLAY, "tr.panel-row") == "table-row"
    rows = page.locator("tr.panel-row")
    assert rows.count() == 4
    lefts = page.evaluate(
        "() => [...document.querySelectorAll('tr.panel-row td:nth-of-type(5)')]"
        ".map((td) => Math.round(td.getBoundingClientRect().left))"
    )
    assert len(set(lefts)) == 1  # the columns line up
    assert page.locator("tr.panel-row svg.spark").count() == 4
    page.get_by_role("link", name="Patient", exact=True).click()
    page.wait_for_url("**/clinic/?sort=name")
    assert page.locator('th[aria-sort="ascending"]').inner_text().startswith("Patient")

    page.set_viewport_size(PHONE)
    page.goto("/clinic/")
    assert page.evaluate(FITS)
    assert page.evaluate(ROW_DISPLAY, "tr.panel-row") != "table-row"  # a card each
    first = page.locator("tr.panel-row").first
    assert first.locator('td[data-label="Last review"]').is_visible()  # labelled on the card


def test_the_admins_lists_fit_a_phone_and_a_desktop(page, clinic_admin, patient):
    sign_in_staff(page, clinic_admin, PASSWORD)
    page.wait_for_url("**/clinic-admin/")
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        for path in ("/clinic-admin/", "/clinic-admin/audit/"):
            page.goto(path)
            assert page.evaluate(FITS), (path, size)
            assert page.locator(".table-scroll").count() == 0, path
