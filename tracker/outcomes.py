"""The clinic's outcomes (SPEC §12), without names: of the patients who reached the 6-week
and the 12-week review, the shares responding, partial, no response, worse and insufficient
data, overall, by condition and by dose at review, each with its 95 % Wilson interval;
median days to a stable dose; adherence. A group of fewer than 5 patients shows "< 5",
never figures, and when one group of a breakdown is hidden the next smallest is hidden too,
so no hidden count can be worked out by subtracting from the total. Four queries whatever
the clinic's size: aggregated in the database (counts per group), never a loop over
patients or diaries.

A patient counts at a review point of their current course once its day has come: with the
verdict recorded at the review (its snapshot), or, not yet reviewed, the verdict their diary
gives now; patients who stopped LDN before it are a share of their own ("stopped before
week 6"). The verdict is the one judged before a PGIC discordance was noted (SPEC §4's
thresholds). "By dose at review" is the dose in force on the review day, never today's."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Case, Count, F, Q, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from .formatting import plain_number
from .models import Clinic, ClinicalReview, Condition, PatientSummary
from .response.explain import VERDICT_LABELS
from .response.intervals import wilson
from .response.rule import Verdict

POINTS = {1: 6, 2: 12}  # review point → its usual week
VERDICTS = [
    Verdict.RESPONDING,
    Verdict.PARTIAL,
    Verdict.NO_RESPONSE,
    Verdict.WORSE,
    Verdict.INSUFFICIENT_DATA,
]
SMALLEST_GROUP = 5
STOPPED = "stopped"  # the share who stopped LDN before the review point


@dataclass(frozen=True)
class Share:
    verdict: str  # a Verdict, or STOPPED
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
    suppressed: bool = False  # hidden so that a smaller hidden group cannot be derived

    @property
    def too_small(self) -> bool:
        return self.n < SMALLEST_GROUP or self.suppressed


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


def _verdict(raw: str | None) -> str:
    try:
        verdict = Verdict(raw) if raw else Verdict.INSUFFICIENT_DATA
    except ValueError:
        verdict = Verdict.INSUFFICIENT_DATA
    # An old snapshot without the judged verdict may say "discordant": partial or none.
    return (Verdict.NO_RESPONSE if verdict == Verdict.DISCORDANT else verdict).value


def _group(name: str, counts: dict[str, int], week: int) -> Group:
    n = sum(counts.values())
    shares = []
    labels = {v.value: str(VERDICT_LABELS[v]) for v in VERDICTS}
    labels[STOPPED] = _("Stopped before week %(week)s") % {"week": week}
    for verdict, label in labels.items():
        count = counts.get(verdict, 0)
        low, high = wilson(count, n)
        shares.append(Share(verdict, label, count, count / n if n else 0.0, low, high))
    return Group(name, n, shares)


def suppress(groups: list[Group]) -> list[Group]:
    """Secondary suppression: when exactly one group of a breakdown is too small to show,
    the next smallest is hidden too, so the total minus the shown groups reveals nothing."""
    hidden = [g for g in groups if g.too_small]
    shown = sorted((g for g in groups if not g.too_small), key=lambda g: (g.n, g.name))
    if len(hidden) != 1 or not shown:
        return groups
    also = shown[0]
    return [Group(g.name, g.n, g.shares, True) if g is also else g for g in groups]


def clinic_outcomes(clinic: Clinic, today: dt.date) -> Outcomes:
    # Query 1: the reviews recorded in each patient's current course, counted per point,
    # condition, dose and verdict.
    recorded = (
        ClinicalReview.objects.filter(
            patient__user__clinic=clinic,
            point__in=POINTS,
            course=Greatest(F("patient__summary__course"), Value(1)),
        )
        .values(
            "point",
            "patient__condition",
            judged=KT("snapshot__judged"),
            dose=KT("snapshot__dose_mg"),
        )
        .annotate(n=Count("id"))
    )
    # Query 2: from the stored summaries, the reviews due and not yet recorded, and the
    # patients whose current course stopped (with when, for "stopped before week 6").
    stopped = Q(ended_on__isnull=False)
    summary_rows = (
        PatientSummary.objects.filter(patient__user__clinic=clinic)
        .filter(
            Q(review_point__in=POINTS, review_on__lte=today, ended_on__isnull=True)
            | (stopped & Q(day_one__isnull=False))
        )
        .values(
            "review_point",
            "patient__condition",
            "judged",
            "review_dose",
            first=Case(When(stopped, then=F("day_one"))),
            ended=F("ended_on"),
            stop_dose=Case(When(stopped, then=F("dose_mg"))),
        )
        .annotate(n=Count("id"))
    )
    rows: list[tuple[int, str, str, object, int]] = [
        (r["point"], r["patient__condition"], _verdict(r["judged"]), r["dose"], r["n"])
        for r in recorded
    ]
    for r in summary_rows:
        if r["ended"] is None:
            rows.append(
                (r["review_point"], r["patient__condition"], _verdict(r["judged"]),
                 r["review_dose"], r["n"])
            )  # fmt: skip
            continue
        for point, week in POINTS.items():
            nominal = r["first"] + dt.timedelta(days=week * 7 - 1)
            if r["ended"] < nominal and point >= r["review_point"]:  # not reviewed there
                rows.append((point, r["patient__condition"], STOPPED, r["stop_dose"], r["n"]))
    overall: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_condition: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_dose: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for point, condition, verdict, dose, n in rows:
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
                overall=_group(
                    _("All patients at week %(week)s") % {"week": week}, overall[point], week
                ),
                by_condition=suppress(
                    sorted(
                        (
                            _group(str(conditions.get(c, c)), v, week)
                            for (p, c), v in by_condition.items()
                            if p == point
                        ),
                        key=lambda g: (-g.n, g.name),
                    )
                ),
                by_dose=suppress(
                    sorted(
                        (_group(f"{d} mg", v, week) for (p, d), v in by_dose.items() if p == point),
                        key=lambda g: _dose_order(g.name),
                    )
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


@dataclass(frozen=True)
class InstrumentOutcome:
    """Of the patients with a baseline and a week-6 (or week-12) score of one instrument,
    how many changed by its minimal important difference or more (SPEC §14)."""

    instrument: str
    title: str
    week: int
    n: int
    reached: int
    low: float
    high: float

    @property
    def too_small(self) -> bool:
        return self.n < SMALLEST_GROUP

    @property
    def share(self) -> float:
        return self.reached / self.n if self.n else 0.0


def instrument_outcomes(clinic: Clinic) -> list[InstrumentOutcome]:
    """One query: every scored answer of the clinic's patients at baseline and at the first
    two review points (any course), paired per patient and instrument in memory."""
    from . import instruments
    from .instruments.scoring import RULES, reaches_mid
    from .models import QuestionnaireAnswer

    rows = QuestionnaireAnswer.objects.filter(
        patient__user__clinic=clinic,
        status=QuestionnaireAnswer.Status.COMPLETED,
        score__isnull=False,
    ).values_list("patient_id", "instrument", "occasion", "score")
    baseline: dict[tuple[int, str], Decimal] = {}
    later: dict[tuple[int, str, int], Decimal] = {}
    for patient_id, key, occasion, score in rows:
        if score is None:
            continue
        if occasion == "baseline":
            baseline[(patient_id, key)] = score
        elif occasion.startswith("review-") and occasion.rsplit("-", 1)[-1] in ("1", "2"):
            later[(patient_id, key, int(occasion.rsplit("-", 1)[-1]))] = score
    out = []
    for key in sorted(RULES):
        rule = RULES[key]
        if rule.mid_points is None and rule.mid_fraction is None:
            continue
        for point, week in POINTS.items():
            pairs = [
                (baseline[(p, k)], score)
                for (p, k, pt), score in later.items()
                if k == key and pt == point and (p, k) in baseline
            ]
            reached = sum(bool(reaches_mid(key, b, s)) for b, s in pairs)
            low, high = wilson(reached, len(pairs))
            out.append(InstrumentOutcome(key, instruments.get(key).title, week, len(pairs),
                                         reached, low, high))  # fmt: skip
    return out
