"""Writes that touch several rows, each in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from . import alerts, review
from .models import Alert, DailyEntry, EntryRevision, Patient, PGICAnswer, User


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
    *, patient: Patient, day: dt.date, values: dict[str, Any], version: int | None, by: User
) -> Saved:
    """Save a diary day, then re-evaluate the patient and raise any new alerts, all in one
    transaction: an entry is never stored without the alerts it calls for."""
    entry, changed = save_entry(patient=patient, day=day, values=values, version=version, by=by)
    evaluation = refresh_alerts(patient)
    return Saved(entry, changed, evaluation)


@transaction.atomic(savepoint=False)
def refresh_alerts(patient: Patient, today: dt.date | None = None) -> review.Evaluation:
    """Store the alerts the diary calls for that are not stored yet; returns the evaluation
    they were computed from. Safe to repeat: an alert is unique per kind and episode."""
    today = today or patient.diary_today()
    days = DailyEntry.objects.for_patient(patient).days()
    evaluation = patient.evaluate(days=days, today=today)
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
def answer_pgic(*, patient: Patient, value: int) -> PGICAnswer:
    """Record the patient's PGIC for the review point that is open now, once."""
    evaluation = patient.evaluate()
    if not evaluation.asks_pgic:
        raise NothingToAnswer
    try:
        with transaction.atomic():
            return PGICAnswer.objects.create(
                patient=patient,
                review_point=evaluation.review_point,
                value=value,
                answered_on=evaluation.today,
            )
    except IntegrityError:
        raise NothingToAnswer from None


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
