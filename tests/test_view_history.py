"""History: the last 8 weeks, a row a day, missing days visible, the last 7 days editable."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.models import DailyEntry

from .factories import EntryFactory


def test_history_lists_56_days_with_missing_days_marked(patient_client, patient):
    today = patient.diary_today()
    EntryFactory(patient=patient, date=today, pain=7)
    EntryFactory(patient=patient, date=today - dt.timedelta(days=2), pain=3)
    response = patient_client.get("/history/")
    rows = response.context["rows"]
    assert len(rows) == 56
    assert [r["day"] for r in rows[:3]] == [today - dt.timedelta(days=n) for n in range(3)]
    assert [bool(r["entry"]) for r in rows[:3]] == [True, False, True]
    assert response.content.decode().count("Not logged") == 54
    assert response.context["logged"] == 2


def test_only_the_last_seven_days_offer_an_edit(patient_client, patient):
    rows = patient_client.get("/history/").context["rows"]
    assert [r["editable"] for r in rows[:9]] == [True] * 8 + [False]


def test_history_shows_the_week_of_treatment(patient_client, patient):
    today = patient.diary_today()
    for n in range(10):
        EntryFactory(patient=patient, date=today - dt.timedelta(days=n))
    rows = patient_client.get("/history/").context["rows"]
    assert rows[0]["week"] == 2
    assert rows[9]["week"] == 1
    assert rows[10]["week"] is None


def test_history_shows_only_my_entries(patient_client, patient, other_patient):
    EntryFactory(patient=other_patient, date=other_patient.diary_today(), pain=9)
    response = patient_client.get("/history/")
    assert response.context["logged"] == 0


def test_history_flags_safety_answers(patient_client, patient):
    EntryFactory(patient=patient, opioid_taken=True, opioid_name="tramadol", liver_signs=True)
    html = patient_client.get("/history/").content.decode()
    assert "Opioid" in html and "Liver signs" in html


@pytest.mark.parametrize("days", [1, 365])
def test_history_stays_within_its_query_budget(
    patient_client, patient, days, django_assert_max_num_queries
):
    today = patient.diary_today()
    DailyEntry.objects.bulk_create(
        EntryFactory.build(patient=patient, date=today - dt.timedelta(days=n)) for n in range(days)
    )
    with django_assert_max_num_queries(8):
        response = patient_client.get("/history/")
    assert response.context["logged"] == min(days, 56)


def test_a_changed_day_shows_each_version_who_and_what(patient_client, patient, clinician):
    from tracker.services.diary import save_entry

    today = patient.diary_today()
    entry = EntryFactory(patient=patient, date=today, pain=6, note="", updated_by=patient.user)
    values = {name: getattr(entry, name) for name in DailyEntry.VALUE_FIELDS}
    save_entry(patient=patient, day=today, values={**values, "pain": 4}, version=1, by=patient.user)
    save_entry(patient=patient, day=today, values={**values, "pain": 4, "note": "Typo fixed"},
               version=2, by=clinician)  # fmt: skip
    html = patient_client.get("/history/").content.decode()
    versions = html[html.index('<details class="versions">') :]
    versions = versions[: versions.index("</details>")]
    assert "Changed 2 times" in versions
    assert versions.index("Now") < versions.index("Version 2") < versions.index("Version 1")
    assert "changed by\n        Chidi Okafor" in versions or "Chidi Okafor" in versions
    assert "Pain: <del>6</del> → <ins>4</ins>" in versions
    assert "Note: <del>–</del> → <ins>Typo fixed</ins>" in versions
    assert "logged by" in versions and "you" in versions
    assert html.count('<details class="versions">') == 1  # only the changed day


def test_no_day_changed_costs_no_query_and_shows_nothing(patient_client, patient):
    EntryFactory(patient=patient)
    assert "versions" not in patient_client.get("/history/").content.decode().split("<main")[1]


@pytest.mark.parametrize(
    ("show", "expected"),
    [("all", 56), ("notes", 1), ("effects", 1), ("missed", 1), ("nonsense", 56)],
)
def test_history_filters_the_days_that_matter(patient_client, patient, show, expected):
    today = patient.diary_today()
    EntryFactory(patient=patient, date=today, note="Flare after gardening")
    EntryFactory(patient=patient, date=today - dt.timedelta(days=2), headache=2)
    EntryFactory(
        patient=patient, date=today - dt.timedelta(days=1), dose_taken=False, dose_mg=None
    )  # between two doses: a missed dose, not the baseline
    response = patient_client.get(f"/history/?show={show}")
    assert response.status_code == 200
    assert len(response.context["rows"]) == expected
    assert response.context["logged"] == 3
    html = response.content.decode()
    current = "all" if show == "nonsense" else show
    assert f'href="?show={current}" aria-current="true"' in html


def test_a_filter_that_matches_nothing_says_so(patient_client, patient):
    html = patient_client.get("/history/?show=notes").content.decode()
    assert "No day of the last 8 weeks matches." in html
