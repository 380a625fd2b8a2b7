"""The titration plan and the supply (SPEC §3a): holding a step, recording a dispensing,
and estimating when the medicine runs out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .. import audit, dosing
from ..alerts.rule import Kind, Priority
from ..models import (
    Alert,
    AuditAction,
    Dispensing,
    DoseHold,
    Notification,
    Patient,
    Prescription,
    SendKind,
    User,
)
from ..notifications.outbox import queue_many
from ..response.days import Day
from .status import plan_of, refresh_patient


class NothingToHold(Exception):
    """The plan has no step still to come."""


@transaction.atomic
def hold_step(
    *, patient: Patient, days: int, reason: str, by: User, ip: str | None = None
) -> DoseHold:
    """Stay on the current dose `days` longer: every step still to come moves `days` later
    (its row replaced by a moved copy, kept as history), and the clinician sees the hold as
    a normal-priority alert with the reason."""
    today = patient.diary_today()
    # One hold at a time per patient: two at once must not both move the steps.
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    later = list(patient.prescriptions.active().filter(start_date__gt=today))
    if not later:
        raise NothingToHold
    now = timezone.now()
    Prescription.objects.filter(pk__in=[rx.pk for rx in later]).update(replaced_at=now)
    moved = dosing.held([dosing.Step(rx.start_date, rx.dose_mg) for rx in later], today, days)
    for rx, step in zip(later, moved, strict=True):
        rx.pk, rx.replaced_at, rx.created_at, rx.start_date = None, None, now, step.start
    Prescription.objects.bulk_create(later)
    hold = DoseHold.objects.create(patient=patient, on=today, days=days, reason=reason, held_by=by)
    params = {"days": days, "reason": reason}
    if by.pk != patient.user_id:
        params["by"] = by.display_name
    Alert.objects.create(
        patient=patient, kind=Kind.STEP_HELD, priority=Priority.NORMAL, on=today,
        source=f"h{hold.pk}", params=params,
    )  # fmt: skip
    audit.record(actor=by, action=AuditAction.HOLD_STEP, patient=patient, obj=hold, ip=ip)
    refresh_patient(patient)
    return hold


@transaction.atomic
def record_dispensing(
    *, patient: Patient, values: dict[str, object], by: User, ip: str | None = None
) -> Dispensing:
    """A supply handed to the patient, in the unit of the prescription in force that day,
    whose strength it keeps."""
    day = values["dispensed_on"]
    assert isinstance(day, dt.date)
    rx = patient.prescriptions.current_on(day) or patient.prescriptions.active().last()
    unit, strength = (rx.dose_unit, rx.strength_mg) if rx else (dosing.Unit.MG.value, 1)
    dispensing = Dispensing.objects.create(
        patient=patient, unit=unit, strength_mg=strength, recorded_by=by, **values
    )
    audit.record(
        actor=by, action=AuditAction.RECORD_DISPENSING, patient=patient, obj=dispensing, ip=ip
    )
    return dispensing


@dataclass(frozen=True)
class SupplyView:
    estimate: dosing.Supply | None
    dispensings: list[Dispensing]
    remind_on: dt.date | None  # 7 days before the run-out


REMIND_DAYS_BEFORE = 7


def supply(
    patient: Patient,
    today: dt.date | None = None,
    *,
    prescriptions: list[Prescription] | None = None,
    days: list[Day] | None = None,
    complete_from: dt.date | None = None,
) -> SupplyView:
    """What is left and when it runs out, from the dispensings, the logged doses since the
    first and the plan (SPEC §3a). One query for the dispensings; the plan and the diary
    are read too unless the caller has them (`days`, complete from `complete_from` if
    given: from a later day than the first dispensing, the diary is read)."""
    today = today or patient.diary_today()
    dispensings = list(patient.dispensings.all())
    if not dispensings:
        return SupplyView(None, [], None)
    first = min(d.dispensed_on for d in dispensings)
    if days is None or (complete_from is not None and first < complete_from):
        days = patient.entries.filter(date__gte=first, date__lte=today).days()
    logged = {
        d.date: (d.dose_mg if d.dose_taken else None) for d in days if first <= d.date <= today
    }
    if prescriptions is None:
        prescriptions = list(patient.prescriptions.active())
    plan = plan_of(prescriptions)
    summary = getattr(patient, "summary", None)
    if summary is not None and summary.ended_on is not None:
        plan = []  # stopped (SPEC §4): nothing runs out
    estimate = dosing.run_out([(d.dispensed_on, d.mg) for d in dispensings], logged, plan, today)
    remind = (
        estimate.runs_out - dt.timedelta(days=REMIND_DAYS_BEFORE)
        if estimate is not None and estimate.runs_out is not None
        else None
    )
    return SupplyView(estimate, dispensings, remind)


# The local hours a supply reminder may go out in: not at night.
REMIND_HOURS = (9, 20)


def queue_supply_reminders(now: dt.datetime | None = None) -> int:
    """Remind each patient whose supply runs out within 7 days (SPEC §3a), once per supply
    (keyed by the latest dispensing: a new bottle starts again), in their reminder channel,
    between 09:00 and 20:59 their time. Safe to run as often as you like."""
    now = now or timezone.now()
    since = now.date() - dt.timedelta(days=dosing.RUN_OUT_HORIZON)
    patients = (
        Patient.objects.filter(user__is_active=True, dispensings__dispensed_on__gte=since)
        .distinct()
        .select_related("user", "summary")
    )
    rows = []
    for patient in patients:
        local = now.astimezone(patient.zone)
        if not REMIND_HOURS[0] <= local.hour <= REMIND_HOURS[1]:
            continue
        today = patient.diary_today()
        found = supply(patient, today)
        if found.remind_on is None or found.estimate is None or not found.dispensings:
            continue
        if not found.remind_on <= today < found.estimate.runs_out:  # type: ignore[operator]
            continue
        latest = max(found.dispensings, key=lambda d: (d.dispensed_on, d.pk))
        rows.append(
            Notification(
                kind=SendKind.SUPPLY,
                key=f"{patient.pk}:{latest.pk}",
                recipient_id=patient.user_id,
                clinic_id=patient.user.clinic_id,
                channel=patient.reminder_channel or "email",
                for_date=found.estimate.runs_out,
            )
        )
    return queue_many(rows)
