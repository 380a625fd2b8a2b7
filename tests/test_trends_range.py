"""Trends reads only its range (issue 24): the default 12 weeks and 4 weeks read the range's
days, the last entries before it and the summary's comparison of every night, and show
exactly what reading the whole diary shows, for diaries of every shape."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from tracker import charts
from tracker.models import DailyEntry
from tracker.services import trends as trends_service
from tracker.services.status import plan_of, refresh_patient

from .factories import EntryFactory


def _diary(patient, rng: random.Random, length: int) -> None:
    today = patient.diary_today()
    DailyEntry.objects.filter(patient=patient).delete()
    rows, mg, hour = [], Decimal("1.5"), 22
    for n in range(length, -1, -1):
        if rng.random() < 0.25:
            continue  # not logged
        if rng.random() < 0.05:
            mg = rng.choice([Decimal("0.5"), Decimal("1.5"), Decimal("3"), Decimal("4.5")])
        if rng.random() < 0.04:
            hour = 8 if hour == 22 else 22
        taken = rng.random() > 0.15
        timed = taken and rng.random() > 0.2
        rows.append(EntryFactory.build(
            patient=patient, date=today - dt.timedelta(days=n), dose_taken=taken,
            dose_mg=mg if taken else None, time_taken=dt.time(hour) if timed else None,
            pain=rng.randint(0, 10), mood=rng.randint(0, 10), sleep_quality=rng.randint(1, 5),
            dreams=rng.choice(["none", "normal", "vivid", "nightmares"]),
            sleep_hours=Decimal(rng.choice(["5", "6.5", "7", "8.5"])),
        ))  # fmt: skip
    DailyEntry.objects.bulk_create(rows)


@pytest.mark.parametrize("seed", range(12))
def test_a_range_read_alone_shows_what_the_whole_diary_shows(patient, seed):
    rng = random.Random(seed)
    _diary(patient, rng, rng.choice([3, 20, 30, 84, 90, 95, 200, 400]))
    refresh_patient(patient)
    patient.refresh_from_db()
    evaluation = patient.status()
    plan = plan_of(list(patient.prescriptions.active()))
    whole = DailyEntry.objects.for_patient(patient).days()
    for chosen in ("4w", "12w"):
        full = charts.trends(whole, evaluation, chosen, plan=plan)
        read = trends_service.trends(patient, evaluation, chosen, plan=plan)
        assert read.data == full.data, chosen
        assert read.rows == full.rows and read.comparison == full.comparison, chosen


def test_the_range_is_read_in_one_query_whatever_the_diarys_length(
    patient, django_assert_num_queries
):
    for length in (5, 400):
        _diary(patient, random.Random(length), length)
        refresh_patient(patient)
        patient.refresh_from_db()
        evaluation = patient.status()
        with django_assert_num_queries(1):
            found = trends_service.trends(patient, evaluation, "12w")
        assert found.range == "12w"
        first = charts.window_start("12w", evaluation.today)
        read = DailyEntry.objects.for_patient(patient).for_range(first, evaluation.today)
        assert len(read) <= 84 + 6 + 3  # the range, its 6 priming days, 3 rows before
