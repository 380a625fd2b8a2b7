"""A patient keeps the diary on a phone, in real Chromium."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.models import DailyEntry

from .browser import sign_in
from .factories import PASSWORD, EntryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, legend: str, option: str) -> None:
    page.get_by_role("group", name=legend).get_by_text(option, exact=True).click()


def test_a_patient_logs_today_and_edits_yesterday(page, patient):
    today = patient.diary_today()
    yesterday = today - dt.timedelta(days=1)
    EntryFactory(patient=patient, date=yesterday, pain=6)

    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    assert page.get_by_label("Dose (mg)").input_value() == "1.5"
    assert page.get_by_label("Time taken").input_value() == "22:00"

    page.get_by_label("Hours slept last night").fill("7.25")
    choose(page, "How well did you sleep?", "Good")
    choose(page, "Dreams", "Vivid")
    choose(page, "Pain, on average over the last 24 hours", "4")
    choose(page, "Mood", "7")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Save today").click()

    page.get_by_role("heading", name="Saved for").wait_for()
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the panel in place
    entry = DailyEntry.objects.get(patient=patient, date=today)
    assert (entry.pain, entry.mood, entry.sleep_hours, entry.dreams) == (4, 7, 7.25, "vivid")

    page.get_by_role("link", name="History", exact=True).click()
    page.wait_for_url("**/history/")
    today_row = page.locator("tbody tr").first
    assert "Vivid" in today_row.inner_text()

    page.get_by_role("link", name=f"Edit {yesterday:%a} {yesterday.day} {yesterday:%b}").click()
    page.get_by_role("heading", name=f"{yesterday:%A} {yesterday.day} {yesterday:%B}").wait_for()
    choose(page, "Pain, on average over the last 24 hours", "3")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Saved for").wait_for()
    edited = DailyEntry.objects.get(patient=patient, date=yesterday)
    assert (edited.pain, edited.version, edited.revisions.count()) == (3, 2, 1)
    assert page.csp_errors == []


def test_a_mistake_is_explained_next_to_the_field(page, patient):
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    page.get_by_label("Hours slept last night").fill("7.1")
    page.get_by_role("button", name="Save today").click()
    error = page.locator("#id_sleep_hours_error")
    error.wait_for()
    assert "quarter hours" in error.inner_text()
    assert not DailyEntry.objects.exists()


def test_the_diary_works_with_javascript_off(browser, live_server, patient):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    page.get_by_label("Hours slept last night").fill("8")
    for legend, option in [
        ("How well did you sleep?", "Very good"),
        ("Dreams", "None"),
        ("Pain, on average over the last 24 hours", "2"),
        ("Mood", "8"),
    ]:
        choose(page, legend, option)
    page.get_by_role("button", name="Save today").click()
    page.get_by_role("heading", name="Saved for").wait_for()
    assert DailyEntry.objects.get(patient=patient).pain == 2
    context.close()


def test_a_save_that_did_not_go_through_says_so_and_keeps_the_answers(page, patient):
    """Issue 8: with the database down the diary's htmx save showed nothing at all."""
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    page.get_by_label("Hours slept last night").fill("6.5")
    choose(page, "How well did you sleep?", "Fair")
    choose(page, "Dreams", "Normal")
    choose(page, "Pain, on average over the last 24 hours", "3")
    choose(page, "Mood", "6")
    page.route(
        "**/diary/",
        lambda route: (
            route.fulfill(status=503, headers={"Retry-After": "30"}, body="down")
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    page.get_by_role("button", name="Save today").click()
    problem = page.get_by_role("alert").filter(has_text="was not saved")
    problem.wait_for()
    assert "briefly unavailable" in problem.inner_text()
    assert page.get_by_label("Hours slept last night").input_value() == "6.5"
    assert page.get_by_role("group", name="Mood").get_by_label("6").is_checked()
    assert not DailyEntry.objects.exists()

    page.unroute("**/diary/")
    page.get_by_role("button", name="Save today").click()
    page.get_by_role("heading", name="Saved for").wait_for()
    assert DailyEntry.objects.get(patient=patient).pain == 3
