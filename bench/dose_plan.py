"""Today, the plan page and the record of a liquid patient with a titration plan (issue 21):
statements and milliseconds with no plan and no supply, and with a plan of 20 steps and 50
dispensings, on a year of diary. Production settings, Django's test client.

    .venv/bin/python bench/dose_plan.py [--runs 30] [--database-url sqlite:////tmp/ldn_bench_plan.sqlite3]

Figures on this 2-core machine (SQLite, median of 30 requests, 365 days of diary; load
average 4-5 from a test run just before):

    | Page    | plain: statements · ms | 20 steps + 50 supplies: statements · ms |
    |---------|------------------------|-----------------------------------------|
    | Today   | 6 · 12.5               | 6 · 13.0                                |
    | /plan/  | 6 · 8.2                | 8 · 22.6                                |
    | Record  | 12 · 25.4              | 12 · 44.6                               |

Today's statements stay the same: the plan is one read whatever its length. The record
reads the supplies in one more statement only when there are some (the plain run has none),
and 50 bottles (four years of supply) cost it 19 ms, most of it reading the 50 rows and the
estimate's walk over every day since the first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import common


def measure(client, path: str, runs: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200, path
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    return len(queries), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default="sqlite:////tmp/ldn_bench_plan.sqlite3")
    args = parser.parse_args()
    if args.database_url.startswith("sqlite:///"):  # a fresh file each run
        Path(args.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    common.start(args.database_url)
    from django.core.signals import request_started
    from django.db import reset_queries

    request_started.disconnect(reset_queries)  # count a request's statements from outside

    from tracker.models import Clinic, DailyEntry, Dispensing, Patient, Prescription, User
    from tracker.services.enrolment import enrol
    from tracker.services.status import refresh_patient

    clinic = Clinic.objects.create(name="Bench")
    doctor = User.objects.create_user("doc@bench.example", "x", role="clinician", clinic=clinic)
    user = User.objects.create_user("pat@bench.example", "x", role="patient", clinic=clinic)
    patient = enrol(user=user, clinician=doctor)
    today = patient.diary_today()
    Prescription.objects.create(patient=patient, dose_mg=Decimal("3"), formulation="liquid",
                                dose_unit="ml", strength_mg=Decimal(1),
                                start_date=today - dt.timedelta(days=400))  # fmt: skip
    DailyEntry.objects.bulk_create(
        DailyEntry(patient=patient, date=today - dt.timedelta(days=n), dose_taken=True,
                   dose_mg=Decimal(3), dose_amount=Decimal(3), dose_unit="ml",
                   time_taken=dt.time(22), sleep_hours=Decimal(7), sleep_quality=3,
                   dreams="normal", headache=0, pain=5, mood=5)
        for n in range(1, 366)
    )  # fmt: skip
    refresh_patient(patient)
    pages = {"Today": "/diary/", "/plan/": "/plan/", "Record": f"/clinic/patients/{patient.pk}/"}
    as_patient, as_doctor = common.signed_in(user), common.signed_in(doctor)

    def run() -> dict[str, tuple[int, float]]:
        return {
            name: measure(as_doctor if name == "Record" else as_patient, path, args.runs)
            for name, path in pages.items()
        }

    plain = run()
    for n in range(20):
        Prescription.objects.create(patient=patient, dose_mg=Decimal(3) + Decimal("0.25") * n,
                                    formulation="liquid", dose_unit="ml", strength_mg=Decimal(1),
                                    start_date=today + dt.timedelta(days=7 * (n + 1)))  # fmt: skip
    Dispensing.objects.bulk_create(
        Dispensing(patient=patient, dispensed_on=today - dt.timedelta(days=7 * n),
                   amount=Decimal(30), unit="ml", strength_mg=Decimal(1))
        for n in range(50)
    )  # fmt: skip
    Patient.objects.get(pk=patient.pk)
    planned = run()
    print("| Page    | plain: statements · ms | 20 steps + 50 supplies: statements · ms |")
    print("|---------|------------------------|-----------------------------------------|")
    for name in pages:
        (q0, t0), (q1, t1) = plain[name], planned[name]
        print(f"| {name:<7} | {q0} · {t0:.1f}".ljust(36) + f"| {q1} · {t1:.1f}".ljust(42) + "|")


if __name__ == "__main__":
    main()
