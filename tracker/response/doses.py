"""The dose as the patient measures it (SPEC §3a), the titration plan and the supply, as
pure functions in exact decimals: no Django, no database, no clock. The words people read
about them are in `tracker/dosing.py`.

A prescription names a form and its strength: mg per capsule, per mL, per drop or per
click. The patient logs what they measured (capsules, mL in steps of 0.1, drops, clicks)
and the product stores the amount, its unit and the mg it makes (to 0.01 mg)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

DOSE_MIN, DOSE_MAX = Decimal("0.1"), Decimal("12.0")
MG_STEP = Decimal("0.01")
# How far ahead a run-out date is looked for: beyond it the supply lasts "more than a year".
RUN_OUT_HORIZON = 366
MAX_STEPS = 24


class Unit(StrEnum):
    CAPSULE = "capsule"
    ML = "ml"
    DROP = "drop"
    CLICK = "click"
    MG = "mg"


# What one step of each unit is: whole capsules, drops and clicks; mL as an oral syringe
# measures it; mg to 0.01.
STEP = {
    Unit.CAPSULE: Decimal(1),
    Unit.DROP: Decimal(1),
    Unit.CLICK: Decimal(1),
    Unit.ML: Decimal("0.1"),
    Unit.MG: MG_STEP,
}


def plain(number: Decimal | float | int | None) -> str:
    """7.50 → "7.5", 4.0 → "4", 10.00 → "10", None → "": how people write doses and hours."""
    if number is None or number == "":
        return ""
    text = f"{Decimal(str(number)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def to_mg(amount: Decimal, strength: Decimal) -> Decimal:
    """The mg a measured amount makes, to 0.01 mg (half up): 1.5 mL of 0.5 mg/mL → 0.75."""
    return (amount * strength).quantize(MG_STEP, rounding=ROUND_HALF_UP)


def to_amount(mg: Decimal, strength: Decimal, unit: str) -> Decimal | None:
    """The measured amount that makes exactly `mg`, or None when no whole step of the unit
    does (3 mg of 2 mg capsules)."""
    if strength <= 0:
        return None
    amount = mg / strength
    step = STEP[Unit(unit)]
    if amount % step != 0 or to_mg(amount, strength) != mg:
        return None
    return amount.quantize(step) if step < 1 else amount.quantize(Decimal(1))


# The titration plan ---------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    start: dt.date
    mg: Decimal


def schedule(
    first: dt.date,
    start_mg: Decimal,
    step_mg: Decimal,
    interval: int,
    target_mg: Decimal,
    doses: Sequence[Decimal] = (),
) -> list[Step]:
    """The dated steps of a schedule: `start_mg` from `first`, then `step_mg` more every
    `interval` days until `target_mg` (the last step is the target, never beyond it)."""
    if not doses:
        sequence: list[Decimal] = []
        mg = start_mg
        while mg < target_mg and len(sequence) < MAX_STEPS - 1 and step_mg > 0:
            sequence.append(mg)
            mg += step_mg
        doses = [*sequence, target_mg]
    return [Step(first + dt.timedelta(days=interval * i), mg) for i, mg in enumerate(doses)][
        :MAX_STEPS
    ]


def step_in_force(plan: Sequence[Step], day: dt.date) -> Step | None:
    """The latest step started by `day` (`plan` sorted by start)."""
    found = None
    for step in plan:
        if step.start <= day:
            found = step
        else:
            break
    return found


def held(plan: Sequence[Step], today: dt.date, days: int) -> list[Step]:
    """The plan after holding the current dose `days` days longer: every step still to come
    (after today) starts `days` later; what has started stays."""
    shift = dt.timedelta(days=days)
    return [Step(s.start + shift, s.mg) if s.start > today else s for s in plan]


def off_plan_runs(
    taken: Iterable[tuple[dt.date, Decimal]], plan: Sequence[Step], least: int = 3
) -> list[tuple[dt.date, dt.date, Decimal, Decimal]]:
    """Runs of ≥ `least` consecutive days whose taken dose differs from the plan's step in
    force: (first day, last day, planned mg, taken mg on the last day). Days before the
    plan's first step have nothing to differ from."""
    found: list[tuple[dt.date, dt.date, Decimal, Decimal]] = []
    run: list[tuple[dt.date, Decimal, Decimal]] = []

    def close() -> None:
        if len(run) >= least:
            found.append((run[0][0], run[-1][0], run[-1][1], run[-1][2]))

    for day, mg in sorted(taken):
        step = step_in_force(plan, day)
        off = step is not None and mg != step.mg
        if off and run and (day - run[-1][0]).days == 1:
            run.append((day, step.mg, mg))  # type: ignore[union-attr]
        else:
            close()
            run = [(day, step.mg, mg)] if off else []  # type: ignore[union-attr]
    close()
    return found


# Supply ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Supply:
    left_mg: Decimal  # what is left at the end of today's dose
    runs_out: dt.date | None  # the first day whose dose the supply cannot cover; None: > horizon


def run_out(
    dispensed: Iterable[tuple[dt.date, Decimal]],
    logged: dict[dt.date, Decimal | None],
    plan: Sequence[Step],
    today: dt.date,
) -> Supply | None:
    """When the medicine runs out, in mg: everything dispensed, less every dose since the
    first dispensing (the logged dose where the day is logged, a missed dose using nothing;
    the plan's step where it is not), then the plan's steps from the first day not logged
    yet. The run-out day is the first day whose dose the supply cannot cover. None without
    a dispensing or a plan."""
    supplies: dict[dt.date, Decimal] = {}
    for on, mg in dispensed:
        supplies[on] = supplies.get(on, Decimal(0)) + mg
    if not supplies or not plan:
        return None
    stock, left = Decimal(0), None
    day = min(supplies)
    end = today + dt.timedelta(days=RUN_OUT_HORIZON)
    while day <= end:
        stock += supplies.get(day, Decimal(0))
        future = day > today or day not in logged
        if day in logged and not future:
            need = logged[day] or Decimal(0)
        else:
            step = step_in_force(plan, day)
            need = step.mg if step is not None else Decimal(0)
        if future and day >= today and need > stock:
            return Supply(stock if left is None else left, day)
        stock = max(stock - need, Decimal(0))
        if day == today:
            left = stock
        day += dt.timedelta(days=1)
    return Supply(stock if left is None else left, None)
