"""The clinician's writes: acknowledging alerts, reviews, notes and prescriptions. Each
runs in one transaction with its audit event; a repeated post (a double click, a second
tab) is told what happened and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import audit
from ..alerts.rule import Kind as AlertKind
from ..alerts.rule import Priority
from ..models import (
    Alert,
    AuditAction,
    ClinicalReview,
    ClinicianNote,
    Patient,
    Prescription,
    ReviewOutcome,
    SendKind,
    StopReason,
    TreatmentStop,
    User,
)
from ..notifications import outbox
from ..response import explain
from .status import refresh_patient, store_alert_counts


@transaction.atomic
def acknowledge_alert(*, alert: Alert, by: User, ip: str | None = None) -> bool:
    """Mark `alert` seen by `by`; False when someone had already acknowledged it."""
    done = _acknowledge(Alert.objects.filter(pk=alert.pk), alert.patient, by=by, ip=ip)
    alert.refresh_from_db()
    return bool(done)


def acknowledge_kind(*, patient: Patient, kind: str, by: User, ip: str | None = None) -> int:
    """Mark every open alert of one kind for `patient` seen by `by` (issue 23: four open
    "Not logging" alerts are one click). How many it was."""
    return _acknowledge(patient.alerts.filter(kind=kind), patient, by=by, ip=ip)


@transaction.atomic
def acknowledge_routine(*, patients: list[Patient], by: User, ip: str | None = None) -> int:
    """From the panel's selected rows (issue 23): every open alert of these patients but the
    urgent ones, which a clinician acknowledges on the record, having read it. How many."""
    return sum(
        _acknowledge(p.alerts.exclude(priority=Priority.URGENT), p, by=by, ip=ip) for p in patients
    )


@transaction.atomic
def _acknowledge(alerts: Any, patient: Patient, *, by: User, ip: str | None) -> int:
    """The open ones of `alerts` (all `patient`'s), locked so two clinicians acknowledging at
    once record one of them; each keeps its who, when and audit event."""
    open_ones = list(alerts.select_for_update().open())
    if not open_ones:
        return 0
    Alert.objects.filter(pk__in=[a.pk for a in open_ones]).update(
        acknowledged_at=timezone.now(), acknowledged_by=by
    )
    store_alert_counts(patient.pk)
    for alert in open_ones:
        audit.record(
            actor=by, action=AuditAction.ACKNOWLEDGE_ALERT, patient=patient, obj=alert, ip=ip
        )
    return len(open_ones)


class ReviewNotRecorded(Exception):
    """Why a review could not be recorded, in words for the clinician."""


@transaction.atomic
def record_review(
    *,
    patient: Patient,
    point: int,
    outcome: str,
    note: str,
    next_week: int | None,
    stop_on: dt.date | None = None,
    by: User,
    ip: str | None = None,
) -> ClinicalReview:
    """Record the review of review point `point` (the one the form was filled for) with the
    evaluation as it stands, which clears "review due" and sets the next review point; a
    review that stops LDN ends the course from `stop_on` (default today) and sets none. A
    post for a point already recorded changes nothing and says so."""
    evaluation = patient.status()
    if not evaluation.started:
        raise ReviewNotRecorded(_("There is no review to record: LDN has not started yet."))
    if evaluation.stopped:
        raise ReviewNotRecorded(
            _("There is no review to record: LDN is stopped. Nothing was changed.")
        )
    if point != evaluation.review_point:
        raise ReviewNotRecorded(_already_recorded(patient, point))
    stopping = outcome == ReviewOutcome.STOP
    try:
        with transaction.atomic():  # a double post meets the unique point: said, not raised
            recorded = ClinicalReview.objects.create(
                patient=patient,
                course=evaluation.course,
                point=point,
                outcome=outcome,
                note=note,
                snapshot=explain.snapshot(evaluation) | {"questionnaires": _scores(patient)},
                next_week=None if stopping else next_week,
                recorded_by=by,
            )
    except IntegrityError:
        raise ReviewNotRecorded(_already_recorded(patient, point)) from None
    if stopping:
        TreatmentStop.objects.create(
            patient=patient,
            on=stop_on or evaluation.today,
            reason=StopReason.REVIEW,
            review=recorded,
            reported_by=by,
        )
    audit.record(actor=by, action=AuditAction.RECORD_REVIEW, patient=patient, obj=recorded, ip=ip)
    # The review answers its "review due" alerts: closed in one statement, by whoever
    # recorded it (the review's audit event says so); the summary is rewritten once, after.
    Alert.objects.filter(
        patient=patient, kind=AlertKind.REVIEW, acknowledged_at__isnull=True,
        on__lte=evaluation.today,
    ).update(acknowledged_at=timezone.now(), acknowledged_by=by)  # fmt: skip
    refresh_patient(patient)
    if outcome == ReviewOutcome.STOP:
        # The safety advice after stopping (SPEC §13), by the patient's own channel, once.
        outbox.queue(
            kind=SendKind.STOP_ADVICE, key=f"review {recorded.pk}", recipient=patient.user,
            clinic_id=patient.user.clinic_id, channel=patient.reminder_channel,
        )  # fmt: skip
    return recorded


def _already_recorded(patient: Patient, point: int) -> str:
    course = patient.summary.course or 1  # type: ignore[attr-defined]
    done = patient.reviews.filter(course=course, point=point).select_related("recorded_by").first()
    if done is None:
        return _("This form was for another review point. Nothing was recorded: reload the page.")
    return _(
        "This review was already recorded by %(who)s on %(when)s. Nothing was changed: see "
        "the record."
    ) % {
        "who": done.recorded_by.display_name if done.recorded_by else done.recorded_elsewhere,
        "when": date_format(timezone.localtime(done.recorded_at), "j M Y, H:i"),
    }


@transaction.atomic
def add_note(*, patient: Patient, text: str, by: User, ip: str | None = None) -> ClinicianNote:
    note = ClinicianNote.objects.create(patient=patient, author=by, text=text)
    audit.record(actor=by, action=AuditAction.ADD_NOTE, patient=patient, obj=note, ip=ip)
    return note


def _scores(patient: Patient) -> list[dict[str, Any]]:
    """The latest score of each questionnaire, with its change from baseline (SPEC §14), as
    the review saw them."""
    from .questionnaires import results

    out = []
    for key, found in results(patient).items():
        last = found[-1]
        out.append({
            "instrument": key,
            "occasion": last.answer.occasion,
            "score": str(last.answer.score) if last.answer.score is not None else None,
            "band": last.answer.band,
            "change": str(last.change) if last.change is not None else None,
            "meaningful": last.meaningful,
        })  # fmt: skip
    return out


@transaction.atomic
def prescribe(
    *,
    patient: Patient,
    steps: list[tuple[dt.date, Any]],
    usual_time: dt.time,
    timing: str,
    formulation: str,
    unit: str,
    strength: Any,
    by: User,
    ip: str | None = None,
) -> list[Prescription]:
    """A new prescription from the first step's date, and a titration plan: one dated
    prescription per step. Earlier prescriptions stay as the dose history; those starting
    on or after the new plan's first day are marked replaced, never deleted."""
    first = min(day for day, _mg in steps)
    Prescription.objects.filter(patient=patient, start_date__gte=first).active().update(
        replaced_at=timezone.now()
    )
    created = [
        Prescription.objects.create(
            patient=patient,
            dose_mg=mg,
            usual_time=usual_time,
            timing=timing,
            formulation=formulation,
            dose_unit=unit,
            strength_mg=strength,
            start_date=day,
            set_by=by,
        )
        for day, mg in sorted(steps)
    ]
    audit.record(
        actor=by, action=AuditAction.CHANGE_PRESCRIPTION, patient=patient, obj=created[0], ip=ip
    )
    return created
