"""The alerts of SPEC §5 as pure functions: which signals a diary raises, each keyed by the
day its episode began, so computing them again finds the same alerts (never duplicates)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from django.utils.formats import date_format

from .review import Day, Evaluation, Phase

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


KIND_LABELS = {
    Kind.OPIOID: "Opioid use",
    Kind.LIVER: "Liver warning signs",
    Kind.HEADACHE_RUN: "Severe headache run",
    Kind.REVIEW: "Review",
    Kind.SLEEP: "Persistent sleep side effect",
    Kind.NOT_LOGGING: "Not logging",
}
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
    message: str

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
    return sorted(found, key=lambda s: (s.priority, s.on))


def _safety(days: Sequence[Day]) -> Iterator[Signal]:
    for day in days:
        if day.opioid_taken:
            which = f": {day.opioid_name}" if day.opioid_name else ""
            yield Signal(
                Kind.OPIOID,
                day.date,
                f"Opioid taken on {_d(day.date)}{which}. LDN blocks opioid pain relief and "
                "can precipitate withdrawal.",
            )
        if day.liver_signs:
            yield Signal(
                Kind.LIVER,
                day.date,
                f"Possible liver warning signs reported on {_d(day.date)} (jaundice, dark "
                "urine, pale stools or right upper abdominal pain).",
            )


def _headache_runs(days: Sequence[Day]) -> Iterator[Signal]:
    severe = [d.date for d in days if d.headache == 3]
    for start, length in _runs(severe):
        if length >= HEADACHE_RUN:
            yield Signal(
                Kind.HEADACHE_RUN,
                start,
                f"Severe headache on {length} days in a row from {_d(start)}.",
            )


def _sleep(days: Sequence[Day], today: dt.date) -> Iterator[Signal]:
    """Vivid dreams, nightmares or poor sleep on ≥ 10 of the last 14 days; one alert per
    stretch of days on which that held."""
    if not days:
        return
    bad = {d.date for d in days if d.dreams in ("vivid", "nightmares") or d.sleep_quality <= 2}
    holding: list[dt.date] = []
    day, count = days[0].date, 0
    while day <= today:  # a sliding count of bad days in the 14 ending on `day`
        count += day in bad
        count -= (day - dt.timedelta(days=SLEEP_WINDOW)) in bad
        if count >= SLEEP_BAD_DAYS:
            holding.append(day)
        day += dt.timedelta(days=1)
    for start, _ in _runs(holding):
        yield Signal(
            Kind.SLEEP,
            start,
            f"Vivid dreams, nightmares or poor sleep on at least {SLEEP_BAD_DAYS} of 14 days "
            f"by {_d(start)}. Consider moving the dose to the morning.",
        )


def _gaps(days: Sequence[Day], today: dt.date) -> Iterator[Signal]:
    """No entry for ≥ 3 days: between two entries, or from the last entry to today."""
    dates = [d.date for d in days]
    for before, after in zip(dates, [*dates[1:], None], strict=True):
        if after is None:
            missing = (today - before).days
            if missing >= NOT_LOGGING_DAYS:
                yield Signal(
                    Kind.NOT_LOGGING,
                    before + dt.timedelta(days=1),
                    f"No diary entry since {_d(before)} ({missing} days).",
                )
        elif (after - before).days - 1 >= NOT_LOGGING_DAYS:
            yield Signal(
                Kind.NOT_LOGGING,
                before + dt.timedelta(days=1),
                f"No diary entry from {_d(before + dt.timedelta(days=1))} to "
                f"{_d(after - dt.timedelta(days=1))}.",
            )


def _review(ev: Evaluation) -> Signal | None:
    if ev.phase != Phase.REVIEW_DUE or ev.review_on is None:
        return None
    verdict = ev.verdict_label.lower() if ev.verdict else "due"
    return Signal(
        Kind.REVIEW, ev.review_on, f"Week-{ev.review_week} review due: {verdict}. {ev.explanation}"
    )


def _runs(dates: Sequence[dt.date]) -> Iterator[tuple[dt.date, int]]:
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


def _d(day: dt.date) -> str:
    return date_format(day, "j M")
