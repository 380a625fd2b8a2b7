"""Writes that touch several rows, each in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import DailyEntry, EntryRevision, Patient, User


class EntryConflict(Exception):
    """The entry changed since the form was filled in; nothing was saved."""

    def __init__(self, entry: DailyEntry) -> None:
        super().__init__(f"{entry} was changed meanwhile (now version {entry.version}).")
        self.entry = entry


@transaction.atomic
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
