"""Treatment courses (SPEC §4) at their edges, without a database: a stop by review or by
the patient, a lapse after 21 days without a dose (missed, or unlogged and answered), a
pause from 7 missed days, a restart as a new course with its own day 1 and baseline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tracker.alerts.rule import Kind, signals
from tracker.response import courses, side_effects
from tracker.response.courses import End, Stop
from tracker.response.days import Day
from tracker.response.rule import Phase

from .rules import evaluate

D1 = dt.date(2026, 1, 5)  # day 1 of the first course


def date(n: int) -> dt.date:
    return D1 + dt.timedelta(days=n - 1)


def dose(n: int, mg: str = "1.5", **values) -> Day:
    return Day(date(n), True, Decimal(mg), **({"pain": 6, "mood": 5} | values))


def missed(n: int, **values) -> Day:
    return Day(date(n), False, None, **({"pain": 6, "mood": 5} | values))


def found(days, stops=(), answers=None):
    return courses.courses(sorted(days, key=lambda d: d.date), stops, answers or {})


# --- Stops -----------------------------------------------------------------------------


def test_a_stop_on_the_review_day_ends_the_course_that_day_and_no_review_is_due():
    days = [dose(n) for n in range(1, 43)]
    stop = Stop(date(42), End.REVIEW)
    (course,) = found(days, [stop])
    assert (course.day_one, course.ended_on, course.end_reason) == (D1, date(42), End.REVIEW)
    ev = evaluate(days, today=date(50), stops=[stop])
    assert ev.phase == Phase.STOPPED and not ev.review_due and ev.stopped
    assert ev.stopped_on == date(42) and ev.end_reason == "review"


def test_stop_then_restart_the_next_day_is_a_new_course_with_its_own_day_one():
    days = [dose(n) for n in range(1, 43)] + [dose(43)]
    (first, second) = found(days, [Stop(date(42), End.REVIEW)])
    assert first.ended_on == date(42)
    assert (second.number, second.day_one, second.gap_before) == (2, date(43), 0)
    assert not second.retitration  # a day's break is no reason to titrate again
    ev = evaluate(days, today=date(43), stops=[Stop(date(42), End.REVIEW)])
    assert (ev.course, ev.day, ev.week, ev.phase) == (2, 1, 1, Phase.TITRATING)
    assert ev.review_on == date(43 + 41)  # the new course's own week 6


def test_a_stop_reported_by_the_patient_ends_the_course_and_asks_the_clinician():
    days = [dose(n) for n in range(1, 11)]
    stop = Stop(date(10), End.PATIENT)
    ev = evaluate(days, today=date(12), stops=[stop])
    assert ev.stopped and ev.end_reason == "patient"
    raised = signals(days, ev, date(12), stops=[stop], courses=found(days, [stop]))
    assert [(s.kind, s.on) for s in raised] == [(Kind.REPORTED_STOP, date(10))]


def test_a_stop_before_any_dose_changes_nothing():
    days = [missed(n) for n in range(-6, 1)] + [dose(1)]
    assert found(days, [Stop(date(-3), End.PATIENT)])[0].running


@pytest.mark.parametrize(("gap", "retitrate"), [(21, False), (22, True)])
def test_a_restart_after_a_stop_of_more_than_21_days_advises_re_titration(gap, retitrate):
    days = [dose(n) for n in range(1, 11)] + [dose(11 + gap)]
    (_, second) = found(days, [Stop(date(10), End.REVIEW)])
    assert second.gap_before == gap and second.retitration is retitrate


# --- Lapses ----------------------------------------------------------------------------


@pytest.mark.parametrize(("days_missed", "lapsed"), [(20, False), (21, True)])
def test_a_lapse_is_21_days_in_a_row_logged_as_missed(days_missed, lapsed):
    days = [dose(n) for n in range(1, 11)] + [missed(n) for n in range(11, 11 + days_missed)]
    (course,) = found(days)
    assert (course.ended_on is not None) is lapsed
    if lapsed:
        assert (course.ended_on, course.end_reason) == (date(10), End.LAPSE)  # last dose day
    ev = evaluate(days, today=date(11 + days_missed))
    assert ev.stopped is lapsed


def test_a_dose_after_a_lapse_starts_a_new_course_and_advises_re_titration():
    days = [dose(n) for n in range(1, 11)] + [missed(n) for n in range(11, 32)] + [dose(32)]
    first, second = found(days)
    assert (first.end_reason, second.day_one, second.gap_before) == (End.LAPSE, date(32), 21)
    assert second.retitration
    ev = evaluate(days, today=date(32))
    raised = signals(days, ev, date(32), courses=[first, second])
    assert (Kind.RETITRATION, date(32)) in [(s.kind, s.on) for s in raised]
    assert ev.advise_retitration


@pytest.mark.parametrize(("answer", "lapsed"), [(True, False), (False, True), (None, False)])
def test_21_unlogged_days_lapse_only_when_the_patient_says_they_did_not_keep_taking_it(
    answer, lapsed
):
    days = [dose(n) for n in range(1, 11)] + [dose(32)]  # days 11–31 not logged
    answers = {} if answer is None else {date(10): answer}
    result = found(days, answers=answers)
    assert (len(result) == 2) is lapsed
    if lapsed:
        assert result[0].ended_on == date(10) and result[1].day_one == date(32)


def test_20_unlogged_days_are_not_asked_about():
    days = [dose(n) for n in range(1, 11)] + [dose(31)]  # days 11–30: 20 days
    ev = evaluate(days, today=date(31))
    assert ev.gap_question is None and ev.course == 1


def test_the_patient_is_asked_about_an_unlogged_gap_until_they_answer():
    days = [dose(n) for n in range(1, 11)]
    # Back on day 32 (days 11–31 unlogged): Today first asks about the gap after day 10.
    assert evaluate(days, today=date(32)).gap_question == date(10)
    assert evaluate(days, today=date(31)).gap_question is None  # 20 whole days so far
    assert evaluate(days, today=date(32), answers={date(10): True}).gap_question is None
    ev = evaluate(days, today=date(32), answers={date(10): False})
    assert ev.stopped and ev.end_reason == "lapse" and ev.stopped_on == date(10)


def test_unknown_days_break_a_run_of_missed_days():
    """Answered yes, unlogged days are unknown, not missed: 15 missed + 10 unknown + …"""
    days = [dose(n) for n in range(1, 11)] + [missed(n) for n in range(11, 26)]
    days += [missed(n) for n in range(36, 46)] + [dose(46)]  # 26–35 unlogged
    assert len(found(days, answers={date(10): True})) == 1
    assert len(found(days, answers={date(10): False})) == 2


# --- Pauses ----------------------------------------------------------------------------


@pytest.mark.parametrize(("days_missed", "paused"), [(6, False), (7, True)])
def test_seven_days_in_a_row_logged_as_missed_show_as_a_pause(days_missed, paused):
    days = [dose(n) for n in range(1, 11)] + [missed(n) for n in range(11, 11 + days_missed)]
    ev = evaluate(days, today=date(11 + days_missed))
    assert ev.paused_since == (date(11) if paused else None)
    assert ev.phase != Phase.STOPPED  # the course goes on


def test_a_dose_ends_the_pause():
    days = [dose(n) for n in range(1, 11)] + [missed(n) for n in range(11, 20)] + [dose(20)]
    assert evaluate(days, today=date(20)).paused_since is None


# --- The restart's baseline -------------------------------------------------------------


@pytest.mark.parametrize(("logged", "source"), [(3, "first_course"), (4, "diary")])
def test_a_restart_takes_its_own_baseline_from_4_logged_days_else_the_first_courses(logged, source):
    before = [missed(n, pain=8) for n in range(-6, 1)]  # the first course's week: 8
    first = [dose(n, pain=4) for n in range(1, 11)]
    restart_day = 40
    own_week = [missed(restart_day - k, pain=6) for k in range(1, logged + 1)]
    days = sorted(before + first + own_week + [dose(restart_day, pain=5)], key=lambda d: d.date)
    stop = Stop(date(10), End.PATIENT)
    ev = evaluate(days, today=date(restart_day + 50), stops=[stop])
    assert ev.course == 2 and ev.day_one == date(restart_day)
    assert ev.baseline is not None and ev.baseline.source == source
    assert ev.baseline.value == (8 if source == "first_course" else 6)
    assert ev.baseline.lower_confidence is (source == "first_course")


# --- Side effects and not logging while stopped or before day 1 -------------------------


def test_nothing_is_expected_before_day_one():
    days = [missed(n, headache=2) for n in range(-6, 1)]
    assert side_effects.today(days, date(0)) == []


def test_nothing_is_expected_or_persistent_while_stopped():
    days = [dose(n) for n in range(1, 21)] + [missed(n, headache=2) for n in range(21, 40)]
    stop = Stop(date(20), End.PATIENT)
    spans = courses.spans(found(days, [stop]))
    assert side_effects.today(days, date(39), spans) == []
    assert side_effects.persistent_runs(days, date(39), spans) == []
    # On LDN (no stop recorded), the same headaches are side effects.
    assert side_effects.today(days, date(39), courses.spans(found(days)))


def test_no_not_logging_alert_while_stopped():
    days = [dose(n) for n in range(1, 11)]
    stop = Stop(date(10), End.PATIENT)
    ev = evaluate(days, today=date(30), stops=[stop])
    raised = signals(days, ev, date(30), stops=[stop], courses=found(days, [stop]))
    assert Kind.NOT_LOGGING not in [s.kind for s in raised]
    assert Kind.NOT_LOGGING in [s.kind for s in signals(days, ev, date(30))]
