"""Side effects, expected or persistent (SPEC §5), as pure functions over the diary.

A side effect is *present* on a day whose entry shows it (a day without an entry does not
count). It is *expected* on a day it is present while the dose and its timing are not yet
settled, and *persistent* on a day when it was present on at least 10 of the 14 calendar
days ending that day (whether or not that day) and both are settled: the current dose and
the current timing have each been taken for at least 14 days (days on dose as in SPEC §4;
the first dose starts both counts; a missed dose neither resets nor pauses them). A change
of dose or timing starts the watch again, so an effect answered by a change is judged anew.

Only days inside a treatment course count (SPEC §5): before day 1 and while stopped the
symptoms are the baseline, so nothing is expected or persistent then; each course starts
its dose and timing counts afresh on its day 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .days import Day, timing

type Spans = Sequence[tuple[dt.date, dt.date | None]]  # (day 1, last day or None) per course

WINDOW = 14
PERSISTENT_DAYS = 10
SETTLED_DAYS = 14


class Effect(StrEnum):
    SLEEP = "sleep"
    HEADACHE = "headache"
    GI = "gi"
    FATIGUE = "fatigue_mood"  # fatigue ≥ 7, or irritability / anxiety ≥ 2


def _sleep(d: Day) -> bool:
    return d.sleep_disturbed


def _headache(d: Day) -> bool:
    return d.headache >= 2


def _gi(d: Day) -> bool:
    return d.nausea is not None and d.nausea >= 2


def _fatigue(d: Day) -> bool:
    return (d.fatigue is not None and d.fatigue >= 7) or (
        d.irritability is not None and d.irritability >= 2
    )


PRESENT: dict[Effect, Callable[[Day], bool]] = {
    Effect.SLEEP: _sleep,
    Effect.HEADACHE: _headache,
    Effect.GI: _gi,
    Effect.FATIGUE: _fatigue,
}


class State(StrEnum):
    EXPECTED = "expected"  # present while dose or timing is not settled
    PERSISTENT = "persistent"  # ≥ 10 of 14 days, settled
    OCCASIONAL = "occasional"  # present, settled, but on fewer than 10 of 14 days


@dataclass(frozen=True)
class Status:
    """One side effect on one day."""

    effect: Effect
    on: dt.date
    present: bool
    days_present: int  # of the 14 days ending `on`
    settled: bool
    state: State | None  # None: not present and not persistent
    timing: str | None  # bedtime or morning, the timing in use on `on`


def settled_by_day(
    days: Sequence[Day], until: dt.date, spans: Spans | None = None
) -> dict[dt.date, tuple[bool, str | None]]:
    """For every day inside a course up to `until`: whether dose and timing have each been
    taken for ≥ 14 days then (counted within the course), and the timing in use. Days
    outside every course are absent. Without `spans`, one course from the first dose."""
    return {day: (settled(since, day), when) for day, since, when in _settling(days, until, spans)}


def settled(since: dt.date | None, day: dt.date) -> bool:
    """Whether a dose and timing unchanged since `since` have settled by `day`."""
    return since is not None and (day - since).days + 1 >= SETTLED_DAYS


# Where settledness stands on a day: (the later of the days the dose and the timing last
# changed, the timing in use), or None outside every course.
type Settling = tuple[dt.date | None, str | None] | None


def settling_on(days: Sequence[Day], day: dt.date, spans: Spans | None = None) -> Settling:
    """Where settledness stands on `day`: with no dose taken after `day`, each later day of
    the same course is settled once `settled(since, later)` (services/incremental.py)."""
    found = None
    for on, since, when in _settling(days, day, spans):
        if on == day:
            found = (since, when)
    return found


def settling_json(state: Settling) -> dict[str, object]:
    """`state` as the summary keeps it (PatientSummary.settling)."""
    if state is None:
        return {"course": False}
    since, timing = state
    return {"course": True, "since": since.isoformat() if since else None, "timing": timing}


def settling_from_json(data: dict[str, object]) -> Settling:
    if not data.get("course"):
        return None
    since, timing = data.get("since"), data.get("timing")
    return (
        dt.date.fromisoformat(since) if isinstance(since, str) else None,
        timing if isinstance(timing, str) else None,
    )


def _settling(
    days: Sequence[Day], until: dt.date, spans: Spans | None
) -> Iterator[tuple[dt.date, dt.date | None, str | None]]:
    """(day, the later of the day the dose and the day the timing last changed, the timing
    in use) for every day inside a course up to `until`."""
    taken = {d.date: d for d in days if d.dose_taken and d.dose_mg is not None}
    if not taken:
        return
    if spans is None:
        spans = [(min(taken), None)]
    for first, last in spans:
        dose_since = timing_since = None
        last_mg = last_timing = None
        day, end = first, min(until, last) if last else until
        while day <= end:
            entry = taken.get(day)
            if entry is not None:  # a missed dose neither resets nor pauses the counts
                if entry.dose_mg != last_mg:
                    dose_since, last_mg = day, entry.dose_mg
                when = timing(entry.time_taken)
                if when is not None and when != last_timing:
                    timing_since, last_timing = day, when
            since = max(dose_since, timing_since) if dose_since and timing_since else dose_since
            yield day, since, last_timing
            day += dt.timedelta(days=1)


def status(
    days: Sequence[Day],
    effect: Effect,
    day: dt.date,
    settled_days: dict[dt.date, tuple[bool, str | None]] | None = None,
) -> Status:
    """`effect` on `day`, from the diary `days` (oldest first); `settled_days` is
    `settled_by_day(days, day)` when the caller has it already."""
    first = day - dt.timedelta(days=WINDOW - 1)
    test = PRESENT[effect]
    count = sum(1 for d in days if first <= d.date <= day and test(d))
    entry = next((d for d in days if d.date == day), None)
    present = entry is not None and test(entry)
    if settled_days is None:
        settled_days = settled_by_day(days, day)
    if day not in settled_days:  # before day 1 or while stopped: baseline, not side effect
        return Status(effect, day, present, count, False, None, None)
    settled, when = settled_days[day]
    state: State | None = None
    if settled and count >= PERSISTENT_DAYS:
        state = State.PERSISTENT
    elif present:
        state = State.OCCASIONAL if settled else State.EXPECTED
    return Status(effect, day, present, count, settled, state, when)


def today(days: Sequence[Day], day: dt.date, spans: Spans | None = None) -> list[Status]:
    """Every side effect on `day` that is present or persistent."""
    return present_on(days, day, settling_on(days, day, spans))


def present_on(days: Sequence[Day], day: dt.date, state: Settling) -> list[Status]:
    """`today` when where settledness stands on `day` is known (`settling_on`): only the
    14 days ending `day` are read of `days`."""
    settled_days = {} if state is None else {day: (settled(state[0], day), state[1])}
    found = [status(days, effect, day, settled_days) for effect in Effect]
    return [s for s in found if s.state is not None]


def persistent_runs(
    days: Sequence[Day], until: dt.date, spans: Spans | None = None
) -> list[tuple[Effect, dt.date, dt.date, str | None]]:
    """(effect, first day, last day, timing then) of each stretch of days on which an
    effect was persistent, up to `until`: one alert each, so recomputing finds the same
    ones. One pass per effect, with a sliding count over the 14-day window."""
    settled = settled_by_day(days, until, spans)
    if not settled:
        return []
    runs: list[tuple[Effect, dt.date, dt.date, str | None]] = []
    for effect in Effect:
        test = PRESENT[effect]
        present = {d.date for d in days if test(d)}
        day, count, start = days[0].date, 0, None
        when_started: str | None = None
        while day <= until:
            count += day in present
            count -= (day - dt.timedelta(days=WINDOW)) in present
            ok, when = settled.get(day, (False, None))
            persistent = ok and count >= PERSISTENT_DAYS
            if persistent and start is None:
                start, when_started = day, when
            elif not persistent and start is not None:
                runs.append((effect, start, day - dt.timedelta(days=1), when_started))
                start = None
            day += dt.timedelta(days=1)
        if start is not None:
            runs.append((effect, start, until, when_started))
    return sorted(runs, key=lambda r: (r[1], r[0]))
