"""Treatment courses (SPEC §4) as pure functions over the diary: where each course of LDN
starts and ends, whether the patient is stopped or paused now, and which unlogged gap the
patient must first be asked about. Nothing here imports Django.

A course starts on the first dose taken after the previous course ended (or ever) and ends
on a *stop* (a review with outcome stop, or the patient's own report, from the date given)
or a *lapse*: 21 or more calendar days in a row without a dose taken, which end the course
on its last dose day. Days logged as missed count towards a lapse. Unlogged days are
unknown: where they make up part of a gap of 21 days, the patient is asked whether they
kept taking LDN; "no" makes the gap a lapse, "yes" (and, until they answer, silence) keeps
the course going with those days unknown, so only a run of 21 logged-missed days lapses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .days import Day

LAPSE_DAYS = 21  # days in a row without a dose that end a course
PAUSE_DAYS = 7  # days in a row logged as missed that show as a pause
RETITRATE_AFTER = 21  # a stop longer than this asks for re-titration (a lapse always does)

ONE_DAY = dt.timedelta(days=1)


class End(StrEnum):
    REVIEW = "review"  # a review recorded with outcome "stop"
    PATIENT = "patient"  # the patient said "I have stopped taking LDN"
    LAPSE = "lapse"  # 21 days in a row without a dose


@dataclass(frozen=True)
class Stop:
    """A stop someone recorded: from `on`, for `reason` (End.REVIEW or End.PATIENT)."""

    on: dt.date
    reason: End


@dataclass(frozen=True)
class Course:
    number: int  # 1, 2, …
    day_one: dt.date
    last_dose: dt.date
    ended_on: dt.date | None = None  # the stop's date, or the last dose day for a lapse
    end_reason: End | None = None
    after: End | None = None  # how the course before this one ended
    gap_before: int | None = None  # days without a dose between that course and this one

    @property
    def running(self) -> bool:
        return self.ended_on is None

    @property
    def retitration(self) -> bool:
        """Restarted after a lapse or a stop of more than 21 days: re-titration advised."""
        if self.after is None or self.gap_before is None:
            return False
        return self.after == End.LAPSE or self.gap_before > RETITRATE_AFTER


def as_json(course: Course) -> dict[str, object]:
    """`course` as plain JSON (dates as ISO text), for the stored summary."""
    return {
        "number": course.number,
        "day_one": course.day_one.isoformat(),
        "last_dose": course.last_dose.isoformat(),
        "ended_on": course.ended_on.isoformat() if course.ended_on else None,
        "end_reason": course.end_reason.value if course.end_reason else None,
        "after": course.after.value if course.after else None,
        "gap_before": course.gap_before,
    }


def from_json(data: Mapping[str, object]) -> Course:
    def day(key: str) -> dt.date | None:
        value = data[key]
        return dt.date.fromisoformat(value) if isinstance(value, str) else None

    def end(key: str) -> End | None:
        value = data[key]
        return End(value) if isinstance(value, str) else None

    gap = data["gap_before"]
    return Course(
        int(data["number"]),  # type: ignore[call-overload]
        day("day_one"),  # type: ignore[arg-type]
        day("last_dose"),  # type: ignore[arg-type]
        day("ended_on"),
        end("end_reason"),
        end("after"),
        gap if isinstance(gap, int) else None,
    )


def _is_dose(day: Day) -> bool:
    return day.dose_taken and day.dose_mg is not None


def _longest_missed_run(entries: Mapping[dt.date, Day], first: dt.date, last: dt.date) -> int:
    """The longest run of consecutive days from `first` to `last` logged as missed."""
    best = run = 0
    day = first
    while day <= last:
        entry = entries.get(day)
        run = run + 1 if entry is not None and not entry.dose_taken else 0
        best = max(best, run)
        day += ONE_DAY
    return best


def gap_lapses(
    entries: Mapping[dt.date, Day], last_dose: dt.date, last: dt.date, kept_taking: bool | None
) -> bool:
    """Whether the days after `last_dose` up to `last` (none with a dose) are a lapse."""
    length = (last - last_dose).days
    if length < LAPSE_DAYS:
        return False
    first = last_dose + ONE_DAY
    logged = sum(1 for offset in range(length) if first + dt.timedelta(days=offset) in entries)
    if logged == length or kept_taking is False:
        return True
    return _longest_missed_run(entries, first, last) >= LAPSE_DAYS


def asks_about_gap(
    entries: Mapping[dt.date, Day], last_dose: dt.date, last: dt.date, kept_taking: bool | None
) -> bool:
    """Whether the patient must be asked "did you keep taking LDN?" about the gap after
    `last_dose` up to `last`: 21 days or more without a dose, some unlogged, unanswered,
    and not a lapse whatever the answer."""
    if kept_taking is not None or (last - last_dose).days < LAPSE_DAYS:
        return False
    return not gap_lapses(entries, last_dose, last, True) and gap_lapses(
        entries, last_dose, last, False
    )


def courses(
    days: Sequence[Day],
    stops: Iterable[Stop] = (),
    answers: Mapping[dt.date, bool] | None = None,
) -> list[Course]:
    """Every course in the diary (`days` oldest first), oldest first. `answers` holds the
    patient's "did you keep taking LDN?" answers, keyed by the last dose day before the gap
    they answer for."""
    answers = answers or {}
    entries = {d.date: d for d in days}
    stop_list = sorted(stops, key=lambda s: s.on)
    found: list[Course] = []
    start: dt.date | None = None
    last: dt.date | None = None
    after: End | None = None
    gap: int | None = None

    def stop_between(first: dt.date, before: dt.date | None) -> Stop | None:
        for s in stop_list:
            if s.on >= first and (before is None or s.on < before):
                return s
        return None

    def close(ended: dt.date, reason: End) -> None:
        nonlocal start, after
        assert start is not None and last is not None
        found.append(Course(len(found) + 1, start, last, ended, reason, after, gap))
        start, after = None, reason

    for day in days:
        if not _is_dose(day):
            continue
        if start is not None and last is not None:
            stop = stop_between(last, day.date)
            if stop is not None:
                close(stop.on, stop.reason)
            elif gap_lapses(entries, last, day.date - ONE_DAY, answers.get(last)):
                close(last, End.LAPSE)
        if start is None:
            if last is not None:
                gap = (day.date - last).days - 1
            start = day.date
        last = day.date
    if start is not None and last is not None:
        stop = stop_between(last, None)
        trailing_end = days[-1].date
        if stop is not None:
            close(stop.on, stop.reason)
        elif answers.get(last) is False or gap_lapses(
            entries, last, trailing_end, answers.get(last)
        ):
            # "No, I did not keep taking it": asked only after 21 days, so a lapse.
            close(last, End.LAPSE)
        else:
            found.append(Course(len(found) + 1, start, last, None, None, after, gap))
    return found


def paused_since(days: Sequence[Day], course: Course) -> dt.date | None:
    """The first day of a run of ≥ 7 days in a row logged as missed since the running
    course's last dose: the course goes on, paused."""
    if not course.running:
        return None
    run_start: dt.date | None = None
    previous: dt.date | None = None
    best: dt.date | None = None
    for day in days:
        if day.date <= course.last_dose:
            continue
        if day.dose_taken:
            continue
        if previous is None or (day.date - previous).days != 1:
            run_start = day.date
        previous = day.date
        assert run_start is not None
        if (day.date - run_start).days + 1 >= PAUSE_DAYS:
            best = run_start
    return best


def open_gap(
    days: Sequence[Day],
    course: Course | None,
    answers: Mapping[dt.date, bool],
    today: dt.date,
) -> dt.date | None:
    """The last dose day before the gap the patient must first be asked about, if any: in
    the running course, the most recent gap of 21 days or more without a dose (between two
    doses, or from the last dose to yesterday) that has unlogged days and no answer."""
    if course is None or not course.running:
        return None
    entries = {d.date: d for d in days}
    doses = [d.date for d in days if _is_dose(d) and d.date >= course.day_one]
    end = today if today in entries else today - ONE_DAY
    gaps = [(doses[-1], end)] + [
        (a, b - ONE_DAY) for a, b in zip(doses[-2::-1], doses[:0:-1], strict=True)
    ]
    for first, last in gaps:
        if asks_about_gap(entries, first, last, answers.get(first)):
            return first
    return None


def spans(found: Sequence[Course]) -> list[tuple[dt.date, dt.date | None]]:
    """(day 1, last day or None) of each course: the days on which LDN was being taken."""
    return [(c.day_one, c.ended_on) for c in found]


def in_spans(day: dt.date, course_spans: Sequence[tuple[dt.date, dt.date | None]]) -> bool:
    return any(first <= day and (last is None or day <= last) for first, last in course_spans)


def stopped_days(
    course_spans: Sequence[tuple[dt.date, dt.date | None]],
) -> list[tuple[dt.date, dt.date | None]]:
    """(first, last or None) of each stretch between a course's end and the next day 1
    (`spans` of the courses): the days a patient was stopped."""
    out: list[tuple[dt.date, dt.date | None]] = []
    for index, (_day_one, ended_on) in enumerate(course_spans):
        if ended_on is None:
            continue
        nxt = course_spans[index + 1][0] - ONE_DAY if index + 1 < len(course_spans) else None
        first = ended_on + ONE_DAY
        if nxt is None or nxt >= first:
            out.append((first, nxt))
    return out
