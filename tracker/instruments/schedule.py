"""When each questionnaire is due (SPEC §14), as pure functions: the default bundle per
condition, and the occasions of a patient's bundle — baseline, every review point, and
every 2 or 4 weeks if chosen — each open from 3 days before its day to 7 days after, then
*missed*. Nothing falls due while LDN is stopped (SPEC §4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

OPENS_BEFORE = dt.timedelta(days=3)
CLOSES_AFTER = dt.timedelta(days=7)
PAIN_CONDITIONS = frozenset({"crps", "neuropathic_pain", "other"})


def default_bundle(condition: str, licensed: Iterable[str]) -> list[tuple[str, bool]]:
    """(instrument, asked at review points) for a new patient: PHQ-9 for everyone at
    baseline (at every review point too for depression), and the condition's own."""
    held = set(licensed)
    bundle = [("phq-9", condition == "depression")]
    match condition:
        case "fibromyalgia":
            bundle.append(("fiqr" if "fiqr" in held else "peg-3", True))
        case "anxiety":
            bundle.append(("gad-7", True))
        case "long_covid":
            bundle.append(("dsq-pem", True))
            if "fss" in held:
                bundle.append(("fss", True))
        case "ms":
            if "fss" in held:
                bundle.append(("fss", True))
        case _ if condition in PAIN_CONDITIONS:
            bundle.append(("peg-3", True))
    return bundle


class State(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    ANSWERED = "answered"
    MISSED = "missed"


@dataclass(frozen=True)
class Occasion:
    instrument: str
    key: str  # "baseline", "review-<course>-<point>", "week-<course>-<week>"
    day: dt.date  # the day it is about: baseline's first day, a review day, week N's day
    opens: dt.date
    closes: dt.date | None  # None: baseline before day 1 stays open until day 1 + 7
    state: State
    label: str  # "baseline", "week 6 review", "week 4"


@dataclass(frozen=True)
class Asked:
    instrument: str
    at_reviews: bool
    every_weeks: int  # 0, 2 or 4


def occasions(
    bundle: Sequence[Asked],
    *,
    today: dt.date,
    enrolled_on: dt.date,
    day_one: dt.date | None,
    course: int,
    review_on: dt.date | None,
    review_point: int,
    review_week: int | None,
    stopped: bool,
    answered: set[tuple[str, str]],
) -> list[Occasion]:
    """Every occasion of the bundle that has opened by `today` (and the next upcoming
    review), newest state first by day. `answered` holds (instrument, occasion key) of the
    completed answers."""
    found: list[Occasion] = []

    def add(asked: Asked, key: str, day: dt.date, opens: dt.date, closes: dt.date | None,
            label: str) -> None:  # fmt: skip
        if (asked.instrument, key) in answered:
            state = State.ANSWERED
        elif stopped:
            return  # nothing falls due while stopped
        elif today < opens:
            state = State.UPCOMING
        elif closes is not None and today > closes:
            state = State.MISSED
        else:
            state = State.DUE
        found.append(Occasion(asked.instrument, key, day, opens, closes, state, label))

    for asked in bundle:
        first = min(enrolled_on, day_one) if day_one else enrolled_on
        # Baseline: from enrolment until a week after day 1 (open while day 1 is unknown).
        add(asked, "baseline", first, first,
            day_one + CLOSES_AFTER if day_one else None, "baseline")  # fmt: skip
        if day_one is None:
            continue
        if asked.at_reviews and review_on is not None and review_week:
            add(asked, f"review-{course}-{review_point}", review_on, review_on - OPENS_BEFORE,
                review_on + CLOSES_AFTER, f"week {review_week} review")  # fmt: skip
        if asked.every_weeks:
            week = asked.every_weeks
            while True:
                day = day_one + dt.timedelta(days=7 * week - 1)  # the last day of week N
                if day - OPENS_BEFORE > today:
                    break
                if asked.at_reviews and week == review_week:
                    week += asked.every_weeks
                    continue  # the review point asks it that week
                add(asked, f"week-{course}-{week}", day, day - OPENS_BEFORE,
                    day + CLOSES_AFTER, f"week {week}")  # fmt: skip
                week += asked.every_weeks
    return sorted(found, key=lambda o: (o.day, o.instrument))


def due(found: Iterable[Occasion]) -> list[Occasion]:
    return [o for o in found if o.state == State.DUE]
