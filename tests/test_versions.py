"""The versions of a diary day (issue 23) as plain values, without a database: what each
edit changed, in the form's order and words, newest first."""

from __future__ import annotations

import datetime as dt

from tracker.versions import Change, changes, versions

V1 = {"dose_taken": True, "dose_mg": "1.5", "pain": 6, "sleep_hours": "7.5", "dreams": "vivid",
      "sleep_quality": 3, "headache": 0, "note": "", "fatigue": None}  # fmt: skip
AT = dt.datetime(2026, 12, 1, 21, 3, tzinfo=dt.UTC)


def test_an_unchanged_snapshot_has_no_changes():
    assert changes(V1, dict(V1)) == ()


def test_changes_are_in_words_and_in_the_forms_order():
    after = {**V1, "pain": 4, "dose_taken": False, "dreams": "nightmares", "note": "Flare",
             "fatigue": 5, "sleep_quality": 4}  # fmt: skip
    assert changes(V1, after) == (
        Change("Took LDN", "yes", "no"),
        Change("Sleep quality", "Fair", "Good"),
        Change("Dreams", "Vivid", "Nightmares"),
        Change("Pain", "6", "4"),
        Change("Fatigue", "–", "5"),
        Change("Note", "–", "Flare"),
    )


def test_the_same_number_written_two_ways_is_not_a_change():
    assert changes(V1, {**V1, "sleep_hours": "7.50", "dose_mg": "1.50"}) == ()


def test_versions_are_newest_first_each_against_the_one_before():
    v2 = {**V1, "pain": 5}
    v3 = {**v2, "pain": 2, "note": "Better"}
    found = versions(v3, "patient", AT + dt.timedelta(days=2), 3,
                     [(2, v2, "clinician", AT + dt.timedelta(days=1)), (1, V1, "patient", AT)])  # fmt: skip
    assert [(v.number, v.by, v.current) for v in found] == [
        (3, "patient", True), (2, "clinician", False), (1, "patient", False),
    ]  # fmt: skip
    assert found[0].changes == (Change("Pain", "5", "2"), Change("Note", "–", "Better"))
    assert found[1].changes == (Change("Pain", "6", "5"),)
    assert found[2].changes == ()  # the first version: what was logged


def test_a_day_never_changed_is_one_version():
    only = versions(V1, "patient", AT, 1, [])
    assert len(only) == 1 and only[0].current and only[0].changes == ()
