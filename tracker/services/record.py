"""What the clinician's record reads of the diary (issue 24). Its default view (4 or 12
weeks) reads, in one query whatever the diary's length, the chart's range and the diary
list's 8 weeks, the baseline week and the evaluation window (the n-of-1 intervals), and
the last entry, dose and timed dose before them; the courses, the side effects'
settledness and the bedtime-or-morning comparison are the stored summary's. "All", or a
summary not written for today (before the night has run) or older than an entry, reads
the whole diary.
tests/test_record_range.py proves both give the same record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import charts
from ..models import DailyEntry, Patient
from ..response import courses as course_rule
from ..response import side_effects
from ..response.days import Day
from ..response.rule import Evaluation
from ..treatment import CourseHistory, course_history


@dataclass(frozen=True)
class Diary:
    days: list[Day]  # complete from `complete_from` (None: the whole diary), and the ranges
    complete_from: dt.date | None
    chart_days: list[Day]  # what charts.trends needs of the range
    comparison: list[charts.TimingGroup] | None  # None: charts.trends works it out
    history: CourseHistory
    side_effects: list[side_effects.Status]  # today's, present or persistent


def read(patient: Patient, evaluation: Evaluation, chosen: str, listed_days: int) -> Diary:
    """The diary the record shows for the range `chosen`, with `listed_days` days listed."""
    today = evaluation.today
    entries = DailyEntry.objects.for_patient(patient)
    start = charts.window_start(chosen, today)
    stored = getattr(patient, "summary", None)
    if (
        start is None
        or stored is None
        or stored.recent_until != today
        or getattr(patient, "diary_since_summary", True)  # PatientQuerySet.diary_changed
        or None in (stored.settling, stored.courses, stored.timing_nights)
    ):
        return _whole(patient, entries.days(), today)
    complete_from = min(start, today - dt.timedelta(days=listed_days - 1))
    also = []
    if evaluation.window is not None:
        also.append((evaluation.window.first, evaluation.window.last))
    if evaluation.day_one is not None:
        also.append((evaluation.day_one - dt.timedelta(days=7), evaluation.day_one))
    days = entries.for_range(complete_from, today, *also)
    found = [course_rule.from_json(c) for c in stored.courses]
    history = course_history(patient, (), today, found=found)
    return Diary(
        days=days,
        complete_from=complete_from,
        chart_days=_chart_days(days, start),
        comparison=[charts.TimingGroup(**group) for group in stored.timing_nights],
        history=history,
        side_effects=side_effects.present_on(
            days, today, side_effects.settling_from_json(stored.settling)
        ),
    )


def _chart_days(days: list[Day], start: dt.date) -> list[Day]:
    """The range's days and, before it, the last entry, dose and timed dose: what
    `EntryQuerySet.for_range(start, …)` reads (the days read before `start` are real
    entries, so the latest of them is the latest there is)."""
    earlier = [d for d in days if d.date < start]
    kept = {
        max(earlier, key=lambda d: d.date, default=None),
        max((d for d in earlier if d.dose_taken and d.dose_mg is not None),
            key=lambda d: d.date, default=None),
        max((d for d in earlier if d.dose_taken and d.time_taken is not None),
            key=lambda d: d.date, default=None),
    }  # fmt: skip
    return [d for d in days if d.date >= start or d in kept]


def _whole(patient: Patient, days: list[Day], today: dt.date) -> Diary:
    history = course_history(patient, [d for d in days if d.date <= today], today)
    return Diary(
        days=days,
        complete_from=None,
        chart_days=days,
        comparison=None,
        history=history,
        side_effects=side_effects.today(days, today, history.spans),
    )
