"""Keeping each patient's stored status true: the summary row every page reads, and the
alerts the diary calls for. Rewritten with every change, and nightly for everyone (a day
without an entry changes "not logging" and can make a review due)."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .. import charts, dosing
from ..alerts import rule as alert_rule
from ..alerts.rule import Priority
from ..models import Alert, DailyEntry, Notification, Patient, PatientSummary, Prescription
from ..response import courses, rule, side_effects
from ..response.days import Day, dose_days

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Evaluated:
    """What the rules say of a patient today, read and computed, nothing written yet."""

    days: list[Day]
    facts: rule.Facts
    evaluation: rule.Evaluation
    signals: list[alert_rule.Signal]
    spans: list[tuple[dt.date, dt.date | None]]
    last_review_at: Any
    courses: list[courses.Course]

    @functools.cached_property
    def settling(self) -> side_effects.Settling:
        """Where the side effects' settledness stands today: today's side effects read it,
        and the summary keeps it so a later night carries it on (services/incremental.py)."""
        return side_effects.settling_on(self.days, self.evaluation.today, self.spans)


@dataclass(frozen=True)
class Refreshed:
    evaluation: rule.Evaluation
    urgent: bool  # the diary calls for an urgent alert: the caller has its email queued


def plan_of(prescriptions: list[Prescription]) -> list[dosing.Step]:
    """The titration plan's dated steps: the active prescriptions, oldest first."""
    rows = sorted(
        (rx for rx in prescriptions if rx.replaced_at is None),
        key=lambda rx: (rx.start_date, rx.pk or 0),
    )
    return [dosing.Step(rx.start_date, rx.dose_mg) for rx in rows]


def evaluate(
    patient: Patient,
    today: dt.date,
    *,
    diary_only: bool = False,
    plan: list[dosing.Step] | None = None,
) -> Evaluated:
    """Read the diary and what the clinic recorded, and apply the rules (pure from there):
    courses, the response rule, the alerts' signals. With `diary_only` (right after a diary
    entry, which changes no review) the review point and its PGIC answer are the stored
    summary's while the course is unchanged. `plan` saves reading the titration plan
    again when the caller has it."""
    if plan is None:
        plan = plan_of(list(patient.prescriptions.active()))
    days = [d for d in DailyEntry.objects.for_patient(patient).days() if d.date <= today]
    stops = [s.as_rule() for s in patient.stops.filter(on__lte=today)]
    answers = dict(patient.gap_answers.values_list("after", "kept_taking"))
    found_courses = courses.courses(days, stops, answers)
    course = found_courses[-1].number if found_courses else 0
    stored = getattr(patient, "summary", None)
    if diary_only and stored is not None and stored.course == course:
        point, week, answer = stored.review_point, stored.review_week, stored.pgic
        last_review_at = stored.last_review_at
    else:
        reviews = list(patient.reviews.values_list("course", "point", "next_week", "recorded_at"))
        point, week = rule.next_review(
            [rule.Review(p, w or 0) for c, p, w, _ in reviews if c == max(course, 1)]
        )
        last_review_at = max((r[3] for r in reviews), default=None)
        answer = (
            patient.pgic_answers.filter(course=max(course, 1), review_point=point)
            .values_list("value", flat=True)
            .first()
        )
    facts = rule.facts(
        days, outcome=patient.primary_outcome, enrolment_answer=patient.enrolment_answer,
        point=point, week=week, pgic=answer, stops=stops, answers=answers, today=today,
    )  # fmt: skip
    evaluation = rule.status(facts, today)
    found = alert_rule.signals(
        days,
        evaluation,
        today,
        opioids_at_enrolment=patient.enrolment_answered_on if patient.takes_opioids else None,
        courses=found_courses,
        stops=stops,
        plan=plan,
    )
    spans = courses.spans(found_courses)
    return Evaluated(days, facts, evaluation, found, spans, last_review_at, found_courses)


@transaction.atomic(savepoint=False)
def refresh_patient(
    patient: Patient,
    today: dt.date | None = None,
    *,
    diary_only: bool = False,
    plan: list[dosing.Step] | None = None,
) -> Refreshed:
    """Re-evaluate the patient (`evaluate`), store the alerts it calls for (SPEC §5: one
    per source; an episode's alert updated as it grows or joins another) and rewrite the
    summary. Safe to repeat. Whether an urgent alert is called for is returned: the calling
    service queues its email (services/clinician_notices.announce_urgent)."""
    today = today or patient.diary_today()
    # One refresh at a time per patient: two saves at once must not both raise an alert.
    PatientSummary.objects.select_for_update().filter(patient=patient).first()
    found = evaluate(patient, today, diary_only=diary_only, plan=plan)
    open_priorities = store_alerts(patient, found.signals)
    store_summary(patient, found, open_priorities)
    urgent = any(s.priority == Priority.URGENT for s in found.signals)
    return Refreshed(found.evaluation, urgent)


def store_summary(patient: Patient, found: Evaluated, open_priorities: list[int]) -> None:
    """The summary row, in one upsert (INSERT … ON CONFLICT DO UPDATE)."""
    values = (
        PatientSummary.values_from(found.facts)
        | today_values(found.days, found.evaluation, found.evaluation.today, found.settling)
        | {
            "last_review_at": found.last_review_at,
            "open_alerts": len(open_priorities),
            "urgent_alerts": sum(1 for p in open_priorities if p == Priority.URGENT),
            "course_spans": [
                [first.isoformat(), last.isoformat() if last else None]
                for first, last in found.spans
            ],
            "timing_nights": [asdict(g) for g in charts.timing_comparison(found.days)],
            "settling": side_effects.settling_json(found.settling),
            "courses": [courses.as_json(c) for c in found.courses],
        }
    )
    PatientSummary.objects.bulk_create(
        [PatientSummary(patient=patient, **values)],
        update_conflicts=True,
        unique_fields=["patient"],
        update_fields=[*values, "computed_at"],
    )
    patient.summary = PatientSummary(patient=patient, **values)  # type: ignore[attr-defined]


def store_alerts(
    patient: Patient, found: list[alert_rule.Signal], stored: list[Alert] | None = None
) -> list[int]:
    """Store `found` as alerts: a day signal once per (kind, source, day); an episode as
    the alert of the stored episode its days overlap, which moves its first and last day
    (several overlapping become one: the oldest, keeping any acknowledgement and the
    sends). Nothing stored is ever lost. Returns the priorities of the open alerts.
    `stored` is the patient's alerts when the caller has read them."""
    if stored is None:
        stored = list(Alert.objects.filter(patient=patient))
    changes = AlertChanges()
    priorities = match_alerts(patient, found, stored, changes)
    changes.write()
    return priorities


@dataclass
class AlertChanges:
    """What storing signals changes, gathered so a batch of patients writes it at once."""

    new: list[Alert] = field(default_factory=list)
    changed: dict[tuple[str, ...], list[Alert]] = field(default_factory=dict)  # by fields
    joined: list[tuple[Alert, list[int]]] = field(default_factory=list)  # kept, gone

    def update(self, alert: Alert, fields: tuple[str, ...]) -> None:
        self.changed.setdefault(fields, []).append(alert)

    def add(self, other: AlertChanges) -> None:
        self.new += other.new
        for fields, alerts in other.changed.items():
            self.changed.setdefault(fields, []).extend(alerts)
        self.joined += other.joined

    def write(self) -> None:
        """Write it all: the moved alerts in one INSERT … ON CONFLICT (id) DO UPDATE of the
        moved columns a group (for a batch's hundreds, far cheaper than bulk_update's CASE
        per row and column; the alerts were read whole, so each row is complete)."""
        for keep, gone in self.joined:
            Notification.objects.filter(alert_id__in=gone).update(alert=keep)
            Alert.objects.filter(pk__in=gone).delete()
        for fields, alerts in self.changed.items():
            # One joined into another after it moved (its pk dropped) is gone, not moved.
            moved = [a for a in alerts if a.pk is not None]
            Alert.objects.bulk_create(
                moved, update_conflicts=True, unique_fields=["id"], update_fields=fields
            )
        Alert.objects.bulk_create(self.new, ignore_conflicts=True)


EPISODE_FIELDS = ("on", "until", "params", "ended_on")


def match_alerts(
    patient: Patient,
    found: list[alert_rule.Signal],
    stored: list[Alert],
    changes: AlertChanges,
) -> list[int]:
    """`store_alerts` without writing: what changes is added to `changes`."""
    by_key = {(a.kind, a.source, a.on): a for a in stored}
    new: list[Alert] = []
    for signal in found:
        if signal.episode:
            matched = [
                a
                for a in stored
                if a.kind == signal.kind
                and a.source == signal.source
                and a.pk is not None
                and _overlaps(a, signal)
            ]
            if matched:
                _update_episode(matched, signal, changes)
                continue
        elif (signal.kind.value, signal.source, signal.on) in by_key:
            alert = by_key[(signal.kind.value, signal.source, signal.on)]
            if alert.params != signal.params:  # e.g. the opioid's name added to the day
                alert.params = signal.params
                changes.update(alert, ("params",))
            continue
        alert = Alert(
            patient=patient,
            kind=signal.kind,
            source=signal.source,
            priority=signal.priority,
            on=signal.on,
            until=signal.until,
            params=signal.params,
            ended_on=_ended_on(signal),
        )
        new.append(alert)
    changes.new += new
    live = [a for a in stored if a.pk is not None] + new
    return [a.priority for a in live if a.is_open]


def _ended_on(signal: alert_rule.Signal) -> dt.date | None:
    """A not-logging run with a last day (the patient logged again, or stopped) is over:
    from the next day it asks nothing of the clinician."""
    if signal.kind == alert_rule.Kind.NOT_LOGGING and signal.params.get("until"):
        return dt.date.fromisoformat(signal.params["until"]) + dt.timedelta(days=1)
    return None


def _overlaps(alert: Alert, signal: alert_rule.Signal) -> bool:
    last = alert.until or alert.on
    return alert.on <= (signal.until or signal.on) and signal.on <= last


def _update_episode(matched: list[Alert], signal: alert_rule.Signal, changes: AlertChanges) -> None:
    keep, *joined = sorted(matched, key=lambda a: a.pk or 0)
    if joined:
        acknowledged = sorted(
            (a for a in matched if a.acknowledged_at is not None),
            key=lambda a: a.acknowledged_at,  # type: ignore[arg-type, return-value]
        )
        if keep.acknowledged_at is None and acknowledged:
            keep.acknowledged_at = acknowledged[0].acknowledged_at
            keep.acknowledged_by_id = acknowledged[0].acknowledged_by_id
        changes.joined.append((keep, [a.pk for a in joined]))  # type: ignore[misc]
        for alert in joined:
            alert.pk = None  # no longer stored: counted no more
    ended = _ended_on(signal)
    if not joined and (keep.on, keep.until, keep.params, keep.ended_on) == (
        signal.on,
        signal.until,
        signal.params,
        ended,
    ):
        return  # unchanged: nothing to write
    keep.on, keep.until, keep.params, keep.ended_on = signal.on, signal.until, signal.params, ended
    if joined:  # the acknowledgement too, only when another's was taken over
        changes.update(keep, (*EPISODE_FIELDS, "acknowledged_at", "acknowledged_by"))
    else:
        changes.update(keep, EPISODE_FIELDS)


def store_alert_counts(patient_id: int) -> None:
    """Rewrite the summary's count of open and urgent alerts after one is acknowledged, in
    one statement (`refresh_patient` counts them as it raises them)."""
    open_alerts = Alert.objects.filter(patient_id=OuterRef("patient_id")).open()

    def count(alerts: Any) -> Coalesce:
        return Coalesce(
            Subquery(alerts.values("patient_id").annotate(n=Count("id")).values("n")), 0
        )

    PatientSummary.objects.filter(patient_id=patient_id).update(
        open_alerts=count(open_alerts),
        urgent_alerts=count(open_alerts.filter(priority=Priority.URGENT)),
    )


def today_values(
    days: list[Day],
    evaluation: rule.Evaluation,
    today: dt.date,
    settling: side_effects.Settling,
) -> dict[str, Any]:
    """What the summary keeps of today besides the facts: adherence, the day the dose
    settled (SPEC §12), and today's side effects as the patient is told them (SPEC §5)."""
    first = evaluation.day_one
    in_course = [d for d in dose_days(days, until=today) if first is None or d[0] >= first]
    stable = rule.stable_dose_day(in_course, evaluation.stopped_on or today)
    return {
        "adherence": adherence(evaluation),
        "stable_after_days": (stable - evaluation.day_one).days
        if stable and evaluation.day_one
        else None,
        "side_effects": today_effects(days, today, settling),
        "recent": recent(days, evaluation.outcome, today),
        "recent_until": today,
    }


def today_effects(
    days: Sequence[Day], today: dt.date, settling: side_effects.Settling
) -> list[dict[str, Any]]:
    """Today's side effects as the summary keeps them (and the patient is told them)."""
    return [
        {"effect": s.effect.value, "state": s.state.value, "present": s.present}
        for s in side_effects.present_on(days, today, settling)
        if s.state is not None  # present_on keeps only these; said for the type checker
    ]


def adherence(evaluation: rule.Evaluation) -> Decimal | None:
    share = evaluation.adherence
    return None if share is None else Decimal(share.numerator) / share.denominator


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
    """Re-evaluate every patient (or those of the queryset `patients`) in full, each in its
    own transaction: one patient whose evaluation fails is logged and skipped, never
    stopping the run for everyone after them."""
    queryset = patients if patients is not None else Patient.objects.all()
    before = Alert.objects.count()
    rows = queryset.select_related("user", "summary").order_by("pk").iterator()  # type: ignore[attr-defined]
    checked, failed = refresh_each(rows)
    return logged_run(checked, failed, Alert.objects.count() - before)


def refresh_each(patients: Iterable[Patient]) -> tuple[int, int]:
    """`refresh_patient` each of `patients`, a failure logged and skipped: (done, failed)."""
    checked = failed = 0
    for patient in patients:
        try:
            refresh_patient(patient)
        except Exception:
            failed += 1
            log.exception(
                "re-evaluation failed", extra={"event": "refresh_failed", "patient": patient.pk}
            )
        else:
            checked += 1
    return checked, failed


def logged_run(checked: int, failed: int, raised: int) -> Run:
    run = Run(checked=checked, failed=failed, raised=raised)
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
