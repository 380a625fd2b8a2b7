"""The diary date: local calendar date, with the day boundary (SPEC §3)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tracker.models import Patient, diary_date_at

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        ("00:00", "2026-11-20"),
        ("03:59", "2026-11-20"),
        ("04:00", "2026-11-21"),
        ("23:59", "2026-11-21"),
    ],
)
def test_entries_before_the_day_boundary_belong_to_the_previous_day(clock, expected):
    local = dt.datetime.fromisoformat(f"2026-11-21T{clock}").replace(tzinfo=LONDON)
    assert diary_date_at(local, dt.time(4, 0)) == dt.date.fromisoformat(expected)


def test_a_patient_chooses_their_own_day_boundary():
    local = dt.datetime(2026, 11, 21, 5, 30, tzinfo=LONDON)
    assert diary_date_at(local, dt.time(6, 0)) == dt.date(2026, 11, 20)
    assert diary_date_at(local, dt.time(0, 0)) == dt.date(2026, 11, 21)


def test_the_diary_date_follows_the_patients_time_zone():
    now = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)  # 07:00 in New York, 23:00 in Sydney
    assert Patient(time_zone="America/New_York").diary_today(now) == dt.date(2026, 11, 21)
    assert Patient(time_zone="Australia/Sydney").diary_today(now) == dt.date(2026, 11, 21)
    late = dt.datetime(2026, 11, 21, 14, 0, tzinfo=dt.UTC)  # 01:00 on the 22nd in Sydney
    assert Patient(time_zone="Australia/Sydney").diary_today(late) == dt.date(2026, 11, 21)
    assert Patient(time_zone="Australia/Sydney").calendar_today(late) == dt.date(2026, 11, 22)


def test_the_last_seven_days_are_editable_and_no_future_day():
    now = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
    earliest, latest = Patient(time_zone="Europe/London").editable_days(now)
    assert (earliest, latest) == (dt.date(2026, 11, 14), dt.date(2026, 11, 21))
