"""The cost of a row of each long table (issue 20): History, the record's diary, Trends'
numbers and the panel, made from their one declaration (`tracker/tables/`), rendered through
the template tag the pages use. Pure objects, no database: only the rendering is timed.

    .venv/bin/python bench/tables.py [--rows 365] [--runs 30]

Figures on this 2-core machine (median of 30 renders; 365 days, the record's 323 logged
ones, the panel's 300 patients), before and after the tables were declared once:

    | Table                       | Before: a filter per row | After: one declaration |
    |-----------------------------|--------------------------|------------------------|
    | History                     | 12.4 µs a row (4.5 ms)   | 8.1 µs a row (3.0 ms)  |
    | Record's diary              | 16.5 µs a row (5.3 ms)   | 12.0 µs a row (3.9 ms) |
    | Trends' numbers             | 10.1 µs a row (3.7 ms)   | 8.5 µs a row (3.1 ms)  |
    | Panel (sparkline included)  | 72.8 µs a row (21.8 ms)  | 67.0 µs a row (20.1 ms)|

"Before" is the commit before `tracker/tables/`, the same rows rendered by the old per-row
filters (`history_row`, `diary_row`, `numbers_row`, `panel_cells`) in a `{% for %}` loop;
"after" includes the header, which the old templates wrote out by hand. A row costs less
now because the whole body is one tag call instead of a loop of filter calls.
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = dt.date(2026, 12, 1)


def days(n: int, seed: int = 1) -> list[Any]:
    """`n` days back from TODAY, about 1 in 10 not logged (None)."""
    from tracker.response.days import Day

    rnd = random.Random(seed)
    out: list[Any] = []
    for i in range(n):
        if rnd.random() < 0.1:
            out.append(None)
            continue
        taken = rnd.random() > 0.1
        out.append(
            Day(
                date=TODAY - dt.timedelta(days=i),
                dose_taken=taken,
                dose_mg=Decimal("4.5") if taken else None,
                pain=rnd.randint(0, 10),
                mood=rnd.randint(0, 10),
                fatigue=rnd.choice([None, 5]),
                headache=rnd.randint(0, 3),
                sleep_quality=rnd.randint(1, 5),
                dreams=rnd.choice(["none", "normal", "vivid", "nightmares"]),
                opioid_taken=rnd.random() < 0.05,
                opioid_name="tramadol",
                liver_signs=rnd.random() < 0.03,
                time_taken=dt.time(22, 0) if taken else None,
                sleep_hours=Decimal("7.5"),
                nausea=rnd.choice([None, 1]),
                irritability=rnd.choice([None, 2]),
                nightmare_woke=rnd.random() < 0.1,
                note=rnd.choice(["", "felt <ok> & tired"]),
            )
        )
    return out


def history_rows(n: int) -> list[dict[str, Any]]:
    rows = []
    for i, entry in enumerate(days(n)):
        day = TODAY - dt.timedelta(days=i)
        rows.append(
            {
                "day": day,
                "label": day.strftime("%a %d %b"),
                "entry": entry,
                "week": 3,
                "week_label": "wk 3" if i % 3 else "",
                "baseline": i % 6 == 0,
                "off_ldn": i % 6 == 3,
                "edit_url": f"/diary/?date={day}" if i < 7 else None,
            }
        )
    return rows


def record_rows(n: int) -> list[Any]:
    return [d for d in days(n) if d is not None]


def numbers_rows(n: int) -> list[dict[str, Any]]:
    return [
        {"date": TODAY - dt.timedelta(days=i), "logged": e is not None, "entry": e}
        for i, e in enumerate(days(n))
    ]


def panel_rows(n: int) -> list[Any]:
    from tests.rules import evaluate
    from tracker.models import Patient, User
    from tracker.panel import PanelRow

    logged = sorted((d for d in days(90) if d), key=lambda d: d.date)
    evaluations = [
        evaluate(diary, today=today)
        for diary, today in ((logged, TODAY), (logged[:20], logged[20].date), ([], TODAY))
    ]
    rows = []
    for i in range(n):
        user = User(first_name="Ann", last_name=f"Lee {i}", email=f"ann{i}@example.org")
        rows.append(
            PanelRow(
                patient=Patient(user=user, condition="fibromyalgia"),
                status=evaluations[i % 3],
                open_alerts=i % 4,
                urgent_alerts=i % 2 * (i % 4),
                last_review=None,
                spark=[None if j % 5 == 0 else j % 10 for j in range(28)],
                url=f"/clinic/patients/{i}/",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=365)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ldn_tracker.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghij")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.template import engines

    engine = engines["django"]
    tables = {
        "history": history_rows(args.rows),
        "record": record_rows(args.rows),
        "numbers": numbers_rows(args.rows),
        "panel": panel_rows(min(args.rows, 300)),
    }
    print(f"{'table':<8} {'rows':>5} {'µs a row':>9} {'ms a table':>11}")
    for name, rows in tables.items():
        template = engine.from_string("{% load tables %}{% table name rows sorting=columns %}")
        context = {"name": name, "rows": rows, "columns": {}}
        template.render(context)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            template.render(context)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        print(f"{name:<8} {len(rows):>5} {median / len(rows) * 1e6:>9.1f} {median * 1e3:>11.2f}")


if __name__ == "__main__":
    main()
