"""The alerts of SPEC §5 as pure functions: which signals a diary raises, each keyed by the
day its episode began, so computing them again finds the same alerts (never duplicates).
A signal carries its kind and plain parameters; `explain.py` words it when it is shown."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from ..review.days import Day
from ..review.rule import Evaluation, Phase

SLEEP_WINDOW, SLEEP_BAD_DAYS = 14, 10
HEADACHE_RUN = 3
NOT_LOGGING_DAYS = 3


class Priority(IntEnum):
    """Lower sorts first: the clinician's panel shows urgent alerts at the top."""

    URGENT = 0
    HIGH = 1
    NORMAL = 2


class Kind(StrEnum):
    OPIOID = "opioid"
    LIVER = "liver"
    HEADACHE_RUN = "headache_run"
    REVIEW = "review"
    SLEEP = "sleep"
    NOT_LOGGING = "not_logging"


PRIORITY = {
    Kind.OPIOID: Priority.URGENT,
    Kind.LIVER: Priority.URGENT,
    Kind.HEADACHE_RUN: Priority.URGENT,
    Kind.REVIEW: Priority.HIGH,
    Kind.SLEEP: Priority.NORMAL,
    Kind.NOT_LOGGING: Priority.NORMAL,
}


@dataclass(frozen=True)
class Signal:
    kind: Kind
    on: dt.date  # the day the episode began: with the kind, what makes an alert unique
    params: dict[str, Any] = field(default_factory=dict)  # JSON-safe: dates as ISO text

    @property
    def priority(self) -> Priority:
        return PRIORITY[self.kind]


def signals(days: Sequence[Day], evaluation: Evaluation, today: dt.date) -> list[Signal]:
    """Every alert the diary (`days` oldest first) and the evaluation call for."""
    days = [d for d in days if d.date <= today]
    found = [*_safety(days), *_headache_runs(days), *_sleep(days, today), *_gaps(days, today)]
    review = _review(evaluation)
    if review:
        found.append(review)
    return sorted(found, key=lambda s: (s.priority, s.on, s.kind))


def _safety(days: Sequence[Day]) -> Iterator[Signal]:
    for day in days:
        if day.opioid_taken:
            yield Signal(Kind.OPIOID, day.date, {"name": day.opioid_name})
        if day.liver_signs:
            yield Signal(Kind.LIVER, day.date)


def _headache_runs(days: Sequence[Day]) -> Iterator[Signal]:
    severe = [d.date for d in days if d.headache == 3]
    for start, length in runs(severe):
        if length >= HEADACHE_RUN:
            yield Signal(Kind.HEADACHE_RUN, start, {"days": length})


def _sleep(days: Sequence[Day], today: dt.date) -> Iterator[Signal]:
    """Vivid dreams, nightmares or poor sleep on ≥ 10 of the last 14 days; one alert per
    stretch of days on which that held."""
    if not days:
        return
    bad = {d.date for d in days if d.sleep_disturbed}
    holding: list[dt.date] = []
    day, count = days[0].date, 0
    while day <= today:  # a sliding count of bad days in the 14 ending on `day`
        count += day in bad
        count -= (day - dt.timedelta(days=SLEEP_WINDOW)) in bad
        if count >= SLEEP_BAD_DAYS:
            holding.append(day)
        day += dt.timedelta(days=1)
    for start, _ in runs(holding):
        yield Signal(Kind.SLEEP, start, {"days": SLEEP_BAD_DAYS})


def _gaps(days: Sequence[Day], today: dt.date) -> Iterator[Signal]:
    """No entry for ≥ 3 days: between two entries, or from the last entry to today. A
    patient who never logged has no gap to report (their panel row says "never")."""
    dates = [d.date for d in days]
    for before, after in itertools.pairwise(dates):
        if (after - before).days - 1 >= NOT_LOGGING_DAYS:
            start = before + dt.timedelta(days=1)
            yield Signal(
                Kind.NOT_LOGGING,
                start,
                {"since": before.isoformat(), "until": (after - dt.timedelta(days=1)).isoformat()},
            )
    if dates and (today - dates[-1]).days >= NOT_LOGGING_DAYS:
        last = dates[-1]
        yield Signal(
            Kind.NOT_LOGGING,
            last + dt.timedelta(days=1),
            {"since": last.isoformat(), "days": (today - last).days},
        )


def _review(ev: Evaluation) -> Signal | None:
    if ev.phase != Phase.REVIEW_DUE or ev.review_on is None:
        return None
    return Signal(
        Kind.REVIEW,
        ev.review_on,
        {"week": ev.review_week, "verdict": ev.verdict.value if ev.verdict else ""},
    )


def runs(dates: Sequence[dt.date]) -> Iterator[tuple[dt.date, int]]:
    """(first day, length) of each run of consecutive dates in sorted `dates`."""
    start: dt.date | None = None
    length = 0
    previous: dt.date | None = None
    for day in dates:
        if previous is not None and (day - previous).days == 1:
            length += 1
        else:
            if start is not None:
                yield start, length
            start, length = day, 1
        previous = day
    if start is not None:
        yield start, length
