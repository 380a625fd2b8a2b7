"""The response rule of SPEC §4 as pure functions over plain values: no database and no
Django inside, so views, commands and exports share it and tests cover every edge cheaply.
The words people read about it are in `explain.py`, beside this module.

The rule works in two steps: `facts(diary)` is what a diary says whatever the date (kept per
patient in PatientSummary), and `status(facts, today)` is where the patient stands today.

Means and percentages are exact fractions: 30 % must count as 30 % whatever floating point
says, so nothing here is a float until it is formatted for people to read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from . import courses as course_rule
from .courses import Course, End, Stop
from .days import Day, DoseDay, current_since, dose_days
from .days import changes as changes_of

REVIEW_WEEK = 6
NEXT_REVIEW_WEEK = 12
STEADY_DAYS = 14  # full benefit at a dose takes about 2 weeks
BASELINE_DAYS = 7
MIN_LOGGED_PER_WEEK = 4
OUTCOMES = ("pain", "mood", "fatigue")
DISCORDANT_PGIC = (1, 2)  # "very much" or "much improved"


@dataclass(frozen=True)
class Review:
    """A review a clinician recorded: for which review point, and when the next one is."""

    point: int
    next_week: int = NEXT_REVIEW_WEEK


class Phase(StrEnum):
    PRE_TREATMENT = "pre_treatment"
    TITRATING = "titrating"
    ON_TREATMENT = "on_treatment"
    TITRATION_INCOMPLETE = "titration_incomplete"
    REVIEW_DUE = "review_due"
    STOPPED = "stopped"  # the last course ended (a stop or a lapse) and none has begun


class Verdict(StrEnum):
    RESPONDING = "responding"
    PARTIAL = "partial"
    NO_RESPONSE = "no_response"
    WORSE = "worse"
    INSUFFICIENT_DATA = "insufficient_data"
    DISCORDANT = "discordant"


# --- Treatment timeline -------------------------------------------------------------------


def day_one(doses: Sequence[DoseDay]) -> dt.date | None:
    """Day 1 is the first diary date with a dose taken; None means pre-treatment."""
    return doses[0][0] if doses else None


def day_number(first: dt.date, day: dt.date) -> int:
    return (day - first).days + 1


def date_of_day(first: dt.date, number: int) -> dt.date:
    return first + dt.timedelta(days=number - 1)


def week_number(first: dt.date, day: dt.date) -> int:
    return (day - first).days // 7 + 1


def days_on(since: dt.date, today: dt.date) -> int:
    """Days on the current dose (or timing): today − the day it started + 1."""
    return (today - since).days + 1


def review_date(doses: Sequence[DoseDay], nominal: dt.date) -> dt.date:
    """The review falls on `nominal` unless the dose then in use had been taken for fewer
    than 14 days; then it moves to the day that dose reaches 14 days, and again for any
    change on or before the moved day, so a review always follows 14 days on one dose."""
    day = nominal
    while True:
        change = current_since(doses, until=day)
        if change is None or days_on(change, day) >= STEADY_DAYS:
            return day
        day = change + dt.timedelta(days=STEADY_DAYS - 1)


# --- Outcome and baseline -----------------------------------------------------------------


def severity(outcome: str, value: int | None) -> int | None:
    """The outcome on a lower-is-better scale: pain and fatigue as logged, mood reversed."""
    if value is None:
        return None
    return 10 - value if outcome == "mood" else value


def to_scale(outcome: str, value: Fraction) -> Fraction:
    """A severity back on the outcome's own scale, for people to read."""
    return 10 - value if outcome == "mood" else value


@dataclass(frozen=True)
class Baseline:
    value: Fraction  # severity
    source: str  # "diary", "enrolment", or "first_course" (a restart's own week was thin)
    logged_days: int

    @property
    def lower_confidence(self) -> bool:
        return self.source != "diary"


def baseline(
    days: Sequence[Day], outcome: str, first: dt.date, enrolment_answer: int | None
) -> Baseline | None:
    """Mean severity over the logged days of the 7 days before day 1 (at least 4 needed),
    else the enrolment answer (lower confidence), else None."""
    start = first - dt.timedelta(days=BASELINE_DAYS)
    values = severities(days, outcome, start, first - dt.timedelta(days=1))
    if len(values) >= MIN_LOGGED_PER_WEEK:
        return Baseline(Fraction(sum(values), len(values)), "diary", len(values))
    answer = severity(outcome, enrolment_answer)
    if answer is not None:
        return Baseline(Fraction(answer), "enrolment", len(values))
    return None


def severities(days: Sequence[Day], outcome: str, first: dt.date, last: dt.date) -> list[int]:
    """The severities logged from `first` to `last`, in date order (days without a value for
    the outcome are not logged days)."""
    out = []
    for day in days:
        if first <= day.date <= last:
            value = severity(outcome, getattr(day, outcome))
            if value is not None:
                out.append(value)
    return out


# --- Verdict ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    substantial: bool = False
    points: Fraction | None = None  # d = B − W, points better
    fraction: Fraction | None = None  # p = d / B, share better


def judge(b: Fraction, w: Fraction) -> Judgement:
    """SPEC §4's thresholds, compared exactly."""
    d = b - w
    p = d / b if b else None
    if b >= 4:
        assert p is not None
        if p >= Fraction(3, 10):
            return Judgement(Verdict.RESPONDING, p >= Fraction(1, 2), d, p)
        if p >= Fraction(1, 10):
            return Judgement(Verdict.PARTIAL, False, d, p)
        if p <= Fraction(-3, 10):
            return Judgement(Verdict.WORSE, False, d, p)
        return Judgement(Verdict.NO_RESPONSE, False, d, p)
    if d >= 2:
        return Judgement(Verdict.RESPONDING, p is not None and p >= Fraction(1, 2), d, p)
    if d >= 1:
        return Judgement(Verdict.PARTIAL, False, d, p)
    if d <= -2:
        return Judgement(Verdict.WORSE, False, d, p)
    return Judgement(Verdict.NO_RESPONSE, False, d, p)


# --- The whole evaluation -----------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    first: dt.date
    last: dt.date
    logged: tuple[int, int]  # logged days in its first and second week
    mean: Fraction | None  # severity; None when a week has too few logged days


def evaluation_window(days: Sequence[Day], outcome: str, review_on: dt.date) -> Window:
    """The 14 days ending on the review day; each of its weeks needs 4 logged days."""
    first = review_on - dt.timedelta(days=13)
    week_a = severities(days, outcome, first, first + dt.timedelta(days=6))
    week_b = severities(days, outcome, first + dt.timedelta(days=7), review_on)
    enough = len(week_a) >= MIN_LOGGED_PER_WEEK and len(week_b) >= MIN_LOGGED_PER_WEEK
    values = week_a + week_b
    mean = Fraction(sum(values), len(values)) if enough else None
    return Window(first, review_on, (len(week_a), len(week_b)), mean)


@dataclass(frozen=True)
class Facts:
    """What a patient's diary says whatever the date; `status` adds today. Kept per patient
    (PatientSummary), complete, so a panel of hundreds reads one row each."""

    outcome: str
    day_one: dt.date | None = None
    dose_mg: Decimal | None = None
    dose_since: dt.date | None = None  # the day the current dose was first taken
    taken_days: int = 0
    last_entry: dt.date | None = None
    review_point: int = 1
    review_week: int = REVIEW_WEEK
    nominal: dt.date | None = None  # the review day before any move for titration
    review_on: dt.date | None = None
    baseline: Baseline | None = None
    window: Window | None = None
    verdict: Verdict | None = None  # as judged on the review day
    substantial: bool = False
    points: Fraction | None = None
    fraction: Fraction | None = None
    pgic: int | None = None
    judged: Verdict | None = None  # the verdict before a PGIC discordance was noted
    # The treatment course (SPEC §4): everything above is counted within it.
    course: int = 0  # 1, 2, …; 0 before any dose
    last_dose: dt.date | None = None
    ended_on: dt.date | None = None  # the course ended (a stop or a lapse): stopped since
    end_reason: str = ""  # courses.End
    paused_since: dt.date | None = None
    gap_before: int | None = None  # days without a dose before this course's day 1
    retitration: bool = False  # restarted after a lapse or a long stop
    gap_question: dt.date | None = None  # "did you keep taking LDN?" after this dose day
    review_dose: Decimal | None = None  # the dose taken on or last before the review day

    @property
    def stopped(self) -> bool:
        return self.ended_on is not None


def next_review(reviews: Sequence[Review]) -> tuple[int, int]:
    """(point, week) of the next review not yet recorded, among the current course's."""
    if not reviews:
        return 1, REVIEW_WEEK
    last = max(reviews, key=lambda r: r.point)
    return last.point + 1, last.next_week


def facts(
    days: Sequence[Day],
    *,
    outcome: str = "pain",
    enrolment_answer: int | None = None,
    point: int = 1,
    week: int = REVIEW_WEEK,
    pgic: int | None = None,
    stops: Sequence[Stop] = (),
    answers: dict[dt.date, bool] | None = None,
    today: dt.date | None = None,
) -> Facts:
    """SPEC §4 applied to a diary (`days` oldest first) for review point `point` of the
    current course, due in week `week`, with the PGIC answer given at it: the course, its
    day 1 and dose, the review day and the verdict the review day's window gives. `stops`
    are the stops recorded, `answers` the "did you keep taking LDN?" answers (by the last
    dose day before the gap), `today` the day an unlogged gap is counted to."""
    answers = answers or {}
    last_entry = days[-1].date if days else None
    found = course_rule.courses(days, stops, answers)
    if not found:
        return Facts(outcome=outcome, last_entry=last_entry, review_point=point, review_week=week)
    course = found[-1]
    first = course.day_one
    doses = [d for d in dose_days(days) if d[0] >= first]
    stopped = not course.running
    end = course.ended_on or dt.date.max
    in_course = [d for d in doses if d[0] <= end]
    common: dict[str, Any] = dict(
        outcome=outcome,
        day_one=first,
        dose_mg=in_course[-1][1],
        dose_since=current_since(in_course),
        taken_days=len(in_course),
        last_entry=last_entry,
        review_point=point,
        review_week=week,
        pgic=pgic,
        course=course.number,
        last_dose=course.last_dose,
        ended_on=course.ended_on,
        end_reason=course.end_reason.value if course.end_reason else "",
        paused_since=course_rule.paused_since(days, course),
        gap_before=course.gap_before,
        retitration=course.retitration,
        gap_question=course_rule.open_gap(days, course, answers, today or last_entry or first),
    )
    if stopped:
        return Facts(**common)
    nominal = date_of_day(first, week * 7)
    on = review_date(doses, nominal)
    then = [mg for day, mg in doses if day <= on]
    common |= dict(nominal=nominal, review_on=on, review_dose=then[-1] if then else None)
    b = course_baseline(days, outcome, found, enrolment_answer)
    window = evaluation_window(days, outcome, on)
    if b is None or window.mean is None:
        return Facts(
            **common,
            baseline=b,
            window=window,
            verdict=Verdict.INSUFFICIENT_DATA,
            judged=Verdict.INSUFFICIENT_DATA,
        )
    judgement = judge(b.value, window.mean)
    verdict = judgement.verdict
    if pgic in DISCORDANT_PGIC and verdict in (Verdict.PARTIAL, Verdict.NO_RESPONSE):
        verdict = Verdict.DISCORDANT
    return Facts(
        **common,
        baseline=b,
        window=window,
        verdict=verdict,
        substantial=judgement.substantial,
        points=judgement.points,
        fraction=judgement.fraction,
        judged=judgement.verdict,
    )


def course_baseline(
    days: Sequence[Day], outcome: str, found: Sequence[Course], enrolment_answer: int | None
) -> Baseline | None:
    """The current course's baseline: the 7 days before its day 1 (4 logged needed); for a
    restart without them, the first course's baseline, marked lower confidence."""
    day_one = found[-1].day_one
    if len(found) == 1:
        return baseline(days, outcome, day_one, enrolment_answer)
    own = baseline(days, outcome, day_one, None)
    if own is not None:
        return own
    first = baseline(days, outcome, found[0].day_one, enrolment_answer)
    if first is None:
        return None
    start = day_one - dt.timedelta(days=BASELINE_DAYS)
    logged = len(severities(days, outcome, start, day_one - dt.timedelta(days=1)))
    return Baseline(first.value, "first_course", logged)


@dataclass(frozen=True)
class Evaluation:
    """Everything the rule says about one patient on one day."""

    today: dt.date
    outcome: str
    phase: Phase
    day_one: dt.date | None = None
    day: int | None = None
    week: int | None = None
    dose_mg: Decimal | None = None
    days_on_dose: int | None = None
    adherence: Fraction | None = None
    review_point: int = 1  # 1 = the 6-week review, 2 = the next, …
    review_week: int = REVIEW_WEEK
    review_on: dt.date | None = None
    review_moved: bool = False
    baseline: Baseline | None = None
    window: Window | None = None
    verdict: Verdict | None = None
    substantial: bool = False
    points: Fraction | None = None
    fraction: Fraction | None = None
    pgic: int | None = None
    last_entry: dt.date | None = None
    judged: Verdict | None = None
    course: int = 0
    last_dose: dt.date | None = None
    stopped_on: dt.date | None = None
    end_reason: str = ""
    paused_since: dt.date | None = None
    gap_before: int | None = None
    retitration: bool = False
    gap_question: dt.date | None = None

    @property
    def started(self) -> bool:
        return self.day_one is not None

    @property
    def stopped(self) -> bool:
        return self.phase == Phase.STOPPED

    @property
    def advise_retitration(self) -> bool:
        """Tell the patient to restart at the dose the clinic advises: while stopped after
        a lapse or a stop of more than 21 days, and in the first two weeks of a course that
        began after one."""
        if self.stopped and self.stopped_on is not None:
            without = (self.today - (self.last_dose or self.stopped_on)).days - 1
            return self.end_reason == End.LAPSE or without > course_rule.RETITRATE_AFTER
        return self.retitration and self.day is not None and self.day <= STEADY_DAYS

    @property
    def review_due(self) -> bool:
        return self.phase == Phase.REVIEW_DUE

    @property
    def percent_better(self) -> int | None:
        return None if self.fraction is None else whole_percent(self.fraction)

    @property
    def adherence_percent(self) -> int | None:
        return None if self.adherence is None else round_half_up(self.adherence * 100)

    @property
    def asks_pgic(self) -> bool:
        """From the review day the patient is asked how they feel, once per review point."""
        return self.phase == Phase.REVIEW_DUE and self.pgic is None


def status(f: Facts, today: dt.date) -> Evaluation:
    """Where the patient stands on `today`, given the facts of their diary."""
    course: dict[str, Any] = dict(
        course=f.course,
        last_dose=f.last_dose,
        stopped_on=f.ended_on,
        end_reason=f.end_reason,
        paused_since=f.paused_since,
        gap_before=f.gap_before,
        retitration=f.retitration,
        gap_question=f.gap_question,
    )
    if f.ended_on is not None and f.day_one is not None:
        # Stopped: no review falls due and no dose is asked; the ended course stays shown.
        span = (f.ended_on - f.day_one).days + 1
        return Evaluation(
            today=today,
            outcome=f.outcome,
            phase=Phase.STOPPED,
            day_one=f.day_one,
            dose_mg=f.dose_mg,
            adherence=Fraction(f.taken_days, span) if span > 0 else None,
            review_point=f.review_point,
            review_week=f.review_week,
            last_entry=f.last_entry,
            **course,
        )
    if f.day_one is None or f.dose_since is None or f.review_on is None or f.nominal is None:
        return Evaluation(
            today=today,
            outcome=f.outcome,
            phase=Phase.PRE_TREATMENT,
            review_point=f.review_point,
            review_week=f.review_week,
            last_entry=f.last_entry,
        )
    # Today counts towards adherence once it is logged; until then the day is not over.
    end = today if f.last_entry == today else today - dt.timedelta(days=1)
    share = Fraction(f.taken_days, (end - f.day_one).days + 1) if end >= f.day_one else None
    on_dose = days_on(f.dose_since, today)
    base: dict[str, Any] = dict(
        today=today,
        outcome=f.outcome,
        day_one=f.day_one,
        day=day_number(f.day_one, today),
        week=week_number(f.day_one, today),
        dose_mg=f.dose_mg,
        days_on_dose=on_dose,
        adherence=share,
        review_point=f.review_point,
        review_week=f.review_week,
        review_on=f.review_on,
        review_moved=f.review_on != f.nominal,
        pgic=f.pgic,
        last_entry=f.last_entry,
        **course,
    )
    if today < f.review_on:
        if today >= f.nominal:
            phase = Phase.TITRATION_INCOMPLETE
        else:
            phase = Phase.TITRATING if on_dose < STEADY_DAYS else Phase.ON_TREATMENT
        return Evaluation(phase=phase, **base)
    return Evaluation(
        phase=Phase.REVIEW_DUE,
        baseline=f.baseline,
        window=f.window,
        verdict=f.verdict,
        substantial=f.substantial,
        points=f.points,
        fraction=f.fraction,
        judged=f.judged,
        **base,
    )


STABLE_DAYS = 28  # a dose kept this long is where titration settled (SPEC §12)


def stable_dose_day(doses: Sequence[DoseDay], today: dt.date) -> dt.date | None:
    """The first day of the first stretch of 28 days on one dose: the day it started,
    taken on until the next change or today. None while no dose has lasted 28 days."""
    if not doses:
        return None
    starts = [doses[0][0], *changes_of(doses)]
    ends = [*(d - dt.timedelta(days=1) for d in starts[1:]), today]
    for start, end in zip(starts, ends, strict=True):
        if (end - start).days + 1 >= STABLE_DAYS:
            return start
    return None


def whole_percent(share: Fraction) -> int:
    """`share` as a whole percentage, cut toward zero: 29.98 % shows as 29 %, so a patient
    judged "partial" (under 30 %) is never told "30 % better"."""
    return int(share * 100)


def round_half_up(value: Fraction) -> int:
    """Whole number nearest to `value`, halves away from zero (29.95 % shows as 30 %)."""
    sign = -1 if value < 0 else 1
    return sign * int(abs(value) + Fraction(1, 2))
