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

from ..review import side_effects
from ..review.days import Day
from ..review.rule import Evaluation, Phase

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
    SLEEP = "sleep"  # the persistent side effects (SPEC §5), one kind each
    HEADACHE = "headache"
    GI = "gi"
    FATIGUE = "fatigue_mood"
    NOT_LOGGING = "not_logging"


PRIORITY = {
    Kind.OPIOID: Priority.URGENT,
    Kind.LIVER: Priority.URGENT,
    Kind.HEADACHE_RUN: Priority.URGENT,
    Kind.REVIEW: Priority.HIGH,
    Kind.SLEEP: Priority.NORMAL,
    Kind.HEADACHE: Priority.NORMAL,
    Kind.GI: Priority.NORMAL,
    Kind.FATIGUE: Priority.NORMAL,
    Kind.NOT_LOGGING: Priority.NORMAL,
}
SIDE_EFFECT_KINDS = {
    side_effects.Effect.SLEEP: Kind.SLEEP,
    side_effects.Effect.HEADACHE: Kind.HEADACHE,
    side_effects.Effect.GI: Kind.GI,
    side_effects.Effect.FATIGUE: Kind.FATIGUE,
}


@dataclass(frozen=True)
class Signal:
    kind: Kind
    on: dt.date  # the day the episode began: with the kind, what makes an alert unique
    params: dict[str, Any] = field(default_factory=dict)  # JSON-safe: dates as ISO text

    @property
    def priority(self) -> Priority:
        return PRIORITY[self.kind]


def signals(
    days: Sequence[Day],
    evaluation: Evaluation,
    today: dt.date,
    *,
    opioids_at_enrolment: dt.date | None = None,
) -> list[Signal]:
    """Every alert the diary (`days` oldest first), the evaluation and the enrolment answers
    call for (an opioid named at enrolment, SPEC §13, is an urgent opioid alert too)."""
    days = [d for d in days if d.date <= today]
    found = [
        *_safety(days),
        *_headache_runs(days),
        *_side_effects(days, today),
        *_gaps(days, today),
    ]
    if opioids_at_enrolment is not None:
        found.append(Signal(Kind.OPIOID, opioids_at_enrolment, {"source": "enrolment"}))
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


def _side_effects(days: Sequence[Day], today: dt.date) -> Iterator[Signal]:
    """A side effect persistent on a settled dose and timing (SPEC §5): one alert per
    stretch of days on which it held, with the timing then (the suggestion depends on it)."""
    for effect, start, timing in side_effects.persistent_runs(days, today):
        yield Signal(
            SIDE_EFFECT_KINDS[effect],
            start,
            {"days": side_effects.PERSISTENT_DAYS, "timing": timing or ""},
        )


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
