"""The Trends charts in real Chromium: points read back from Chart.js, the range switch,
and the table when Chart.js cannot load."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.models import DailyEntry

from .browser import sign_in
from .factories import PASSWORD, EntryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART_POINTS = """(name) => {
  const chart = Chart.getChart(document.querySelector(`canvas[data-chart="${name}"]`));
  return {labels: chart.data.labels.length,
          pain: chart.data.datasets[0].data.filter((v) => v !== null).length};
}"""


@pytest.fixture
def history(patient):
    today = patient.diary_today()
    # 50 days, every fifth day not logged.
    DailyEntry.objects.bulk_create(
        EntryFactory.build(patient=patient, date=today - dt.timedelta(days=n), pain=n % 10)
        for n in range(50)
        if n % 5 != 4
    )


def test_the_charts_draw_every_day_and_switch_range(page, patient, history):
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    page.goto("/trends/")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas'))")
    twelve_weeks = page.evaluate(CHART_POINTS, "outcomes")
    assert twelve_weeks == {"labels": 49, "pain": 40}  # from the first day logged, 48 days ago
    for name in ("symptoms", "sleep", "dreams"):
        assert page.evaluate(CHART_POINTS, name)["labels"] == 49
    assert not page.locator("details.numbers").get_attribute("open")

    page.get_by_role("link", name="4 weeks").click()
    page.wait_for_url("**/trends/?range=4w")
    page.wait_for_function(
        "() => Chart.getChart(document.querySelector('canvas'))?.data.labels.length === 28"
    )
    assert page.evaluate(CHART_POINTS, "outcomes") == {"labels": 28, "pain": 23}
    assert page.locator("nav.segmented [aria-current=true]").inner_text() == "4 weeks"
    assert page.csp_errors == []


def test_without_chartjs_the_numbers_show_as_a_table(page, patient, history):
    page.route("**/chart.umd.min.js", lambda route: route.abort())
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    page.goto("/trends/?range=4w")
    page.get_by_text("The charts could not load here").wait_for()
    assert page.locator("details.numbers").get_attribute("open") is not None
    assert page.locator(".charts").is_hidden()
    assert page.locator(".numbers-table tbody tr").count() == 28
