"""The versions of a diary day (issue 23): what each edit changed, who made it and when,
shown to the patient on History and to their clinician on the record. An edit keeps the
version it replaced as an EntryRevision (services/diary.py); this reads them back.

`versions()` works on plain values (a snapshot per version), so it is tested without a
database; `of_entries()` reads the revisions of many days in one query."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .formatting import choice_labels, plain_number

# The fields as the diary form names them, in the form's order.
LABELS = {
    "dose_taken": gettext_lazy("Took LDN"),
    "dose_mg": gettext_lazy("Dose (mg)"),
    "dose_amount": gettext_lazy("Amount measured"),
    "dose_unit": gettext_lazy("Unit"),
    "time_taken": gettext_lazy("Time taken"),
    "sleep_hours": gettext_lazy("Sleep (hours)"),
    "sleep_quality": gettext_lazy("Sleep quality"),
    "dreams": gettext_lazy("Dreams"),
    "nightmare_woke": gettext_lazy("Woke from a nightmare"),
    "headache": gettext_lazy("Headache"),
    "pain": gettext_lazy("Pain"),
    "mood": gettext_lazy("Mood"),
    "fatigue": gettext_lazy("Fatigue"),
    "nausea": gettext_lazy("Nausea"),
    "irritability": gettext_lazy("Irritability"),
    "opioid_taken": gettext_lazy("Took an opioid"),
    "opioid_name": gettext_lazy("Which opioid"),
    "liver_signs": gettext_lazy("Liver warning signs"),
    "note": gettext_lazy("Note"),
}


# The fields whose stored value is a choice (a 0–10 scale's label is its number).
CHOICES = frozenset({"sleep_quality", "dreams", "headache", "nausea", "irritability",
                     "dose_unit"})  # fmt: skip


@dataclass(frozen=True)
class Change:
    field: str  # the field's words ("Pain")
    before: str
    after: str


@dataclass(frozen=True)
class Version:
    number: int
    by: Any  # the User who saved it, or None (an account since deleted)
    at: dt.datetime
    changes: tuple[Change, ...]  # against the version before; () for the first
    current: bool


def _shown(name: str, value: Any) -> str:
    """One stored value in words, as a snapshot holds it (numbers as text, times as HH:MM);
    a choice in the words the diary shows it (formatting.choice_labels)."""
    from .models import DailyEntry

    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in {"dose_mg", "dose_amount", "sleep_hours"}:
        return plain_number(value)
    if name in CHOICES:
        return choice_labels(DailyEntry, name, get_language()).get(value, str(value))
    return str(value)


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[Change, ...]:
    """What differs from `before` to `after` (two snapshots), in the form's order."""
    found = []
    for name, label in LABELS.items():
        old, new = before.get(name), after.get(name)
        if _shown(name, old) != _shown(name, new):
            found.append(Change(str(label), _shown(name, old), _shown(name, new)))
    return tuple(found)


def versions(
    current: Mapping[str, Any],
    current_by: Any,
    current_at: dt.datetime,
    current_number: int,
    earlier: Iterable[tuple[int, Mapping[str, Any], Any, dt.datetime]],
) -> list[Version]:
    """Every version of a day, newest first: the entry as it is now (`current`, saved by
    `current_by` at `current_at`) and the `earlier` ones as (number, snapshot, recorded by,
    recorded at), each with what it changed from the one before."""
    ordered = sorted(earlier, key=lambda v: v[0])
    snapshots = [(n, data, by, at) for n, data, by, at in ordered]
    snapshots.append((current_number, current, current_by, current_at))
    out = []
    for i, (number, data, by, at) in enumerate(snapshots):
        made = changes(snapshots[i - 1][1], data) if i else ()
        out.append(Version(number, by, at, made, current=i == len(snapshots) - 1))
    return out[::-1]


def of_days(patient: Any, days: Iterable[Any]) -> dict[dt.date, list[Version]]:
    """The versions of each of `patient`'s `days` (`Day`s) changed at least once, by date:
    one query for all of them, read from the patient (SPEC §15); none when none was."""
    from .models import EntryRevision

    changed = [d.date for d in days if d.version > 1]
    if not changed:
        return {}
    first, last = min(changed), max(changed)

    rows = (
        EntryRevision.objects.filter(
            entry__patient=patient,
            entry__date__gte=first,
            entry__date__lte=last,
            entry__version__gt=1,
        )
        .select_related("entry__updated_by", "recorded_by")
        .order_by("entry__date", "version")
    )
    earlier: dict[dt.date, list[tuple[int, Any, Any, dt.datetime]]] = defaultdict(list)
    entries: dict[dt.date, Any] = {}
    for r in rows:
        entries[r.entry.date] = r.entry
        earlier[r.entry.date].append((r.version, r.data, r.recorded_by, r.recorded_at))
    return {
        day: versions(e.snapshot(), e.updated_by, e.updated_at, e.version, earlier[day])
        for day, e in entries.items()
    }
