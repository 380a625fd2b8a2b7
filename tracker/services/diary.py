"""The patient's writes: a diary day (versioned, conflict-checked) and the PGIC answer.
Each runs in one transaction with its audit event and the re-evaluation it causes."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .. import audit
from ..models import (
    AuditAction,
    ClinicalReview,
    DailyEntry,
    EntryRevision,
    Patient,
    PGICAnswer,
    Prescription,
    User,
)
from ..response import rule
from .clinician_notices import announce_urgent
from .status import plan_of, refresh_patient


class EntryConflict(Exception):
    """The entry changed since the form was filled in; nothing was saved."""

    def __init__(self, entry: DailyEntry) -> None:
        super().__init__(f"{entry} was changed meanwhile (now version {entry.version}).")
        self.entry = entry


class Saved(NamedTuple):
    entry: DailyEntry
    changed: bool
    evaluation: rule.Evaluation


@transaction.atomic
def record_entry(
    *,
    patient: Patient,
    day: dt.date,
    values: dict[str, Any],
    version: int | None,
    by: User,
    ip: str | None = None,
    prescriptions: list[Prescription] | None = None,
) -> Saved:
    """Save a diary day, then re-evaluate the patient and raise any new alerts, all in one
    transaction: an entry is never stored without the alerts it calls for.
    `prescriptions`, when the caller has read them, saves reading the plan again."""
    entry, changed = save_entry(patient=patient, day=day, values=values, version=version, by=by)
    if changed:
        audit.record(actor=by, action=AuditAction.SAVE_ENTRY, patient=patient, obj=entry, ip=ip)
    plan = plan_of(prescriptions) if prescriptions is not None else None
    refreshed = refresh_patient(patient, diary_only=True, plan=plan)
    if refreshed.urgent:
        announce_urgent(patient)  # the clinician's email, sent once this commits
    return Saved(entry, changed, refreshed.evaluation)


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
    previous values as an EntryRevision. The same save sent twice (a double click, or a
    phone resending once it is back online) finds nothing to change: not a second edit."""
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
            if existing.values() == _as_stored(existing, values):
                return existing, False  # the same save, sent twice
            raise EntryConflict(existing) from None
        return entry, True

    if entry.values() == _as_stored(entry, values):
        return entry, False  # nothing to change, whichever version the form was from
    if version != entry.version:
        raise EntryConflict(entry)

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


class NothingToAnswer(Exception):
    """No PGIC question is open for this patient now."""


@transaction.atomic
def answer_pgic(*, patient: Patient, value: int, ip: str | None = None) -> PGICAnswer:
    """Record the patient's PGIC for the review point that is open now, once."""
    evaluation = patient.status()
    if not evaluation.asks_pgic:
        raise NothingToAnswer
    try:
        with transaction.atomic():
            answer = PGICAnswer.objects.create(
                patient=patient,
                course=max(evaluation.course, 1),
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
def answer_enrolment(
    *,
    patient: Patient,
    medicines: str,
    takes_opioids: bool,
    pregnancy: str,
    ip: str | None = None,
) -> None:
    """The enrolment questions (SPEC §13). An opioid raises the urgent opioid alert, which
    reaches the clinician by email once this commits; pregnancy shows on the record."""
    patient.medicines = medicines
    patient.takes_opioids = takes_opioids
    patient.pregnancy = pregnancy
    patient.enrolment_answered_on = patient.enrolment_answered_on or patient.diary_today()
    patient.save(update_fields=["medicines", "takes_opioids", "pregnancy", "enrolment_answered_on"])
    audit.record(actor=patient.user, action=AuditAction.ANSWER_ENROLMENT, patient=patient, ip=ip)
    if refresh_patient(patient).urgent:
        announce_urgent(patient)


def stop_advice_due(patient: Patient) -> ClinicalReview | None:
    """A review that stopped LDN whose safety advice the patient has not confirmed reading."""
    return (
        ClinicalReview.objects.filter(patient=patient, outcome="stop", patient_told_at__isnull=True)
        .order_by("-point")
        .first()
    )


@transaction.atomic
def read_stop_advice(*, patient: Patient, ip: str | None = None) -> bool:
    done = ClinicalReview.objects.filter(
        patient=patient, outcome="stop", patient_told_at__isnull=True
    ).update(patient_told_at=timezone.now())
    if done:
        audit.record(
            actor=patient.user, action=AuditAction.READ_STOP_ADVICE, patient=patient, ip=ip
        )
    return bool(done)
