"""How long the response rule and the alerts take for one patient with 2 years of daily
entries (issue budget: evaluation ≤ 5 ms). Pure functions, so no database is involved.

    .venv/bin/python bench/evaluate.py [--days 730] [--runs 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ldn_tracker.settings")

import django

django.setup()

from tracker import charts  # noqa: E402
from tracker.alerts import rule as alerts  # noqa: E402
from tracker.response import rule  # noqa: E402
from tracker.response.days import Day  # noqa: E402


def diary(days: int) -> list[Day]:
    rng = random.Random(42)
    first = dt.date(2025, 1, 1)
    out = []
    for n in range(days):
        taken = n >= 7 and rng.random() > 0.05
        mg = Decimal(("1.5", "3.0", "4.5")[min(2, max(0, (n - 7) // 7))])
        out.append(
            Day(
                first + dt.timedelta(days=n),
                taken,
                mg if taken else None,
                pain=rng.randint(2, 8),
                mood=rng.randint(3, 8),
                headache=rng.choice([0, 0, 1, 3]),
                sleep_quality=rng.randint(1, 5),
                dreams=rng.choice(["none", "normal", "vivid"]),
                time_taken=dt.time(22) if taken else None,
                sleep_hours=Decimal("7.25"),
            )
        )
    return out


def timed(label: str, runs: int, fn) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    p95 = sorted(samples)[int(runs * 0.95) - 1]
    print(f"{label:<40} median {median:7.3f} ms   p95 {p95:7.3f} ms   ({runs} runs)")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    days = diary(args.days)
    today = days[-1].date
    print(f"One patient, {len(days)} daily entries, Python {sys.version.split()[0]}")
    median = timed("evaluate (SPEC §4)", args.runs, lambda: rule.status(rule.facts(days), today))
    ev = rule.status(rule.facts(days), today)
    timed("alerts.signals (SPEC §5)", args.runs, lambda: alerts.signals(days, ev, today))
    timed("charts.trends, all days (SPEC §6)", args.runs, lambda: charts.trends(days, ev, "all"))
    budget = 5.0
    print(f"evaluate budget {budget} ms: {'within' if median <= budget else 'OVER'}")


if __name__ == "__main__":
    main()
