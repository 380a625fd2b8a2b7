"""What the rules read of a diary day, and the facts about days that several rules share:
which days a dose was taken, when the dose or its timing changed, which days show a sleep
disturbance. Pure: nothing here imports Django, so every rule can be tested without it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

# (date, mg) of a day whose entry says the dose was taken, oldest first.
type DoseDay = tuple[dt.date, Decimal]

DISTURBING_DREAMS = frozenset({"vivid", "nightmares"})
POOR_SLEEP_QUALITY = 2  # "poor" or "very poor" (SPEC §5)
MORNING_FROM, BEDTIME_FROM = dt.time(4, 0), dt.time(18, 0)


@dataclass(frozen=True)
class Day:
    """What the rules, the alerts and the charts need of one diary entry."""

    date: dt.date
    dose_taken: bool
    dose_mg: Decimal | None
    pain: int | None = None
    mood: int | None = None
    fatigue: int | None = None
    headache: int = 0
    sleep_quality: int = 3
    dreams: str = "none"
    opioid_taken: bool = False
    opioid_name: str = ""
    liver_signs: bool = False
    time_taken: dt.time | None = None
    sleep_hours: Decimal | None = None
    nausea: int | None = None
    irritability: int | None = None
    nightmare_woke: bool = False
    note: str = ""  # for the pages that list the diary (the rules never read it)
    # What was measured (SPEC §3a): 1.5 mL, 2 drops. The rules read only `dose_mg`.
    dose_amount: Decimal | None = None
    dose_unit: str = ""
    version: int = 1  # above 1: changed after it was logged (its versions are shown)

    FIELDS = (
        "date", "dose_taken", "dose_mg", "pain", "mood", "fatigue", "headache",
        "sleep_quality", "dreams", "opioid_taken", "opioid_name", "liver_signs",
        "time_taken", "sleep_hours", "nausea", "irritability", "nightmare_woke", "note",
        "dose_amount", "dose_unit", "version",
    )  # fmt: skip

    @property
    def vivid_dreams(self) -> bool:
        """Vivid dreams or nightmares: the sleep effect LDN is known for."""
        return self.dreams in DISTURBING_DREAMS

    @property
    def sleep_disturbed(self) -> bool:
        """Vivid dreams, nightmares, or poor sleep (SPEC §5's sleep side effect)."""
        return self.vivid_dreams or self.sleep_quality <= POOR_SLEEP_QUALITY


def dose_days(days: Iterable[Day], until: dt.date | None = None) -> list[DoseDay]:
    """The days a dose was taken, with its mg, oldest first (up to `until` if given)."""
    return [
        (d.date, d.dose_mg)
        for d in days
        if d.dose_taken and d.dose_mg is not None and (until is None or d.date <= until)
    ]


def changes(values: Sequence[tuple[dt.date, object]]) -> list[dt.date]:
    """The dates whose value differs from the previous one's: for (date, mg) pairs, the dose
    changes; for (date, timing) pairs, the timing changes. The first date is not a change."""
    found, previous = [], None
    for index, (day, value) in enumerate(values):
        if index and value != previous:
            found.append(day)
        previous = value
    return found


def current_since(
    values: Sequence[tuple[dt.date, object]], until: dt.date | None = None
) -> dt.date | None:
    """The date the current value started: the last change up to `until`, or the first date
    when it never changed; None when there is no date at all."""
    kept = [(day, value) for day, value in values if until is None or day <= until]
    if not kept:
        return None
    moved = changes(kept)
    return moved[-1] if moved else kept[0][0]


def timing(time: dt.time | None) -> str | None:
    """When a dose was taken (SPEC §5): "bedtime" 18:00–03:59, "morning" 04:00–17:59."""
    if time is None:
        return None
    return "morning" if MORNING_FROM <= time < BEDTIME_FROM else "bedtime"


def timing_days(days: Iterable[Day], until: dt.date | None = None) -> list[tuple[dt.date, str]]:
    """(date, timing) of each day a dose was taken at a known time, oldest first."""
    out = []
    for d in days:
        when = timing(d.time_taken) if d.dose_taken else None
        if when is not None and (until is None or d.date <= until):
            out.append((d.date, when))
    return out
