"""The treatment course's writes (SPEC §4): the patient's "I have stopped" and "I have
restarted", their answer about an unlogged gap, and the clinician's confirmation of a
reported stop. Each runs in one transaction with its audit event and the re-evaluation."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import audit
from ..alerts.rule import Kind as AlertKind
from ..models import Alert, AuditAction, GapAnswer, Patient, StopReason, TreatmentStop, User
from .status import refresh_patient, store_alert_counts


class NothingToDo(Exception):
    """The request no longer applies (already done, or the state changed meanwhile)."""


@transaction.atomic
def report_stop(*, patient: Patient, on: dt.date, ip: str | None = None) -> TreatmentStop:
    """The patient stopped taking LDN from `on`: the course ends, and the clinician gets a
    "reports stopping" alert to confirm it."""
    if patient.status().stopped:
        raise NothingToDo
    stop = TreatmentStop.objects.create(
        patient=patient, on=on, reason=StopReason.PATIENT, reported_by=patient.user
    )
    if patient.restart_reported_on is not None:
        patient.restart_reported_on = None
        patient.save(update_fields=["restart_reported_on"])
    audit.record(
        actor=patient.user, action=AuditAction.REPORT_STOP, patient=patient, obj=stop, ip=ip
    )
    refresh_patient(patient)
    return stop


@transaction.atomic
def report_restart(*, patient: Patient, on: dt.date, ip: str | None = None) -> None:
    """The patient restarted LDN: Today asks the dose question again. The new course
    starts with the first dose they log as taken."""
    if not patient.status().stopped:
        raise NothingToDo
    patient.restart_reported_on = on
    patient.save(update_fields=["restart_reported_on"])
    audit.record(actor=patient.user, action=AuditAction.REPORT_RESTART, patient=patient, ip=ip)


@transaction.atomic
def answer_gap(
    *, patient: Patient, after: dt.date, kept_taking: bool, ip: str | None = None
) -> GapAnswer:
    """ "Did you keep taking LDN while you weren't logging?" for the gap after the dose day
    `after`: yes keeps the course going, no makes the gap a lapse. Answered once."""
    if patient.summary.gap_question != after:  # type: ignore[attr-defined]
        raise NothingToDo
    try:
        with transaction.atomic():
            answer = GapAnswer.objects.create(patient=patient, after=after, kept_taking=kept_taking)
    except IntegrityError:
        raise NothingToDo from None
    audit.record(
        actor=patient.user, action=AuditAction.ANSWER_GAP, patient=patient, obj=answer, ip=ip
    )
    refresh_patient(patient)
    return answer


@transaction.atomic
def confirm_stop(*, stop: TreatmentStop, by: User, ip: str | None = None) -> bool:
    """The clinician confirms a stop the patient reported; its alert is closed by them.
    False when it was confirmed already."""
    now = timezone.now()
    done = TreatmentStop.objects.filter(
        pk=stop.pk, reason=StopReason.PATIENT, confirmed_at__isnull=True
    ).update(confirmed_at=now, confirmed_by=by)
    if not done:
        return False
    Alert.objects.filter(
        patient_id=stop.patient_id, kind=AlertKind.REPORTED_STOP, on=stop.on,
        acknowledged_at__isnull=True,
    ).update(acknowledged_at=now, acknowledged_by=by)  # fmt: skip
    store_alert_counts(stop.patient_id)
    audit.record(actor=by, action=AuditAction.CONFIRM_STOP, patient=stop.patient, obj=stop, ip=ip)
    return True
