"""Keeping each patient's stored status true: the summary row every page reads, and the
alerts the diary calls for. Rewritten with every change, and nightly for everyone (a day
without an entry changes "not logging" and can make a review due)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from ..alerts import rule as alert_rule
from ..alerts.rule import Priority
from ..models import Alert, DailyEntry, Patient, PatientSummary
from ..review import rule, side_effects
from ..review.days import Day, dose_days
from .clinician_notices import announce_urgent

log = logging.getLogger(__name__)


@transaction.atomic(savepoint=False)
def refresh_patient(
    patient: Patient, today: dt.date | None = None, *, diary_only: bool = False
) -> rule.Evaluation:
    """Re-evaluate the patient: rewrite their summary and store the alerts the diary calls
    for that are not stored yet. Returns today's evaluation. Safe to repeat: an alert is
    unique per kind and episode. With `diary_only` (right after a diary entry, which
    changes neither) the review point and PGIC answer are read from the stored summary."""
    today = today or patient.diary_today()
    days = [d for d in DailyEntry.objects.for_patient(patient).days() if d.date <= today]
    counts: dict[str, Any] = {}
    if diary_only:
        stored = patient.summary  # type: ignore[attr-defined]
        point, week, answer = stored.review_point, stored.review_week, stored.pgic
        counts["last_review_at"] = stored.last_review_at
    else:
        reviews = list(patient.reviews.values_list("point", "next_week", "recorded_at"))
        point, week = rule.next_review([rule.Review(p, w) for p, w, _ in reviews])
        answer = (
            patient.pgic_answers.filter(review_point=point).values_list("value", flat=True).first()
        )
        counts["last_review_at"] = max((at for _, _, at in reviews), default=None)
    facts = rule.facts(
        days,
        outcome=patient.primary_outcome,
        enrolment_answer=patient.enrolment_answer,
        point=point,
        week=week,
        pgic=answer,
    )
    evaluation = rule.status(facts, today)
    found = alert_rule.signals(
        days,
        evaluation,
        today,
        opioids_at_enrolment=patient.enrolment_answered_on if patient.takes_opioids else None,
    )
    # The alerts stored already, so only new ones are written and the summary can say how
    # many are open (the panel reads it) without counting them again.
    stored_alerts = Alert.objects.filter(patient=patient).values_list(
        "kind", "on", "priority", "acknowledged_at"
    )
    known, open_priorities = set(), []
    for kind, on, priority, acknowledged_at in stored_alerts:
        known.add((kind, on))
        if acknowledged_at is None:
            open_priorities.append(priority)
    new = [s for s in found if (s.kind.value, s.on) not in known]
    open_priorities += [s.priority for s in new]
    counts["open_alerts"] = len(open_priorities)
    counts["urgent_alerts"] = sum(1 for p in open_priorities if p == Priority.URGENT)
    values = PatientSummary.values_from(facts) | today_values(days, evaluation, today) | counts
    PatientSummary.objects.bulk_create(  # one upsert: INSERT … ON CONFLICT DO UPDATE
        [PatientSummary(patient=patient, **values)],
        update_conflicts=True,
        unique_fields=["patient"],
        update_fields=[*values, "computed_at"],
    )
    patient.summary = PatientSummary(patient=patient, **values)  # type: ignore[attr-defined]
    Alert.objects.bulk_create(
        [
            Alert(patient=patient, kind=s.kind, priority=s.priority, on=s.on, params=s.params)
            for s in new
        ],
        ignore_conflicts=True,  # raised meanwhile by another request: one alert all the same
    )
    if any(s.priority == Priority.URGENT for s in found):
        announce_urgent(patient)  # sent once this transaction commits
    return evaluation


def store_alert_counts(patient_id: int) -> None:
    """Rewrite the summary's count of open and urgent alerts after one is acknowledged, in
    one statement (`refresh_patient` counts them as it raises them)."""
    open_alerts = Alert.objects.filter(patient_id=OuterRef("patient_id"), acknowledged_at=None)

    def count(alerts: Any) -> Coalesce:
        return Coalesce(
            Subquery(alerts.values("patient_id").annotate(n=Count("id")).values("n")), 0
        )

    PatientSummary.objects.filter(patient_id=patient_id).update(
        open_alerts=count(open_alerts),
        urgent_alerts=count(open_alerts.filter(priority=Priority.URGENT)),
    )


def today_values(days: list[Day], evaluation: rule.Evaluation, today: dt.date) -> dict[str, Any]:
    """What the summary keeps of today besides the facts: adherence, the day the dose
    settled (SPEC §12), and today's side effects as the patient is told them (SPEC §5)."""
    stable = rule.stable_dose_day(dose_days(days, until=today), today)
    return {
        "adherence": Decimal(evaluation.adherence.numerator) / evaluation.adherence.denominator
        if evaluation.adherence is not None
        else None,
        "stable_after_days": (stable - evaluation.day_one).days
        if stable and evaluation.day_one
        else None,
        "side_effects": [
            {"effect": s.effect.value, "state": s.state.value, "present": s.present}
            for s in side_effects.today(days, today)
            if s.state is not None  # today() keeps only these; said for the type checker
        ],
        "recent": recent(days, evaluation.outcome, today),
        "recent_until": today,
    }


RECENT_DAYS = 28


def recent(days: list[Day], outcome: str, today: dt.date) -> list[int | None]:
    """The primary outcome on each of the 28 days ending `today` (None: not logged)."""
    first = today - dt.timedelta(days=RECENT_DAYS - 1)
    logged = {d.date: getattr(d, outcome) for d in days if first <= d.date <= today}
    return [logged.get(first + dt.timedelta(days=n)) for n in range(RECENT_DAYS)]


@dataclass(frozen=True)
class Run:
    checked: int
    failed: int
    raised: int


def refresh_everyone(patients: object = None) -> Run:
    """Re-evaluate every patient (or those of the queryset `patients`), each in its own
    transaction: one patient whose evaluation fails is logged and skipped, never stopping
    the run for everyone after them."""
    queryset = patients if patients is not None else Patient.objects.all()
    before = Alert.objects.count()
    checked = failed = 0
    for patient in queryset.select_related("user", "summary").order_by("pk").iterator():  # type: ignore[attr-defined]
        try:
            refresh_patient(patient)
        except Exception:
            failed += 1
            log.exception(
                "re-evaluation failed", extra={"event": "refresh_failed", "patient": patient.pk}
            )
        else:
            checked += 1
    run = Run(checked=checked, failed=failed, raised=Alert.objects.count() - before)
    log.info(
        "re-evaluated patients",
        extra={
            "event": "refresh_run",
            "checked": run.checked,
            "failed": run.failed,
            "raised": run.raised,
        },
    )
    return run
