"""The dose as measured, the titration plan and the supply (SPEC §3a) as pure rules, at
their edges, in exact decimals, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from tracker.alerts.rule import Kind, signals
from tracker.response.days import Day
from tracker.response.doses import (
    Step,
    held,
    off_plan_runs,
    run_out,
    schedule,
    step_in_force,
    to_amount,
    to_mg,
)

from .rules import evaluate

MON = dt.date(2026, 1, 5)


def day(n: int) -> dt.date:
    return MON + dt.timedelta(days=n)


# --- Conversion ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "strength", "mg"),
    [
        ("1.5", "0.5", "0.75"),  # the example: stored as 0.75, exactly
        ("3", "1", "3.00"),
        ("0.1", "1", "0.10"),
        ("12", "1", "12.00"),
        ("2", "0.5", "1.00"),  # 2 drops of 0.5 mg
        ("3", "1.5", "4.50"),  # 3 capsules of 1.5 mg
        ("0.1", "0.33", "0.03"),  # 0.033 rounds half up to 2 places
        ("0.5", "0.25", "0.13"),  # 0.125 → 0.13 (half up, not banker's 0.12)
    ],
)
def test_a_measured_amount_makes_exact_mg(amount, strength, mg):
    made = to_mg(D(amount), D(strength))
    assert made == D(mg)
    assert str(made) == mg  # two places, as the database stores it


@pytest.mark.parametrize(
    ("mg", "strength", "unit", "amount"),
    [
        ("3", "1", "ml", D("3.0")),
        ("0.75", "0.5", "ml", D("1.5")),
        ("4.5", "1.5", "capsule", D("3")),
        ("3", "2", "capsule", None),  # 1.5 capsules: not a dose anyone can take
        ("1.5", "0.5", "drop", D("3")),
        ("0.75", "0.5", "drop", None),
        ("0.75", "1", "ml", None),  # 0.75 mL: an oral syringe measures 0.1 mL steps
        ("0.75", "1", "mg", D("0.75")),
    ],
)
def test_the_amount_that_makes_a_dose_is_whole_steps_of_the_unit(mg, strength, unit, amount):
    assert to_amount(D(mg), D(strength), unit) == amount


# --- The plan ----------------------------------------------------------------------------


def test_the_half_milligram_preset_climbs_weekly_to_its_target():
    steps = schedule(MON, D("0.5"), D("0.5"), 7, D("4.5"))
    assert [s.mg for s in steps] == [D("0.5") * n for n in range(1, 10)]
    assert [s.start for s in steps] == [day(7 * n) for n in range(9)]


def test_an_uneven_schedule_keeps_its_doses_and_the_target_is_never_passed():
    steps = schedule(MON, D(1), D(1), 14, D("4.5"), (D(1), D(2), D(3), D("4.5")))
    assert [(s.start, s.mg) for s in steps] == [
        (day(0), D(1)), (day(14), D(2)), (day(28), D(3)), (day(42), D("4.5")),
    ]  # fmt: skip
    custom = schedule(MON, D(1), D("1.5"), 10, D("4.5"))
    assert [s.mg for s in custom] == [D(1), D("2.5"), D(4), D("4.5")]
    assert schedule(MON, D("4.5"), D("0.5"), 7, D("4.5")) == [Step(MON, D("4.5"))]


def test_a_hold_moves_every_step_still_to_come_and_nothing_that_started():
    plan = schedule(MON, D("0.5"), D("0.5"), 7, D("2"))  # 5, 12, 19 Jan …
    today = day(9)
    moved = held(plan, today, 7)
    assert moved[:2] == plan[:2]  # started: the 0.5 and the 1 mg of today
    assert [s.start for s in moved[2:]] == [s.start + dt.timedelta(days=7) for s in plan[2:]]
    assert step_in_force(moved, day(14)).mg == D(1)  # still on 1 mg a week longer
    assert step_in_force(moved, day(21)).mg == D("1.5")
    # A step that starts tomorrow moves too; one that starts today does not.
    assert held(plan, day(6), 3)[1].start == day(10)
    assert held(plan, day(7), 3)[1].start == day(7)


def test_a_dose_off_the_plan_three_days_running_is_a_run_and_two_are_not():
    plan = [Step(day(0), D(1)), Step(day(10), D(2))]
    taken = {day(n): D(1) for n in range(10)} | {day(n): D(2) for n in range(10, 20)}
    assert off_plan_runs(taken.items(), plan) == []
    two = taken | {day(3): D("1.5"), day(4): D("1.5")}
    assert off_plan_runs(two.items(), plan) == []
    three = two | {day(5): D("1.5")}
    assert off_plan_runs(three.items(), plan) == [(day(3), day(5), D(1), D("1.5"))]
    # A missed day (no dose taken) breaks the run; the days before the plan are not judged.
    gap = {k: v for k, v in three.items() if k != day(4)}
    assert off_plan_runs(gap.items(), plan) == []
    early = {day(-5) + dt.timedelta(days=n): D(3) for n in range(5)}
    assert off_plan_runs(early.items(), plan) == []
    # Staying on the old dose after the step is off the plan too (1 mg where 2 is planned).
    stayed = taken | {day(n): D(1) for n in range(10, 13)}
    assert off_plan_runs(stayed.items(), plan) == [(day(10), day(12), D(2), D(1))]


def test_not_following_the_plan_is_a_normal_alert_per_run_inside_a_course():
    plan = [Step(day(0), D(1))]
    days = [Day(day(n), True, D("1.5") if 2 <= n <= 5 else D(1), pain=5) for n in range(10)]
    ev = evaluate(days, today=day(9))
    found = [s for s in signals(days, ev, day(9), plan=plan) if s.kind == Kind.OFF_PLAN]
    assert [(s.on, s.until, s.params) for s in found] == [
        (day(2), day(5), {"days": 4, "planned": "1", "taken": "1.5"})
    ]
    assert found[0].priority.name == "NORMAL"
    assert not [s for s in signals(days, ev, day(9)) if s.kind == Kind.OFF_PLAN]


# --- Supply ------------------------------------------------------------------------------


def test_a_bottle_runs_out_on_the_first_day_it_cannot_cover():
    plan = [Step(day(0), D(1))]
    # 30 mL of 1 mg/mL on day 0, nothing logged yet: days 0-29 are covered, day 30 is not.
    supply = run_out([(day(0), D(30))], {}, plan, day(0))
    assert supply.runs_out == day(30)
    assert supply.left_mg == D(29)
    # Halfway, with every dose logged as planned: the same day, 15 mg left after today's.
    logged = {day(n): D(1) for n in range(15)}
    assert run_out([(day(0), D(30))], logged, plan, day(14)) == run_out(
        [(day(0), D(30))], {}, plan, day(14)
    )
    assert run_out([(day(0), D(30))], logged, plan, day(14)).left_mg == D(15)


def test_missed_doses_last_longer_and_unlogged_days_count_as_taken():
    plan = [Step(day(0), D(1))]
    missed = {day(n): (None if n in (3, 4, 5) else D(1)) for n in range(10)}
    assert run_out([(day(0), D(30))], missed, plan, day(9)).runs_out == day(33)
    # Days not logged at all are assumed taken as planned: no later than the plan says.
    assert run_out([(day(0), D(30))], {}, plan, day(9)).runs_out == day(30)


def test_a_step_up_runs_out_sooner_and_a_new_bottle_later():
    up = [Step(day(0), D(1)), Step(day(10), D(2))]
    # 10 days at 1 mg (10), then 2 mg a day: 20 mg last 10 more days.
    assert run_out([(day(0), D(30))], {}, up, day(0)).runs_out == day(20)
    bottles = [(day(0), D(30)), (day(15), D(30))]
    assert run_out(bottles, {}, up, day(16)).runs_out == day(35)
    # The dose taken, not the plan, is what was used: 1 mg logged after the step.
    stayed = {day(n): D(1) for n in range(20)}
    assert run_out([(day(0), D(30))], stayed, up, day(19)).runs_out == day(25)


def test_nothing_to_estimate_without_a_supply_or_a_plan_and_far_runs_are_capped():
    assert run_out([], {}, [Step(day(0), D(1))], day(0)) is None
    assert run_out([(day(0), D(30))], {}, [], day(0)) is None
    lasting = run_out([(day(0), D(1000))], {}, [Step(day(0), D("0.5"))], day(0))
    assert lasting.runs_out is None
    assert lasting.left_mg == D("999.5")
