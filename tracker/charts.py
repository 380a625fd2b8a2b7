"""What the Trends charts and their fallback table show (SPEC §6), as plain data: pure
functions over the diary, shared by the patient's and the clinician's pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .response.days import Day, changes, dose_days, timing, timing_days
from .response.doses import Step, step_in_force
from .response.rule import Evaluation

RANGES = {"4w": ("4 weeks", 28), "12w": ("12 weeks", 84), "all": ("All", None)}
DEFAULT_RANGE = "12w"
ROLLING_DAYS = 7
DREAM_LEVEL = {"none": 0, "normal": 1, "vivid": 2, "nightmares": 3}


def parse_range(raw: str | None) -> str:
    return raw if raw in RANGES else DEFAULT_RANGE


@dataclass(frozen=True)
class TimingGroup:
    """Nights after a dose taken at one time of day (the diary's sleep is "last night")."""

    label: str
    nights: int
    sleep_hours: float | None
    sleep_quality: float | None
    vivid_share: int | None  # % of nights with vivid dreams or nightmares


@dataclass(frozen=True)
class Trends:
    range: str
    ranges: list[tuple[str, str]]
    data: dict[str, Any]  # handed to the page's script through json_script
    rows: list[dict[str, Any]]  # the same numbers as a table, newest first
    comparison: list[TimingGroup]

    @property
    def logged(self) -> int:
        return sum(1 for row in self.rows if row["logged"])


def trends(
    days: Sequence[Day],
    evaluation: Evaluation,
    chosen: str,
    plan: Sequence[Step] = (),
    *,
    comparison: list[TimingGroup] | None = None,
) -> Trends:
    """The charts' data for the range `chosen`; with `plan`, the titration plan's step in
    force each day beside the dose taken (SPEC §3a: plan vs taken). `days` is the whole
    diary, or what `EntryQuerySet.for_range` reads of it (the range's days and the last
    entry, dose and timed dose before them) with `comparison`, the summary's bedtime-or-
    morning comparison of every night."""
    today = evaluation.today
    by_date = {d.date: d for d in days if d.date <= today}
    first_logged = min(by_date, default=today)
    span = RANGES[chosen][1]
    start = first_logged if span is None else max(first_logged, today - dt.timedelta(span - 1))
    dates = [start + dt.timedelta(n) for n in range((today - start).days + 1)]
    doses = dose_days(days, until=today)

    series: dict[str, list[Any]] = {
        name: []
        for name in (
            "pain", "mood", "fatigue", "pain_avg", "mood_avg", "fatigue_avg", "headache",
            "nausea", "sleep_hours", "sleep_quality", "dreams", "dose", "planned", "missed",
        )
    }  # fmt: skip
    dose_in_use: Decimal | None = None
    for day, mg in doses:
        if day >= start:
            break
        dose_in_use = mg
    taken = dict(doses)
    for name in ("pain", "mood", "fatigue"):
        series[f"{name}_avg"] = rolling_means(by_date, name, dates)
    for date in dates:
        entry = by_date.get(date)
        for name in ("pain", "mood", "fatigue", "headache", "nausea", "sleep_quality"):
            series[name].append(getattr(entry, name) if entry else None)
        series["sleep_hours"].append(_float(entry.sleep_hours) if entry else None)
        series["dreams"].append(DREAM_LEVEL.get(entry.dreams) if entry else None)
        dose_in_use = taken.get(date, dose_in_use)
        series["dose"].append(_float(dose_in_use))
        series["missed"].append(bool(entry and not entry.dose_taken and dose_in_use))
        step = step_in_force(plan, date) if plan else None
        series["planned"].append(_float(step.mg) if step else None)

    data = {
        "labels": [d.isoformat() for d in dates],
        "series": series,
        "outcome": evaluation.outcome,
        "dose_changes": [d.isoformat() for d in changes(doses) if start < d <= today],
        "timing_changes": _timing_changes(days, start, today),
        "windows": _windows(evaluation),
        "review": evaluation.review_on.isoformat() if evaluation.review_on else None,
    }
    rows = [{"date": date, "logged": date in by_date, "entry": by_date.get(date)} for date in dates]
    rows.reverse()
    return Trends(
        range=chosen,
        ranges=[(key, label) for key, (label, _) in RANGES.items()],
        data=data,
        rows=rows,
        comparison=comparison
        if comparison is not None
        else timing_comparison([d for d in days if d.date <= today]),
    )


def window_start(chosen: str, today: dt.date) -> dt.date | None:
    """The first day a range's charts read (its 6 days before prime the 7-day means), or
    None for "all"."""
    span = RANGES[chosen][1]
    if span is None:
        return None
    return today - dt.timedelta(span - 1 + ROLLING_DAYS - 1)


def rolling_means(
    by_date: dict[dt.date, Day], name: str, dates: Sequence[dt.date]
) -> list[float | None]:
    """The mean of `name` over the 7 days ending on each of `dates` (consecutive), of the
    days that have a value: one pass with a sliding sum, whatever the length."""

    def value(day: dt.date) -> int | None:
        entry = by_date.get(day)
        return getattr(entry, name) if entry else None

    means: list[float | None] = []
    total = count = 0
    if dates:  # prime the window with the 6 days before the first date
        for n in range(ROLLING_DAYS - 1, 0, -1):
            v = value(dates[0] - dt.timedelta(n))
            if v is not None:
                total, count = total + v, count + 1
    for date in dates:
        v = value(date)
        if v is not None:
            total, count = total + v, count + 1
        means.append(round(total / count, 2) if count else None)
        gone = value(date - dt.timedelta(ROLLING_DAYS - 1))
        if gone is not None:
            total, count = total - gone, count - 1
    return means


def _timing_changes(days: Sequence[Day], start: dt.date, today: dt.date) -> list[dict[str, str]]:
    """The days the dose moved between bedtime and morning (SPEC §5's timing), to mark."""
    timed = timing_days(days, until=today)
    when = dict(timed)
    return [
        {"date": day.isoformat(), "to": when[day]} for day in changes(timed) if start < day <= today
    ]


def _windows(ev: Evaluation) -> list[dict[str, str]]:
    windows = []
    if ev.day_one:
        windows.append(
            {
                "label": "Week before LDN (baseline)",
                "from": (ev.day_one - dt.timedelta(7)).isoformat(),
                "to": (ev.day_one - dt.timedelta(1)).isoformat(),
                "kind": "baseline",
            }
        )
    if ev.review_on and ev.day_one:
        windows.append(
            {
                "label": f"Review window (week {ev.review_week})",
                "from": (ev.review_on - dt.timedelta(13)).isoformat(),
                "to": ev.review_on.isoformat(),
                "kind": "evaluation",
            }
        )
    return windows


def timing_comparison(days: Sequence[Day]) -> list[TimingGroup]:
    """Sleep and dreams after bedtime doses against after morning doses. A dose taken on
    day D affects the night reported in day D+1's entry, so nights are paired that way."""
    by_date = {d.date: d for d in days}
    nights: dict[str, list[Day]] = {"bedtime": [], "morning": []}
    for day in days:
        when = timing(day.time_taken) if day.dose_taken else None
        after = by_date.get(day.date + dt.timedelta(1))
        if when and after is not None:
            nights[when].append(after)
    return [
        _group(label, nights[key])
        for key, label in (("bedtime", "Bedtime dose"), ("morning", "Morning dose"))
    ]


def _group(label: str, nights: list[Day]) -> TimingGroup:
    if not nights:
        return TimingGroup(label, 0, None, None, None)
    hours = [n.sleep_hours for n in nights if n.sleep_hours is not None]
    vivid = sum(1 for n in nights if n.vivid_dreams)
    return TimingGroup(
        label=label,
        nights=len(nights),
        sleep_hours=round(float(sum(hours) / len(hours)), 1) if hours else None,
        sleep_quality=round(sum(n.sleep_quality for n in nights) / len(nights), 1),
        vivid_share=round(Fraction(vivid * 100, len(nights))),
    )


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
