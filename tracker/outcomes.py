"""The clinic's outcomes (SPEC §12), without names: of the patients who reached the 6-week
and the 12-week review, the shares responding, partial, no response, worse and insufficient
data, overall, by condition and by dose at review, each with its 95 % Wilson interval;
median days to a stable dose; adherence. A group of fewer than 5 patients shows "< 5",
never figures. Four queries whatever the clinic's size: aggregated in the database (counts
per group), never a loop over patients or diaries.

A patient counts at a review point once its day has come: with the verdict recorded at
the review (its snapshot), or, not yet reviewed, the verdict their diary gives now. The
verdict is the one judged before a PGIC discordance was noted (SPEC §4's thresholds)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count
from django.db.models.fields.json import KT

from .formatting import plain_number
from .models import Clinic, ClinicalReview, Condition, PatientSummary
from .review.explain import VERDICT_LABELS
from .review.intervals import wilson
from .review.rule import Verdict

POINTS = {1: 6, 2: 12}  # review point → its usual week
VERDICTS = [
    Verdict.RESPONDING,
    Verdict.PARTIAL,
    Verdict.NO_RESPONSE,
    Verdict.WORSE,
    Verdict.INSUFFICIENT_DATA,
]
SMALLEST_GROUP = 5


@dataclass(frozen=True)
class Share:
    verdict: Verdict
    label: str
    count: int
    share: float
    low: float
    high: float


@dataclass(frozen=True)
class Group:
    """One row of the table: a set of patients and how they fared."""

    name: str
    n: int
    shares: list[Share]

    @property
    def too_small(self) -> bool:
        return self.n < SMALLEST_GROUP


@dataclass(frozen=True)
class PointOutcomes:
    point: int
    week: int
    overall: Group
    by_condition: list[Group]
    by_dose: list[Group]


@dataclass(frozen=True)
class Outcomes:
    points: list[PointOutcomes]
    started: int
    adherence: float | None
    stable_n: int
    median_days_to_stable: float | None

    @property
    def stable_too_small(self) -> bool:
        return self.stable_n < SMALLEST_GROUP

    @property
    def adherence_too_small(self) -> bool:
        return self.started < SMALLEST_GROUP


def _verdict(raw: str | None) -> Verdict:
    try:
        verdict = Verdict(raw) if raw else Verdict.INSUFFICIENT_DATA
    except ValueError:
        verdict = Verdict.INSUFFICIENT_DATA
    # An old snapshot without the judged verdict may say "discordant": partial or none.
    return Verdict.NO_RESPONSE if verdict == Verdict.DISCORDANT else verdict


def _group(name: str, counts: dict[Verdict, int]) -> Group:
    n = sum(counts.values())
    shares = []
    for verdict in VERDICTS:
        count = counts.get(verdict, 0)
        low, high = wilson(count, n)
        shares.append(
            Share(verdict, str(VERDICT_LABELS[verdict]), count, count / n if n else 0.0, low, high)
        )
    return Group(name, n, shares)


def clinic_outcomes(clinic: Clinic, today: dt.date) -> Outcomes:
    # Query 1: the reviews recorded, counted per point, condition, dose and verdict.
    recorded = (
        ClinicalReview.objects.filter(patient__user__clinic=clinic, point__in=POINTS)
        .values(
            "point",
            "patient__condition",
            judged=KT("snapshot__judged"),
            dose=KT("snapshot__dose_mg"),
        )
        .annotate(n=Count("id"))
    )
    # Query 2: the reviews due and not yet recorded, from the stored summaries.
    due = (
        PatientSummary.objects.filter(
            patient__user__clinic=clinic, review_point__in=POINTS, review_on__lte=today
        )
        .values("review_point", "patient__condition", "judged", "dose_mg")
        .annotate(n=Count("id"))
    )
    rows: list[tuple[int, str, str | None, object, int]] = [
        (r["point"], r["patient__condition"], r["judged"], r["dose"], r["n"]) for r in recorded
    ]
    rows += [
        (r["review_point"], r["patient__condition"], r["judged"], r["dose_mg"], r["n"]) for r in due
    ]
    overall: dict[int, dict[Verdict, int]] = defaultdict(lambda: defaultdict(int))
    by_condition: dict[tuple[int, str], dict[Verdict, int]] = defaultdict(lambda: defaultdict(int))
    by_dose: dict[tuple[int, str], dict[Verdict, int]] = defaultdict(lambda: defaultdict(int))
    for point, condition, judged, dose, n in rows:
        verdict = _verdict(judged)
        overall[point][verdict] += n
        by_condition[(point, condition)][verdict] += n
        by_dose[(point, _dose(dose))][verdict] += n
    conditions = dict(Condition.choices)
    points = []
    for point, week in POINTS.items():
        points.append(
            PointOutcomes(
                point=point,
                week=week,
                overall=_group(f"All patients at week {week}", overall[point]),
                by_condition=sorted(
                    (
                        _group(str(conditions.get(c, c)), v)
                        for (p, c), v in by_condition.items()
                        if p == point
                    ),
                    key=lambda g: (-g.n, g.name),
                ),
                by_dose=sorted(
                    (_group(f"{d} mg", v) for (p, d), v in by_dose.items() if p == point),
                    key=lambda g: _dose_order(g.name),
                ),
            )
        )
    summaries = PatientSummary.objects.filter(patient__user__clinic=clinic, day_one__isnull=False)
    # Query 3: days from day 1 to a stable dose, one number per patient who reached one.
    stable = [
        days
        for days in summaries.filter(stable_after_days__isnull=False)
        .order_by("stable_after_days")
        .values_list("stable_after_days", flat=True)
        if days is not None
    ]
    # Query 4: how many started, and their mean adherence.
    started = summaries.aggregate(n=Count("id"), mean=Avg("adherence"))
    return Outcomes(
        points=points,
        started=started["n"],
        adherence=float(started["mean"]) if started["mean"] is not None else None,
        stable_n=len(stable),
        median_days_to_stable=statistics.median(stable) if stable else None,
    )


def _dose(raw: object) -> str:
    if raw in (None, ""):
        return "unknown"
    try:
        return plain_number(Decimal(str(raw)))
    except ArithmeticError:
        return "unknown"


def _dose_order(name: str) -> tuple[float, str]:
    try:
        return float(name.split()[0]), name
    except ValueError:
        return float("inf"), name
