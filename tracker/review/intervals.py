"""How sure a patient's own means are (the clinician's n-of-1 view, issue 13): the baseline
and evaluation-window means with 95 % confidence intervals from the daily values. The
verdict itself stays SPEC §4's; this only shows how much a "30 %" rests on.

Method. Daily symptom scores are serially correlated: a bad day tends to follow a bad day,
so n daily values carry less information than n independent measurements, and the naive
interval mean ± 1.96·s/√n is too narrow (with a lag-1 correlation of 0.5, by √3 ≈ 1.7).
We therefore

1. estimate the lag-1 autocorrelation r from pairs of consecutive calendar days that were
   both logged (fewer than 3 such pairs: r = 0), bounded to [0, 0.9] since a negative
   estimate from a handful of days is noise, not evidence of alternation;
2. take the effective sample size of a mean under an AR(1) process,
   n_eff = n · (1 − r) / (1 + r);
3. give mean ± t(0.975, df) · s / √n_eff, with s the sample standard deviation and Student's
   t on df = max(1, ⌊n_eff⌋ − 1) degrees of freedom, for the small samples we have.

This is the standard first-order correction (as for the standard error of a time-series
mean); it is simple, explainable, and conservative where it matters: few, similar,
consecutive days. Pure: no Django, exact inputs, floats only in the result.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from .days import Day

# Student's t, two-sided 95 % (the 0.975 quantile), for 1…30 degrees of freedom.
T_975 = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
]  # fmt: skip
MAX_R = 0.9
MIN_PAIRS = 3


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float
    n: int  # daily values
    n_eff: float  # what they are worth, once serial correlation is allowed for
    r: float  # the lag-1 autocorrelation used


def t_quantile(df: int) -> float:
    return T_975[df - 1] if df <= len(T_975) else 1.96


def lag1(values: Sequence[tuple[dt.date, float]]) -> float:
    """The lag-1 autocorrelation of values on consecutive days, bounded to [0, 0.9]."""
    by_day = dict(values)
    pairs = [
        (v, by_day[d + dt.timedelta(days=1)])
        for d, v in values
        if d + dt.timedelta(days=1) in by_day
    ]
    if len(pairs) < MIN_PAIRS:
        return 0.0
    mean = sum(v for _, v in values) / len(values)
    spread = sum((v - mean) ** 2 for _, v in values)
    if spread == 0:
        return 0.0
    together = sum((a - mean) * (b - mean) for a, b in pairs)
    r = (together / len(pairs)) / (spread / len(values))
    return min(MAX_R, max(0.0, r))


def interval(values: Sequence[tuple[dt.date, float]]) -> Interval | None:
    """The mean of dated daily values with its 95 % interval; None below 2 values."""
    n = len(values)
    if n < 2:
        return None
    numbers = [v for _, v in values]
    mean = sum(numbers) / n
    s = math.sqrt(sum((v - mean) ** 2 for v in numbers) / (n - 1))
    r = lag1(values)
    n_eff = n * (1 - r) / (1 + r)
    df = max(1, math.floor(n_eff) - 1)
    half = t_quantile(df) * s / math.sqrt(n_eff)
    return Interval(mean, mean - half, mean + half, n, n_eff, r)


def naive(values: Sequence[float]) -> tuple[float, float]:
    """mean ± 1.96·s/√n, for comparison in the tests: what the correction widens."""
    n = len(values)
    mean = sum(values) / n
    s = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    return mean - 1.96 * s / math.sqrt(n), mean + 1.96 * s / math.sqrt(n)


def n_of_1(
    days: Sequence[Day],
    outcome: str,
    day_one: dt.date | None,
    window: tuple[dt.date, dt.date] | None,
) -> tuple[Interval | None, Interval | None]:
    """The baseline week's and the evaluation window's intervals, on the outcome's own
    scale (mood as logged, higher better), from the diary's daily values."""

    def dated(first: dt.date, last: dt.date) -> list[tuple[dt.date, float]]:
        return [
            (d.date, float(getattr(d, outcome)))
            for d in days
            if first <= d.date <= last and getattr(d, outcome) is not None
        ]

    before = (
        interval(dated(day_one - dt.timedelta(days=7), day_one - dt.timedelta(days=1)))
        if day_one
        else None
    )
    during = interval(dated(*window)) if window else None
    return before, during


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion: unlike share ± 1.96·√(p(1−p)/n), it
    stays inside 0–1 and is sensible for 0 of n and n of n, which small groups often are."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)
