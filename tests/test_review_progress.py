"""Day 1, weeks and days on the current dose (SPEC §4), without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tracker.response import rule
from tracker.response.days import Day, current_since

from .rules import evaluate

D = dt.date(2026, 10, 1)


def days(*pairs):
    return [(D + dt.timedelta(days=offset), Decimal(mg)) for offset, mg in pairs]


@pytest.mark.parametrize(("offset", "week"), [(0, 1), (6, 1), (7, 2), (41, 6), (42, 7)])
def test_weeks_count_from_day_one(offset, week):
    assert rule.week_number(D, D + dt.timedelta(days=offset)) == week


def test_day_one_is_the_first_dose_taken():
    assert rule.day_one(days((3, "1.5"), (4, "1.5"))) == D + dt.timedelta(days=3)


def test_days_on_dose_count_from_the_last_change_including_today():
    doses = days((0, "1.5"), (1, "1.5"), (7, "3.0"), (8, "3.0"))
    assert current_since(doses) == D + dt.timedelta(days=7)
    diary = [Day(day, True, mg, pain=5) for day, mg in doses]
    assert evaluate(diary, today=D + dt.timedelta(days=7)).days_on_dose == 1
    assert evaluate(diary, today=D + dt.timedelta(days=20)).days_on_dose == 14


def test_an_unchanged_dose_counts_from_day_one():
    doses = days((0, "1.5"), (5, "1.5"), (9, "1.5"))
    diary = [Day(day, True, mg, pain=5) for day, mg in doses]
    assert evaluate(diary, today=D + dt.timedelta(days=13)).days_on_dose == 14


def test_going_back_to_an_earlier_dose_is_a_change():
    doses = days((0, "1.5"), (7, "3.0"), (14, "1.5"))
    assert current_since(doses) == D + dt.timedelta(days=14)
