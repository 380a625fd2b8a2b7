"""The alerts of SPEC §5 as pure functions: which signals a diary raises, each with its
*source*, so computing them again finds the same alerts (never duplicates) and no alert of
one source hides another's. A day signal (opioid, liver signs) is one per diary date; the
enrolment answer "takes opioids" is a source of its own; an *episode* (severe headache
run, persistent side effect, not logging) is one per maximal run of days, from `on` to
`until`, and the store matches it to the alert of an overlapping run, which it updates.
A signal carries its kind and plain parameters; `explain.py` words it when it is shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from ..response import courses as course_rule
from ..response import doses as dosing
from ..response import side_effects
from ..response.courses import Course, End, Stop
from ..response.days import Day
from ..response.rule import Evaluation, Phase

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
    REPORTED_STOP = "reported_stop"  # the patient said they stopped LDN (SPEC §4)
    RETITRATION = "retitration"  # restarted after a lapse or a long stop
    OFF_PLAN = "off_plan"  # a dose other than the plan's step, 3 days in a row (SPEC §3a)
    STEP_HELD = "step_held"  # the plan's next step held (side effects)
    SELF_HARM = "self_harm"  # PHQ-9 item 9 above 0 (SPEC §14)


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
    Kind.REPORTED_STOP: Priority.NORMAL,
    Kind.RETITRATION: Priority.NORMAL,
    Kind.OFF_PLAN: Priority.NORMAL,
    Kind.STEP_HELD: Priority.NORMAL,
    Kind.SELF_HARM: Priority.URGENT,
}
SIDE_EFFECT_KINDS = {
    side_effects.Effect.SLEEP: Kind.SLEEP,
    side_effects.Effect.HEADACHE: Kind.HEADACHE,
    side_effects.Effect.GI: Kind.GI,
    side_effects.Effect.FATIGUE: Kind.FATIGUE,
}


EPISODES = frozenset(
    {Kind.HEADACHE_RUN, Kind.NOT_LOGGING, Kind.OFF_PLAN, *SIDE_EFFECT_KINDS.values()}
)
OFF_PLAN_DAYS = 3
ENROLMENT = "enrolment"


@dataclass(frozen=True)
class Signal:
    kind: Kind
    on: dt.date  # the day: for an episode, its first day
    params: dict[str, Any] = field(default_factory=dict)  # JSON-safe: dates as ISO text
    source: str = ""  # "enrolment" for the enrolment answer; "" for the diary and the rule
    until: dt.date | None = None  # an episode's last day

    @property
    def priority(self) -> Priority:
        return PRIORITY[self.kind]

    @property
    def episode(self) -> bool:
        return self.kind in EPISODES


def signals(
    days: Sequence[Day],
    evaluation: Evaluation,
    today: dt.date,
    *,
    opioids_at_enrolment: dt.date | None = None,
    courses: Sequence[Course] | None = None,
    stops: Sequence[Stop] = (),
    plan: Sequence[dosing.Step] = (),
) -> list[Signal]:
    """Every alert the diary (`days` oldest first), its courses, the evaluation and the
    enrolment answers call for (an opioid named at enrolment, SPEC §13, is an urgent
    opioid alert of its own source). `stops` are the stops recorded: the patient's own
    report raises "reports stopping". `plan` is the titration plan's dated steps: a dose
    other than the step in force on 3 days in a row is "not following the plan"."""
    days = [d for d in days if d.date <= today]
    if courses is None:
        courses = course_rule.courses(days, stops)
    spans = course_rule.spans(courses)
    found = [
        *_safety(days),
        *_headache_runs(days),
        *_side_effects(days, today, spans),
        *gaps(days, today, course_rule.stopped_days(spans)),
        *_courses(courses, stops),
        *_off_plan(days, plan, spans),
    ]
    if opioids_at_enrolment is not None:
        found.append(Signal(Kind.OPIOID, opioids_at_enrolment, {"source": ENROLMENT}, ENROLMENT))
    review = review_signal(evaluation)
    if review:
        found.append(review)
    return sorted(found, key=lambda s: (s.priority, s.on, s.kind, s.source))


def _safety(days: Sequence[Day]) -> Iterator[Signal]:
    for day in days:
        if day.opioid_taken:
            yield Signal(Kind.OPIOID, day.date, {"name": day.opioid_name})
        if day.liver_signs:
            yield Signal(Kind.LIVER, day.date)


def _headache_runs(days: Sequence[Day]) -> Iterator[Signal]:
    """Severe headache on 3 days in a row, whatever the dose: urgent, one per run."""
    severe = [d.date for d in days if d.headache == 3]
    for start, length in runs(severe):
        if length >= HEADACHE_RUN:
            last = start + dt.timedelta(days=length - 1)
            yield Signal(Kind.HEADACHE_RUN, start, {"days": length}, until=last)


def _side_effects(
    days: Sequence[Day], today: dt.date, spans: side_effects.Spans
) -> Iterator[Signal]:
    """A side effect persistent on a settled dose and timing (SPEC §5): one alert per
    stretch of days on which it held, with the timing then (the suggestion depends on it)."""
    for run in side_effects.persistent_runs(days, today, spans):
        yield persistent(*run)


def persistent(
    effect: side_effects.Effect, start: dt.date, last: dt.date, timing: str | None
) -> Signal:
    """The signal of a stretch of days on which `effect` was persistent."""
    return Signal(
        SIDE_EFFECT_KINDS[effect],
        start,
        {"days": side_effects.PERSISTENT_DAYS, "timing": timing or ""},
        until=last,
    )


def gaps(
    days: Sequence[Day], today: dt.date, stopped: Sequence[tuple[dt.date, dt.date | None]]
) -> Iterator[Signal]:
    """No entry for ≥ 3 whole days (SPEC §5): between two entries, or from the last entry
    to yesterday (today is not over). Days while stopped do not count. A patient who never
    logged has no gap to report (their panel row says "never")."""
    dates = [d.date for d in days]
    if not dates:
        return
    ends = [*dates[1:], today]
    for before, after in zip(dates, ends, strict=True):
        day, empty = before + dt.timedelta(days=1), list[dt.date]()
        while day < after:
            if course_rule.in_spans(day, stopped):
                yield from _gap(empty, before, closed=True)
                empty = []
            else:
                empty.append(day)
            day += dt.timedelta(days=1)
        yield from _gap(empty, before, closed=after != today or today in dates)


def _gap(empty: list[dt.date], before: dt.date, *, closed: bool) -> Iterator[Signal]:
    if len(empty) < NOT_LOGGING_DAYS:
        return
    params: dict[str, Any] = {"since": before.isoformat(), "days": len(empty)}
    if closed:
        params["until"] = empty[-1].isoformat()
    yield Signal(Kind.NOT_LOGGING, empty[0], params, until=empty[-1])


def _courses(courses: Sequence[Course], stops: Sequence[Stop]) -> Iterator[Signal]:
    """The patient's own "I have stopped" (for the clinician to confirm), and a restart
    after a lapse or a long stop: re-titration advised."""
    for stop in stops:
        if stop.reason == End.PATIENT:
            yield Signal(Kind.REPORTED_STOP, stop.on, {})
    for course in courses:
        if course.retitration and course.gap_before is not None:
            yield Signal(
                Kind.RETITRATION,
                course.day_one,
                {"days": course.gap_before, "course": course.number},
            )


def _off_plan(
    days: Sequence[Day], plan: Sequence[dosing.Step], spans: side_effects.Spans
) -> Iterator[Signal]:
    """A dose taken other than the plan's step in force, on 3 days in a row, inside a
    course: one alert per run, with the planned and the taken mg of its last day."""
    if not plan:
        return
    taken = [
        (d.date, d.dose_mg)
        for d in days
        if d.dose_taken and d.dose_mg is not None and course_rule.in_spans(d.date, spans)
    ]
    for first, last, planned, mg in dosing.off_plan_runs(taken, plan, OFF_PLAN_DAYS):
        days_off = (last - first).days + 1
        params = {"days": days_off, "planned": dosing.plain(planned), "taken": dosing.plain(mg)}
        yield Signal(Kind.OFF_PLAN, first, params, until=last)


def review_signal(ev: Evaluation) -> Signal | None:
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
