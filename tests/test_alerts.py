"""The alerts of SPEC §5 at their edges, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tracker.alerts.explain import text
from tracker.alerts.rule import Kind, Priority, signals
from tracker.response.days import Day

from .rules import evaluate

TODAY = dt.date(2026, 3, 1)


def day(offset: int, **values) -> Day:
    """A day `offset` days before TODAY, an ordinary one unless told otherwise."""
    fields = {"pain": 5, "mood": 5, "dose_taken": True, "dose_mg": Decimal("1.5")} | values
    return Day(TODAY - dt.timedelta(days=offset), **fields)


def run(days: list[Day]):
    days = sorted(days, key=lambda d: d.date)
    return signals(days, evaluate(days, today=TODAY), TODAY)


def kinds(days: list[Day]) -> list[Kind]:
    return [s.kind for s in run(days)]


def recent(n: int = 10, **values) -> list[Day]:
    return [day(i, **values) for i in range(n)]


def test_an_ordinary_diary_raises_nothing():
    assert kinds(recent()) == []


def test_any_opioid_is_urgent_with_its_name():
    found = run([*recent(9), day(9, opioid_taken=True, opioid_name="tramadol")])
    assert [(s.kind, s.priority) for s in found] == [(Kind.OPIOID, Priority.URGENT)]
    assert "tramadol" in text(found[0].kind, found[0].on, found[0].params)


def test_liver_signs_are_urgent():
    assert kinds([*recent(9), day(9, liver_signs=True)]) == [Kind.LIVER]


def test_three_severe_headache_days_in_a_row_are_urgent():
    days = {i: day(i) for i in range(10)} | {i: day(i, headache=3) for i in (3, 4, 5)}
    found = run(list(days.values()))
    assert [s.kind for s in found] == [Kind.HEADACHE_RUN]
    assert found[0].on == TODAY - dt.timedelta(days=5)


def test_two_severe_days_or_a_broken_run_raise_nothing():
    days = {i: day(i) for i in range(10)} | {i: day(i, headache=3) for i in (1, 2, 4, 5)}
    assert kinds(list(days.values())) == []


def test_ten_bad_nights_in_fourteen_days_suggest_morning_dosing():
    days = {i: day(i) for i in range(14)}
    days |= {i: day(i, dreams="vivid") for i in range(5)}
    days |= {i: day(i, sleep_quality=2) for i in range(5, 10)}
    found = run(list(days.values()))
    assert [(s.kind, s.priority) for s in found] == [(Kind.SLEEP, Priority.NORMAL)]
    assert "morning" in text(found[0].kind, found[0].on, found[0].params)


def test_nine_bad_nights_in_fourteen_days_raise_nothing():
    days = {i: day(i) for i in range(14)} | {i: day(i, dreams="nightmares") for i in range(9)}
    assert kinds(list(days.values())) == []


def test_three_whole_days_without_an_entry_is_not_logging():
    found = run([day(i) for i in range(4, 12)])
    assert [s.kind for s in found] == [Kind.NOT_LOGGING]
    assert found[0].on == TODAY - dt.timedelta(days=3)
    assert found[0].until == TODAY - dt.timedelta(days=1)


def test_today_is_not_over_so_it_does_not_count_as_a_day_without_an_entry():
    assert kinds([day(i) for i in range(3, 12)]) == []


def test_two_days_without_an_entry_is_fine():
    assert kinds([day(i) for i in range(2, 12)]) == []


def test_a_past_gap_of_three_days_is_kept_as_an_alert():
    days = [day(i) for i in range(0, 5)] + [day(i) for i in range(8, 14)]
    assert kinds(days) == [Kind.NOT_LOGGING]


def test_a_due_review_raises_a_high_alert_with_the_verdict():
    start = TODAY - dt.timedelta(days=41)
    days = [Day(start - dt.timedelta(days=n), False, None, pain=6) for n in range(1, 8)]
    days += [Day(start + dt.timedelta(days=n), True, Decimal("4.5"), pain=6) for n in range(42)]
    found = run(days)
    assert [(s.kind, s.priority) for s in found] == [(Kind.REVIEW, Priority.HIGH)]
    assert "no response" in text(found[0].kind, found[0].on, found[0].params)
    assert found[0].on == TODAY


def test_urgent_alerts_sort_first():
    found = run([day(i) for i in range(4, 14)] + [day(14, liver_signs=True)])
    assert [s.priority for s in found] == [Priority.URGENT, Priority.NORMAL]


def test_computing_twice_gives_the_same_alerts():
    days = [*recent(9), day(9, opioid_taken=True)]
    assert run(days) == run(days)
