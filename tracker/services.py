"""Writes that touch several rows, each in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from . import alerts, audit, review
from .models import (
    Alert,
    AuditAction,
    ClinicalReview,
    ClinicianNote,
    DailyEntry,
    EntryRevision,
    Patient,
    PatientSummary,
    PGICAnswer,
    Prescription,
    User,
)


class EntryConflict(Exception):
    """The entry changed since the form was filled in; nothing was saved."""

    def __init__(self, entry: DailyEntry) -> None:
        super().__init__(f"{entry} was changed meanwhile (now version {entry.version}).")
        self.entry = entry


class Saved(NamedTuple):
    entry: DailyEntry
    changed: bool
    evaluation: review.Evaluation


@transaction.atomic
def record_entry(
    *,
    patient: Patient,
    day: dt.date,
    values: dict[str, Any],
    version: int | None,
    by: User,
    ip: str | None = None,
) -> Saved:
    """Save a diary day, then re-evaluate the patient and raise any new alerts, all in one
    transaction: an entry is never stored without the alerts it calls for."""
    entry, changed = save_entry(patient=patient, day=day, values=values, version=version, by=by)
    if changed:
        audit.record(actor=by, action=AuditAction.SAVE_ENTRY, patient=patient, obj=entry, ip=ip)
    evaluation = refresh_patient(patient, reuse_summary=True)
    return Saved(entry, changed, evaluation)


@transaction.atomic(savepoint=False)
def refresh_patient(
    patient: Patient, today: dt.date | None = None, *, reuse_summary: bool = False
) -> review.Evaluation:
    """Re-evaluate the patient: rewrite their summary and store the alerts the diary calls
    for that are not stored yet. Returns today's evaluation. Safe to repeat: an alert is
    unique per kind and episode."""
    today = today or patient.diary_today()
    days = DailyEntry.objects.for_patient(patient).days()
    facts = patient.facts(days=days, reuse_summary=reuse_summary)
    values = PatientSummary.values_from(facts)
    PatientSummary.objects.bulk_create(  # one upsert: INSERT … ON CONFLICT DO UPDATE
        [PatientSummary(patient=patient, **values)],
        update_conflicts=True,
        unique_fields=["patient"],
        update_fields=[*values, "computed_at"],
    )
    evaluation = review.status(facts, today)
    found = alerts.signals(days, evaluation, today)
    Alert.objects.bulk_create(
        [
            Alert(patient=patient, kind=s.kind, priority=s.priority, on=s.on, message=s.message)
            for s in found
        ],
        ignore_conflicts=True,
    )
    return evaluation


class NothingToAnswer(Exception):
    """No PGIC question is open for this patient now."""


@transaction.atomic
def answer_pgic(*, patient: Patient, value: int, ip: str | None = None) -> PGICAnswer:
    """Record the patient's PGIC for the review point that is open now, once."""
    evaluation = patient.evaluate()
    if not evaluation.asks_pgic:
        raise NothingToAnswer
    try:
        with transaction.atomic():
            answer = PGICAnswer.objects.create(
                patient=patient,
                review_point=evaluation.review_point,
                value=value,
                answered_on=evaluation.today,
            )
    except IntegrityError:
        raise NothingToAnswer from None
    audit.record(
        actor=patient.user, action=AuditAction.ANSWER_PGIC, patient=patient, obj=answer, ip=ip
    )
    refresh_patient(patient)
    return answer


@transaction.atomic
def acknowledge_alert(*, alert: Alert, by: User, ip: str | None = None) -> bool:
    """Mark `alert` seen by `by`; False when someone had already acknowledged it."""
    now = timezone.now()
    done = Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=by
    )
    alert.refresh_from_db()
    if done:
        audit.record(
            actor=by, action=AuditAction.ACKNOWLEDGE_ALERT, patient=alert.patient, obj=alert, ip=ip
        )
    return bool(done)


class ReviewNotRecorded(Exception):
    """Why a review could not be recorded, in words for the clinician."""


@transaction.atomic
def record_review(
    *,
    patient: Patient,
    outcome: str,
    note: str,
    next_week: int,
    by: User,
    ip: str | None = None,
) -> ClinicalReview:
    """Record the review of the current review point with the evaluation as it stands, which
    clears "review due" and sets the next review point."""
    evaluation = patient.evaluate()
    if not evaluation.started:
        raise ReviewNotRecorded("There is no review to record: LDN has not started yet.")
    try:
        with transaction.atomic():
            recorded = ClinicalReview.objects.create(
                patient=patient,
                point=evaluation.review_point,
                outcome=outcome,
                note=note,
                snapshot=review.snapshot(evaluation),
                next_week=next_week,
                recorded_by=by,
            )
    except IntegrityError:
        raise ReviewNotRecorded(
            "Someone recorded this review point while you were writing: see the record."
        ) from None
    audit.record(actor=by, action=AuditAction.RECORD_REVIEW, patient=patient, obj=recorded, ip=ip)
    refresh_patient(patient)
    return recorded


@transaction.atomic
def add_note(*, patient: Patient, text: str, by: User, ip: str | None = None) -> ClinicianNote:
    note = ClinicianNote.objects.create(patient=patient, author=by, text=text)
    audit.record(actor=by, action=AuditAction.ADD_NOTE, patient=patient, obj=note, ip=ip)
    return note


@transaction.atomic
def prescribe(
    *,
    patient: Patient,
    steps: list[tuple[dt.date, Any]],
    usual_time: dt.time,
    timing: str,
    formulation: str,
    concentration: Any,
    by: User,
    ip: str | None = None,
) -> list[Prescription]:
    """A new prescription from the first step's date, and a titration plan: one dated
    prescription per step. Earlier prescriptions stay as the dose history; those starting
    on or after the new plan's first day are marked replaced, never deleted."""
    first = min(day for day, _ in steps)
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
            concentration_mg_per_ml=concentration,
            start_date=day,
            set_by=by,
        )
        for day, mg in sorted(steps)
    ]
    audit.record(
        actor=by, action=AuditAction.CHANGE_PRESCRIPTION, patient=patient, obj=created[0], ip=ip
    )
    return created


@transaction.atomic(savepoint=False)
def save_entry(
    *,
    patient: Patient,
    day: dt.date,
    values: dict[str, Any],
    version: int | None,
    by: User,
) -> tuple[DailyEntry, bool]:
    """Create or edit `patient`'s entry for `day`; returns (entry, changed).

    `version` is the version the form was filled from (None for a new entry). If the entry
    was created or changed since, EntryConflict is raised and nothing is written, so two
    people saving the same day cannot silently overwrite each other. An edit keeps the
    previous values as an EntryRevision."""
    entry = DailyEntry.objects.filter(patient=patient, date=day).first()
    if entry is None:
        if version is not None:
            raise EntryConflict(DailyEntry(patient=patient, date=day, version=0))
        try:
            with transaction.atomic():
                entry = DailyEntry.objects.create(
                    patient=patient, date=day, updated_by=by, **values
                )
        except IntegrityError:
            # Another request may have created the day between our read and our write.
            existing = DailyEntry.objects.filter(patient=patient, date=day).first()
            if existing is None:
                raise
            raise EntryConflict(existing) from None
        return entry, True

    if version != entry.version:
        raise EntryConflict(entry)
    if entry.values() == _as_stored(entry, values):
        return entry, False

    now = timezone.now()
    updated = DailyEntry.objects.filter(pk=entry.pk, version=version).update(
        **values, version=F("version") + 1, updated_at=now, updated_by=by
    )
    if not updated:
        entry.refresh_from_db()
        raise EntryConflict(entry)
    EntryRevision.objects.create(
        entry=entry,
        version=entry.version,
        data=entry.snapshot(),
        recorded_by_id=entry.updated_by_id,
        recorded_at=entry.updated_at,
        replaced_by=by,
        replaced_at=now,
    )
    for name, value in values.items():
        setattr(entry, name, value)
    entry.version += 1
    entry.updated_at, entry.updated_by = now, by
    return entry, True


def _as_stored(entry: DailyEntry, values: dict[str, Any]) -> dict[str, Any]:
    """`values` as the entry would hold them, so an unchanged form is not a new version."""
    return {name: values.get(name, getattr(entry, name)) for name in DailyEntry.VALUE_FIELDS}
