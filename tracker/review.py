"""The response rule of SPEC §4 as pure functions over plain values: no database inside, so
views, commands and exports share it and tests can cover every edge cheaply."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

# (date, mg) of a day whose entry says the dose was taken, oldest first.
type DoseDay = tuple[dt.date, Decimal]


def day_one(doses: Sequence[DoseDay]) -> dt.date | None:
    """Day 1 is the first diary date with a dose taken; None means pre-treatment."""
    return doses[0][0] if doses else None


def day_number(first: dt.date, day: dt.date) -> int:
    return (day - first).days + 1


def week_number(first: dt.date, day: dt.date) -> int:
    return (day - first).days // 7 + 1


def last_dose_change(doses: Sequence[DoseDay], until: dt.date | None = None) -> dt.date | None:
    """The date the current dose started: the latest taken day whose mg differs from the
    previous taken day's, or day 1 when the dose never changed. Only days up to `until`."""
    change: dt.date | None = None
    previous: Decimal | None = None
    for day, mg in doses:
        if until is not None and day > until:
            break
        if previous is None or mg != previous:
            change = day
        previous = mg
    return change


def days_on_current_dose(doses: Sequence[DoseDay], today: dt.date) -> int | None:
    change = last_dose_change(doses, until=today)
    return None if change is None else (today - change).days + 1


def current_dose(doses: Sequence[DoseDay], today: dt.date) -> Decimal | None:
    taken = [mg for day, mg in doses if day <= today]
    return taken[-1] if taken else None


@dataclass(frozen=True)
class TreatmentProgress:
    """Where a patient stands in treatment today, as shown on the Today page."""

    day_one: dt.date | None
    day: int | None
    week: int | None
    dose_mg: Decimal | None
    days_on_dose: int | None

    @property
    def started(self) -> bool:
        return self.day_one is not None


def progress(doses: Sequence[DoseDay], today: dt.date) -> TreatmentProgress:
    first = day_one([d for d in doses if d[0] <= today])
    if first is None:
        return TreatmentProgress(None, None, None, None, None)
    return TreatmentProgress(
        day_one=first,
        day=day_number(first, today),
        week=week_number(first, today),
        dose_mg=current_dose(doses, today),
        days_on_dose=days_on_current_dose(doses, today),
    )
