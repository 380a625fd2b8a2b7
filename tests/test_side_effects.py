"""Side effects, expected or persistent (SPEC §5), table-tested at the edges, no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tracker.alerts.explain import text
from tracker.alerts.rule import Kind, Priority, signals
from tracker.response.days import Day
from tracker.response.side_effects import Effect, State, persistent_runs, status

from .rules import evaluate

TODAY = dt.date(2026, 6, 30)
BEDTIME, MORNING = dt.time(22, 0), dt.time(8, 0)


def diary(
    *,
    dose_days: int = 40,
    effect_days: set[int] | frozenset[int] = frozenset(),
    effect: dict[str, object] | None = None,
    change_on: int | None = None,
    change: dict[str, object] | None = None,
    skipped: set[int] | frozenset[int] = frozenset(),
    missed: set[int] | frozenset[int] = frozenset(),
) -> list[Day]:
    """`dose_days` days of diary ending TODAY (day offset 0 = TODAY, 1 = yesterday…), a dose
    of 1.5 mg at bedtime each day; the side effect on `effect_days`; from `change_on` days
    ago on, the values of `change` (a new dose or time); `skipped` days have no entry."""
    effect = effect or {"dreams": "vivid"}
    out = []
    for ago in range(dose_days - 1, -1, -1):
        if ago in skipped:
            continue
        values: dict[str, object] = {"pain": 5, "mood": 5, "time_taken": BEDTIME}
        mg = Decimal("1.5")
        if change_on is not None and ago <= change_on:
            values |= {k: v for k, v in (change or {}).items() if k != "dose_mg"}
            mg = Decimal(str((change or {}).get("dose_mg", "1.5")))
        if ago in effect_days:
            values |= effect
        taken = ago not in missed
        out.append(Day(TODAY - dt.timedelta(days=ago), taken, mg if taken else None, **values))  # type: ignore[arg-type]
    return out


def state(days: list[Day], effect: Effect = Effect.SLEEP):  # type: ignore[no-untyped-def]
    return status(days, effect, TODAY).state


LAST = frozenset(range(14))  # the 14 days ending today


@pytest.mark.parametrize(
    ("name", "days", "effect", "expected"),
    [
        ("10 of 14 days on a settled dose", diary(effect_days=set(range(10))), Effect.SLEEP, State.PERSISTENT),
        ("9 of 14 days", diary(effect_days=set(range(9))), Effect.SLEEP, State.OCCASIONAL),
        ("10 days, not today: still persistent", diary(effect_days=set(range(1, 11))), Effect.SLEEP, State.PERSISTENT),
        ("10 days but one of them 14 days ago", diary(effect_days=set(range(4)) | set(range(9, 15))), Effect.SLEEP, State.OCCASIONAL),
        ("a day with no entry does not count", diary(effect_days=set(range(10)), skipped={3}), Effect.SLEEP, State.OCCASIONAL),
        ("day 14 on the dose: settled", diary(dose_days=14, effect_days=set(LAST)), Effect.SLEEP, State.PERSISTENT),
        ("day 13 on the dose: expected", diary(dose_days=13, effect_days=set(range(13))), Effect.SLEEP, State.EXPECTED),
        ("a dose change 13 days ago: expected again",
         diary(effect_days=set(LAST), change_on=12, change={"dose_mg": "3.0"}), Effect.SLEEP, State.EXPECTED),
        ("a dose change 14 days ago: settled",
         diary(effect_days=set(LAST), change_on=13, change={"dose_mg": "3.0"}), Effect.SLEEP, State.PERSISTENT),
        ("a move to the morning 5 days ago: expected",
         diary(effect_days=set(LAST), change_on=4, change={"time_taken": MORNING}), Effect.SLEEP, State.EXPECTED),
        ("an evening dose at 18:00 is still bedtime",
         diary(effect_days=set(LAST), change_on=4, change={"time_taken": dt.time(18, 0)}), Effect.SLEEP, State.PERSISTENT),
        ("a 04:00 dose is the morning",
         diary(effect_days=set(LAST), change_on=4, change={"time_taken": dt.time(4, 0)}), Effect.SLEEP, State.EXPECTED),
        ("missed doses neither reset nor pause the count",
         diary(dose_days=14, effect_days=set(LAST), missed={3, 4, 5}), Effect.SLEEP, State.PERSISTENT),
        ("poor sleep quality counts as the sleep effect",
         diary(effect_days=set(range(10)), effect={"sleep_quality": 2}), Effect.SLEEP, State.PERSISTENT),
        ("fair sleep does not", diary(effect_days=set(range(10)), effect={"sleep_quality": 3}), Effect.SLEEP, None),
        ("moderate headache", diary(effect_days=set(range(10)), effect={"headache": 2}), Effect.HEADACHE, State.PERSISTENT),
        ("mild headache is not the effect", diary(effect_days=set(range(10)), effect={"headache": 1}), Effect.HEADACHE, None),
        ("moderate nausea", diary(effect_days=set(range(10)), effect={"nausea": 2}), Effect.GI, State.PERSISTENT),
        ("fatigue 7", diary(effect_days=set(range(10)), effect={"fatigue": 7}), Effect.FATIGUE, State.PERSISTENT),
        ("fatigue 6 is not", diary(effect_days=set(range(10)), effect={"fatigue": 6}), Effect.FATIGUE, None),
        ("irritability 2", diary(effect_days=set(range(10)), effect={"irritability": 2}), Effect.FATIGUE, State.PERSISTENT),
        ("present today, early on", diary(dose_days=3, effect_days={0}), Effect.SLEEP, State.EXPECTED),
        ("absent today and under 10 days", diary(effect_days={3, 4}), Effect.SLEEP, None),
    ],
)  # fmt: skip
def test_each_day_is_expected_or_persistent(name, days, effect, expected):
    assert state(days, effect) == expected, name


def test_there_are_at_least_20_cases():
    assert len(test_each_day_is_expected_or_persistent.pytestmark[0].args[1]) >= 20


def test_a_persistent_effect_raises_one_normal_alert_with_its_suggestion():
    days = diary(effect_days=set(range(12)))
    found = [s for s in signals(days, evaluate(days, today=TODAY), TODAY) if s.kind == Kind.SLEEP]
    assert [(s.kind, s.priority, s.on) for s in found] == [
        (Kind.SLEEP, Priority.NORMAL, TODAY - dt.timedelta(days=2))
    ]
    assert "Try taking the dose in the morning" in text(found[0].kind, found[0].on, found[0].params)


def test_a_patient_already_dosing_in_the_morning_is_not_told_to_move_to_the_morning():
    days = diary(
        dose_days=60, effect_days=set(range(14)), change_on=30, change={"time_taken": MORNING}
    )
    ((effect, start, _last, timing),) = persistent_runs(days, TODAY)
    assert (effect, timing) == (Effect.SLEEP, "morning")
    words = text(Kind.SLEEP, start, {"timing": timing})
    assert "already taken in the morning" in words and "Try taking" not in words


def test_each_kind_has_its_suggestion():
    for kind, effect, words in [
        (Kind.HEADACHE, {"headache": 3}, "titrate more slowly"),
        (Kind.GI, {"nausea": 3}, "with food"),
        (Kind.FATIGUE, {"fatigue": 9}, "Discuss with the clinician"),
    ]:
        days = diary(
            effect_days=set(range(12)),
            effect=effect | ({"headache": 2} if kind == Kind.HEADACHE else {}),
        )
        found = [s for s in signals(days, evaluate(days, today=TODAY), TODAY) if s.kind == kind]
        assert found, kind
        assert words in text(found[0].kind, found[0].on, found[0].params)


def test_an_effect_answered_by_a_change_is_watched_again_from_the_change():
    """Persistent, then the dose moved to the morning: a new alert only once the new
    timing has settled and the effect has held for 10 of 14 days again."""
    days = diary(
        dose_days=90, effect_days=set(range(60)), change_on=40, change={"time_taken": MORNING}
    )
    runs = [(effect, start) for effect, start, _last, _ in persistent_runs(days, TODAY)]
    assert runs == [
        (Effect.SLEEP, TODAY - dt.timedelta(days=50)),  # the 10th day of the effect, settled
        (Effect.SLEEP, TODAY - dt.timedelta(days=27)),  # 14 days after the move
    ]


def test_a_severe_headache_run_stays_urgent_whatever_the_days_on_dose():
    days = diary(dose_days=3, effect_days={0, 1, 2}, effect={"headache": 3})
    found = signals(days, evaluate(days, today=TODAY), TODAY)
    assert (Kind.HEADACHE_RUN, Priority.URGENT) in [(s.kind, s.priority) for s in found]
    assert Kind.HEADACHE not in [
        s.kind for s in found
    ]  # 3 days on a dose: expected, not persistent


# Through the client: what Ada is told when she logs a side effect (SPEC §5).


@pytest.fixture
def new_dose(patient):
    """Ada three days into a new dose: nothing is settled yet."""
    from tracker.models import Prescription

    Prescription.objects.filter(patient=patient).update(
        start_date=patient.diary_today() - dt.timedelta(days=2)
    )
    return patient


@pytest.mark.parametrize("htmx", [True, False])
def test_an_early_side_effect_is_called_common_and_fading_when_saved(
    patient_client, new_dose, htmx
):
    from .factories import valid_form_data

    day = new_dose.diary_today()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = patient_client.post(
        "/diary/", valid_form_data(day, dreams="vivid"), follow=not htmx, **headers
    )
    page = response.content.decode()
    assert "Saved for" in page
    assert "Vivid dreams and poor sleep are common early on a dose and usually fade." in page


def test_no_side_effect_no_reassurance(patient_client, new_dose):
    from .factories import valid_form_data

    day = new_dose.diary_today()
    page = patient_client.post("/diary/", valid_form_data(day), follow=True).content.decode()
    assert "Saved for" in page and "usually fade" not in page
