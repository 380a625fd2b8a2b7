"""The response rule of SPEC §4 as pure functions over plain values: no database inside, so
views, commands and exports share it and tests can cover every edge cheaply.

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

from django.utils.formats import date_format

# (date, mg) of a day whose entry says the dose was taken, oldest first.
type DoseDay = tuple[dt.date, Decimal]

REVIEW_WEEK = 6
NEXT_REVIEW_WEEK = 12
STEADY_DAYS = 14  # full benefit at a dose takes about 2 weeks
BASELINE_DAYS = 7
MIN_LOGGED_PER_WEEK = 4
OUTCOME_NAMES = {"pain": "Pain", "mood": "Mood", "fatigue": "Fatigue"}


@dataclass(frozen=True)
class Day:
    """What the rule and the alerts need of one diary entry."""

    date: dt.date
    dose_taken: bool
    dose_mg: Decimal | None
    pain: int | None = None
    mood: int | None = None
    fatigue: int | None = None
    headache: int = 0
    sleep_quality: int = 3
    dreams: str = "none"
    opioid_taken: bool = False
    opioid_name: str = ""
    liver_signs: bool = False
    time_taken: dt.time | None = None
    sleep_hours: Decimal | None = None
    nausea: int | None = None

    FIELDS = (
        "date", "dose_taken", "dose_mg", "pain", "mood", "fatigue", "headache",
        "sleep_quality", "dreams", "opioid_taken", "opioid_name", "liver_signs",
        "time_taken", "sleep_hours", "nausea",
    )  # fmt: skip


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


class Verdict(StrEnum):
    RESPONDING = "responding"
    PARTIAL = "partial"
    NO_RESPONSE = "no_response"
    WORSE = "worse"
    INSUFFICIENT_DATA = "insufficient_data"
    DISCORDANT = "discordant"


PHASE_LABELS = {
    Phase.PRE_TREATMENT: "Pre-treatment",
    Phase.TITRATING: "Titrating",
    Phase.ON_TREATMENT: "On treatment",
    Phase.TITRATION_INCOMPLETE: "Titration incomplete",
    Phase.REVIEW_DUE: "Review due",
}
VERDICT_LABELS = {
    Verdict.RESPONDING: "Responding",
    Verdict.PARTIAL: "Partial response",
    Verdict.NO_RESPONSE: "No response",
    Verdict.WORSE: "Worse",
    Verdict.INSUFFICIENT_DATA: "Insufficient data",
    Verdict.DISCORDANT: "Discordant — discuss",
}
PGIC_CHOICES = [
    (1, "Very much improved"),
    (2, "Much improved"),
    (3, "Minimally improved"),
    (4, "No change"),
    (5, "Minimally worse"),
    (6, "Much worse"),
    (7, "Very much worse"),
]


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


def last_dose_change(doses: Sequence[DoseDay], until: dt.date | None = None) -> dt.date | None:
    """The date the current dose started: the latest taken day whose mg differs from the
    previous taken day's, or day 1 when the dose never changed. Only days up to `until`."""
    change: dt.date | None = None
    previous: Decimal | None = None
    for day, mg in doses:
        if until is not None and day > until:
            break
        if previous is None or mg != previous:
            change = day
        previous = mg
    return change


def review_date(doses: Sequence[DoseDay], nominal: dt.date) -> dt.date:
    """The review falls on `nominal` unless the dose then in use had been taken for fewer
    than 14 days; then it moves to the day that dose reaches 14 days, and again for any
    change on or before the moved day, so a review always follows 14 days on one dose."""
    day = nominal
    while True:
        change = last_dose_change(doses, until=day)
        if change is None or (day - change).days + 1 >= STEADY_DAYS:
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
    source: str  # "diary" or "enrolment"
    logged_days: int

    @property
    def lower_confidence(self) -> bool:
        return self.source == "enrolment"


def baseline(
    days: Sequence[Day], outcome: str, first: dt.date, enrolment_answer: int | None
) -> Baseline | None:
    """Mean severity over the logged days of the 7 days before day 1 (at least 4 needed),
    else the enrolment answer (lower confidence), else None."""
    start = first - dt.timedelta(days=BASELINE_DAYS)
    values = _severities(days, outcome, start, first - dt.timedelta(days=1))
    if len(values) >= MIN_LOGGED_PER_WEEK:
        return Baseline(Fraction(sum(values), len(values)), "diary", len(values))
    answer = severity(outcome, enrolment_answer)
    if answer is not None:
        return Baseline(Fraction(answer), "enrolment", len(values))
    return None


def _severities(days: Sequence[Day], outcome: str, first: dt.date, last: dt.date) -> list[int]:
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
    explanation: str = ""

    @property
    def started(self) -> bool:
        return self.day_one is not None

    @property
    def review_due(self) -> bool:
        return self.phase == Phase.REVIEW_DUE

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS[self.phase]

    @property
    def verdict_label(self) -> str:
        if self.verdict is None:
            return ""
        label = VERDICT_LABELS[self.verdict]
        return f"{label} (substantial)" if self.substantial else label

    @property
    def badge(self) -> str:
        """One short status, as a badge shows it: the verdict once there is one."""
        if self.verdict is not None:
            return self.verdict_label
        return self.phase_label

    @property
    def percent_better(self) -> int | None:
        return None if self.fraction is None else whole_percent(self.fraction)

    @property
    def adherence_percent(self) -> int | None:
        return None if self.adherence is None else round_half_up(self.adherence * 100)

    @property
    def pgic_label(self) -> str:
        return dict(PGIC_CHOICES).get(self.pgic or 0, "")

    @property
    def asks_pgic(self) -> bool:
        """From the review day the patient is asked how they feel, once per review point."""
        return self.phase == Phase.REVIEW_DUE and self.pgic is None


@dataclass(frozen=True)
class Facts:
    """What a patient's diary says whatever the date; `status` adds today. Kept per patient
    (PatientSummary) so a panel of hundreds reads one row each instead of every diary."""

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
    verdict_text: str = ""


def facts(
    days: Sequence[Day],
    *,
    outcome: str = "pain",
    enrolment_answer: int | None = None,
    point: int = 1,
    week: int = REVIEW_WEEK,
    pgic: int | None = None,
) -> Facts:
    """SPEC §4 applied to a diary (`days` oldest first) for review point `point`, due in
    week `week`, with the PGIC answer given at it: day 1, the dose, the review day and the
    verdict the review day's window gives."""
    doses = [(d.date, d.dose_mg) for d in days if d.dose_taken and d.dose_mg is not None]
    last_entry = days[-1].date if days else None
    first = day_one(doses)
    if first is None:
        return Facts(outcome=outcome, last_entry=last_entry, review_point=point, review_week=week)
    review_week, answer = week, pgic
    nominal = date_of_day(first, review_week * 7)
    on = review_date(doses, nominal)
    common: dict[str, Any] = dict(
        outcome=outcome,
        day_one=first,
        dose_mg=doses[-1][1],
        dose_since=last_dose_change(doses),
        taken_days=len(doses),
        last_entry=last_entry,
        review_point=point,
        review_week=review_week,
        nominal=nominal,
        review_on=on,
        pgic=answer,
    )
    b = baseline(days, outcome, first, enrolment_answer)
    window = evaluation_window(days, outcome, on)
    if b is None:
        text = (
            "There is no starting point to compare with: fewer than 4 days were logged in the "
            f"week before LDN and no enrolment answer for {OUTCOME_NAMES[outcome].lower()}."
        )
        return Facts(**common, window=window, verdict=Verdict.INSUFFICIENT_DATA, verdict_text=text)
    if window.mean is None:
        text = (
            f"Too few days were logged in {_window_name(first, window)} to judge: "
            f"{window.logged[0]} and {window.logged[1]} in its two weeks, and at least 4 in "
            "each are needed."
        )
        return Facts(
            **common,
            baseline=b,
            window=window,
            verdict=Verdict.INSUFFICIENT_DATA,
            verdict_text=text,
        )
    judgement = judge(b.value, window.mean)
    verdict = judgement.verdict
    if answer in (1, 2) and verdict in (Verdict.PARTIAL, Verdict.NO_RESPONSE):
        verdict = Verdict.DISCORDANT
    return Facts(
        **common,
        baseline=b,
        window=window,
        verdict=verdict,
        substantial=judgement.substantial,
        points=judgement.points,
        fraction=judgement.fraction,
        verdict_text=_verdict_text(outcome, first, b, window, judgement, verdict, answer),
    )


def status(f: Facts, today: dt.date) -> Evaluation:
    """Where the patient stands on `today`, given the facts of their diary."""
    if f.day_one is None or f.dose_since is None or f.review_on is None or f.nominal is None:
        return Evaluation(
            today=today,
            outcome=f.outcome,
            phase=Phase.PRE_TREATMENT,
            explanation=(
                "LDN has not started yet. Days you log before your first dose set the "
                "starting point your progress is measured against."
            ),
        )
    # Today counts towards adherence once it is logged; until then the day is not over.
    end = today if f.last_entry == today else today - dt.timedelta(days=1)
    share = Fraction(f.taken_days, (end - f.day_one).days + 1) if end >= f.day_one else None
    days_on_dose = (today - f.dose_since).days + 1
    base: dict[str, Any] = dict(
        today=today,
        outcome=f.outcome,
        day_one=f.day_one,
        day=day_number(f.day_one, today),
        week=week_number(f.day_one, today),
        dose_mg=f.dose_mg,
        days_on_dose=days_on_dose,
        adherence=share,
        review_point=f.review_point,
        review_week=f.review_week,
        review_on=f.review_on,
        review_moved=f.review_on != f.nominal,
        pgic=f.pgic,
        last_entry=f.last_entry,
    )
    if today < f.review_on:
        if today >= f.nominal:
            phase = Phase.TITRATION_INCOMPLETE
            text = (
                f"The dose changed recently, so the week-{f.review_week} review moves to "
                f"{_date(f.review_on)}, when the current dose has been taken for 14 days."
            )
        else:
            titrating = days_on_dose < STEADY_DAYS
            phase = Phase.TITRATING if titrating else Phase.ON_TREATMENT
            text = _before_review_text(f.review_on, f.review_week, titrating=titrating)
        return Evaluation(phase=phase, explanation=text, **base)
    return Evaluation(
        phase=Phase.REVIEW_DUE,
        baseline=f.baseline,
        window=f.window,
        verdict=f.verdict,
        substantial=f.substantial,
        points=f.points,
        fraction=f.fraction,
        explanation=f.verdict_text,
        **base,
    )


def evaluate(
    days: Sequence[Day],
    *,
    today: dt.date,
    outcome: str = "pain",
    enrolment_answer: int | None = None,
    pgic: dict[int, int] | None = None,
    reviews: Sequence[Review] = (),
) -> Evaluation:
    """SPEC §4 for a patient's diary (`days` oldest first) as it stands on `today`, with the
    PGIC answers by review point and the reviews recorded so far."""
    point, week = next_review(reviews)
    known = facts(
        [d for d in days if d.date <= today],
        outcome=outcome,
        enrolment_answer=enrolment_answer,
        point=point,
        week=week,
        pgic=(pgic or {}).get(point),
    )
    return status(known, today)


def evaluation_window(days: Sequence[Day], outcome: str, review_on: dt.date) -> Window:
    """The 14 days ending on the review day; each of its weeks needs 4 logged days."""
    first = review_on - dt.timedelta(days=13)
    week_a = _severities(days, outcome, first, first + dt.timedelta(days=6))
    week_b = _severities(days, outcome, first + dt.timedelta(days=7), review_on)
    enough = len(week_a) >= MIN_LOGGED_PER_WEEK and len(week_b) >= MIN_LOGGED_PER_WEEK
    values = week_a + week_b
    mean = Fraction(sum(values), len(values)) if enough else None
    return Window(first, review_on, (len(week_a), len(week_b)), mean)


def next_review(reviews: Sequence[Review]) -> tuple[int, int]:
    """(point, week) of the next review not yet recorded."""
    if not reviews:
        return 1, REVIEW_WEEK
    last = max(reviews, key=lambda r: r.point)
    return last.point + 1, last.next_week


def _verdict_text(
    outcome: str,
    first: dt.date,
    b: Baseline,
    window: Window,
    judgement: Judgement,
    verdict: Verdict,
    pgic: int | None,
) -> str:
    name = OUTCOME_NAMES[outcome]
    before = _number(to_scale(outcome, b.value))
    after = _number(to_scale(outcome, window.mean or Fraction(0)))
    when_before = (
        "in the week before LDN"
        if b.source == "diary"
        else "at enrolment (your answer then, so less certain than a diary week)"
    )
    change = _change_text(b.value, judgement)
    text = f"{name} averaged {before} {when_before} and {after} in {_window_name(first, window)}: {change}."
    if pgic is not None:
        feeling = dict(PGIC_CHOICES)[pgic].lower()
        if verdict == Verdict.DISCORDANT:
            text += (
                f" You said you feel {feeling}, which the diary does not show as clearly:"
                " worth discussing with your clinician."
            )
        else:
            text += f" You said you feel {feeling}."
    return text + " This is a prompt to talk with your clinician, not proof either way."


def _change_text(b: Fraction, judgement: Judgement) -> str:
    d, p = judgement.points or Fraction(0), judgement.fraction
    if b >= 4 and p is not None:
        pct = whole_percent(abs(p))
        if p == 0:
            return "no change"
        return f"{pct} % {'better' if p > 0 else 'worse'}"
    pts = _number(abs(d))
    if d == 0:
        return "no change"
    return f"{pts} point{'s' if abs(d) != 1 else ''} {'better' if d > 0 else 'worse'}"


def _window_name(first: dt.date, window: Window) -> str:
    start, end = day_number(first, window.first), day_number(first, window.last)
    if end % 7 == 0:
        return f"weeks {start // 7 + 1}–{end // 7}"
    return f"days {start}–{end}"


def _before_review_text(on: dt.date, week: int, *, titrating: bool) -> str:
    lead = (
        "The dose is still settling: each dose needs about 2 weeks to show what it does. "
        if titrating
        else ""
    )
    return f"{lead}The week-{week} review is around {_date(on)}."


def _date(day: dt.date) -> str:
    return date_format(day, "j M")


def _number(value: Fraction) -> str:
    return f"{round_half_up(value * 10) / 10:.1f}"


def whole_percent(share: Fraction) -> int:
    """`share` as a whole percentage, cut toward zero: 29.98 % shows as 29 %, so a patient
    judged "partial" (under 30 %) is never told "30 % better"."""
    return int(share * 100)


def round_half_up(value: Fraction) -> int:
    """Whole number nearest to `value`, halves away from zero (29.95 % shows as 30 %)."""
    sign = -1 if value < 0 else 1
    return sign * int(abs(value) + Fraction(1, 2))


def snapshot(ev: Evaluation) -> dict[str, Any]:
    """The evaluation as plain JSON, kept with a recorded review exactly as it was."""
    return {
        "date": ev.today.isoformat(),
        "outcome": ev.outcome,
        "phase": ev.phase.value,
        "week": ev.week,
        "dose_mg": str(ev.dose_mg) if ev.dose_mg is not None else None,
        "days_on_dose": ev.days_on_dose,
        "adherence_percent": ev.adherence_percent,
        "review_point": ev.review_point,
        "review_week": ev.review_week,
        "review_on": ev.review_on.isoformat() if ev.review_on else None,
        "baseline": float(ev.baseline.value) if ev.baseline else None,
        "baseline_source": ev.baseline.source if ev.baseline else None,
        "window_mean": float(ev.window.mean) if ev.window and ev.window.mean is not None else None,
        "verdict": ev.verdict.value if ev.verdict else None,
        "verdict_label": ev.verdict_label,
        "substantial": ev.substantial,
        "percent_better": ev.percent_better,
        "pgic": ev.pgic,
        "explanation": ev.explanation,
    }
