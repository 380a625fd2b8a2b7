"""The patient's Trends page: chart data, ranges, table and the bedtime/morning comparison."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.conf import settings

from tracker.models import DailyEntry

from .factories import EntryFactory


def fill(patient, days, **values):
    today = patient.diary_today()
    DailyEntry.objects.bulk_create(
        EntryFactory.build(patient=patient, date=today - dt.timedelta(days=n), **values)
        for n in range(days)
    )


@pytest.mark.parametrize(("chosen", "points"), [("4w", 28), ("12w", 84), ("all", 100)])
def test_each_range_has_a_point_a_day(patient_client, patient, chosen, points):
    fill(patient, 100)
    trends = patient_client.get(f"/trends/?range={chosen}").context["trends"]
    assert len(trends.data["labels"]) == points
    assert len(trends.data["series"]["pain"]) == points
    assert trends.data["labels"][-1] == patient.diary_today().isoformat()


def test_an_unknown_range_falls_back_to_12_weeks(patient_client, patient):
    fill(patient, 10)
    assert patient_client.get("/trends/?range=5y").context["trends"].range == "12w"


def test_the_range_switch_swaps_only_the_component(patient_client, patient):
    fill(patient, 40)
    response = patient_client.get("/trends/?range=4w", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.startswith('<section id="trends"')
    assert "<html" not in html


def test_data_reaches_the_script_through_json_script_only(patient_client, patient):
    fill(patient, 10)
    html = patient_client.get("/trends/").content.decode()
    assert '<script id="trends-data" type="application/json">' in html
    assert "<script>" not in html and "style=" not in html


def test_the_numbers_are_also_a_table(patient_client, patient):
    fill(patient, 10, pain=7)
    html = patient_client.get("/trends/?range=4w").content.decode()
    assert "The numbers as a table (10 days logged)" in html
    assert html.count("not logged") == 0


def test_bedtime_and_morning_nights_are_compared(patient_client, patient):
    today = patient.diary_today()
    for n in range(10):
        morning = n < 5
        EntryFactory(
            patient=patient,
            date=today - dt.timedelta(days=n),
            time_taken=dt.time(8) if morning else dt.time(22),
            dreams="normal" if n < 5 else "vivid",
        )
    groups = patient_client.get("/trends/").context["trends"].comparison
    bedtime, morning = groups
    # A dose on day D is paired with the night logged on D+1; today's dose has no night yet.
    assert (bedtime.nights, morning.nights) == (5, 4)
    assert bedtime.vivid_share == 80  # four vivid nights after bedtime doses, then a normal one
    assert morning.vivid_share == 0


@pytest.mark.parametrize("days", [1, 730])
def test_trends_stays_within_its_query_budget(
    patient_client, patient, days, django_assert_max_num_queries
):
    fill(patient, days)
    with django_assert_max_num_queries(6):
        patient_client.get("/trends/?range=all")


def test_chartjs_comes_from_the_cdn_with_integrity(client, patient, settings):
    settings.CHARTJS_SOURCE = "cdn"
    client.force_login(patient.user)
    html = client.get("/trends/").content.decode()
    assert f'src="{settings.CHARTJS_CDN_URL}" integrity="{settings.CHARTJS_INTEGRITY}"' in html
    assert 'crossorigin="anonymous"' in html


def test_the_local_copy_is_the_pinned_version_the_integrity_hash_names():
    local = Path(settings.CHARTJS_LOCAL_DIR) / "chart.umd.min.js"
    digest = base64.b64encode(hashlib.sha384(local.read_bytes()).digest()).decode()
    assert f"sha384-{digest}" == settings.CHARTJS_INTEGRITY
    assert f"@{settings.CHARTJS_VERSION}/" in settings.CHARTJS_CDN_URL


def test_static_files_hold_the_one_chart_js_file_the_pages_load_not_its_whole_package():
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/chart.js/chart.umd.min.js").endswith("dist/chart.umd.min.js")
    assert not finders.find("vendor/chart.js/chart.cjs")  # 6 MB of the npm package stays out
    listed = {path for finder in finders.get_finders() for path, _ in finder.list([])}
    assert {p for p in listed if "chart" in p} >= {"chart.umd.min.js", "chart.umd.min.js.map"}
    assert not any(p.endswith(".cjs") or p.endswith(".d.ts") for p in listed)
