"""The n-of-1 intervals (issue 13): a mean of serially correlated daily values, with a 95 %
interval that is honest about how much n such days are worth. No database."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from tracker.review.intervals import interval, lag1, naive, t_quantile

D = dt.date(2026, 3, 1)


def daily(values: list[float], start: int = 0, step: int = 1) -> list[tuple[dt.date, float]]:
    return [(D + dt.timedelta(days=start + i * step), v) for i, v in enumerate(values)]


def test_the_same_value_every_day_is_sure_of_itself():
    found = interval(daily([5.0] * 7))
    assert (found.mean, found.low, found.high) == (5.0, 5.0, 5.0)


def test_one_day_gives_no_interval():
    assert interval(daily([5.0])) is None


def test_independent_looking_days_get_the_t_interval():
    """Alternating values: the lag-1 estimate is negative, bounded to 0 (no correction)."""
    values = [4.0, 6.0] * 4
    found = interval(daily(values))
    assert found.r == 0.0 and found.n_eff == 8
    s = math.sqrt(sum((v - 5) ** 2 for v in values) / 7)
    assert found.high - found.mean == pytest.approx(t_quantile(7) * s / math.sqrt(8))


def test_serially_correlated_days_are_worth_fewer_and_the_interval_is_wider_than_naive():
    values = [8, 8, 7, 7, 6, 6, 5, 5, 4, 4, 5, 5, 6, 6]  # slow waves: tomorrow like today
    found = interval(daily([float(v) for v in values]))
    low, high = naive([float(v) for v in values])
    assert found.r > 0.5
    assert found.n_eff < len(values) / 2
    assert found.high - found.low > 1.5 * (high - low)


def test_days_that_were_not_consecutive_say_nothing_about_serial_correlation():
    assert lag1(daily([8.0, 7.0, 6.0, 5.0], step=2)) == 0.0


def test_eight_noisy_days_are_less_certain_than_fourteen_steady_ones():
    """A '30 %' from 8 noisy days reads differently from one from 14 steady days."""
    noisy = interval(daily([2.0, 7.0, 3.0, 8.0, 1.0, 6.0, 4.0, 9.0]))
    steady = interval(daily([5.0, 5.0, 6.0, 5.0, 5.0, 4.0, 5.0, 5.0, 6.0, 5.0, 5.0, 4.0, 5.0, 5.0]))
    assert (noisy.high - noisy.low) > 4 * (steady.high - steady.low)


@pytest.mark.parametrize(
    ("df", "t"), [(1, 12.706), (5, 2.571), (13, 2.160), (30, 2.042), (120, 1.96)]
)
def test_students_t_quantiles_match_the_published_table(df, t):
    assert t_quantile(df) == t
