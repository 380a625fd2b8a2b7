"""Time the clinician's panel: a clinician with 300 patients × 365 days of diary against one
with 5, interleaved in the same run, with 5,000 more patients in the database (issue 14
budget: median ≤ 20 ms at 300, and panel(300) ≤ 2 × panel(5)).

    .venv/bin/python bench/panel.py [--patients 300] [--small 5] [--days 365] [--runs 60]
        [--others 5000] [--database-url sqlite:////tmp/ldn-bench.sqlite3 | postgres://postgres@127.0.0.1:5432/ldn_bench]

The clinics are generated once per database (the same sizes are reused on later runs)
through the same code the app uses, then each panel is requested through Django's test
client with production settings (DEBUG off); the medians, 95th percentiles, the ratio and
the queries per page are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import common


def generate(patients: int, days: int) -> object:
    from decimal import Decimal

    from django.db import transaction

    from tracker.models import Clinic, DailyEntry, Patient, User
    from tracker.services.status import refresh_patient

    name = f"Benchmark clinic {patients}x{days}"
    clinic = Clinic.objects.filter(name=name).first()
    if clinic is not None:
        return User.objects.get(clinic=clinic, role="clinician")
    started = time.perf_counter()
    rng = random.Random(1)
    with transaction.atomic():
        clinic = Clinic.objects.create(name=name)
        doctor = User.objects.create_user(
            f"doctor-{patients}x{days}@bench.example", None, role="clinician", clinic=clinic
        )
        users = User.objects.bulk_create(
            User(
                email=f"p{i}-{patients}x{days}@bench.example",
                first_name=f"Patient{i}",
                last_name="Bench",
                role="patient",
                clinic=clinic,
            )
            for i in range(patients)
        )
        people = Patient.objects.bulk_create(
            Patient(user=u, clinician=doctor, condition="fibromyalgia") for u in users
        )
        today = people[0].diary_today()
        batch = []
        for p in people:
            for n in range(days):
                treated = n < days - 7
                batch.append(
                    DailyEntry(
                        patient=p,
                        date=today - dt.timedelta(days=n),
                        dose_taken=treated,
                        dose_mg=Decimal("4.5") if treated else None,
                        time_taken=dt.time(22) if treated else None,
                        sleep_hours=Decimal("7"),
                        sleep_quality=rng.randint(1, 5),
                        dreams="normal",
                        headache=rng.choice([0, 0, 3]),
                        pain=rng.randint(2, 8),
                        mood=rng.randint(3, 8),
                        opioid_taken=rng.random() < 0.0005,
                    )
                )
                if len(batch) >= 5000:
                    DailyEntry.objects.bulk_create(batch)
                    batch = []
        DailyEntry.objects.bulk_create(batch)
        for p in people:
            refresh_patient(p)
    print(f"Generated {patients} patients × {days} days in {time.perf_counter() - started:.1f} s")
    return doctor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--small", type=int, default=5)
    parser.add_argument("--others", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--database-url", default="sqlite:////tmp/ldn-bench.sqlite3")
    args = parser.parse_args()
    common.start(args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    big, small = generate(args.patients, args.days), generate(args.small, args.days)
    if args.others:
        import outcomes

        outcomes.generate(args.others)

    def warmed(doctor: object) -> object:
        client = common.signed_in(doctor)
        for _ in range(3):  # warm caches and connections
            assert client.get("/clinic/").status_code == 200
        return client

    clients = {args.patients: warmed(big), args.small: warmed(small)}
    samples: dict[int, list[float]] = {size: [] for size in clients}
    for _ in range(args.runs):  # interleaved, so both see the same machine
        for size, client in clients.items():
            start = time.perf_counter()
            response = client.get("/clinic/")
            samples[size].append((time.perf_counter() - start) * 1000)
    medians = {}
    for size, client in clients.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/clinic/")
        rows = response.content.count(b'<tr class="panel-row')
        times = sorted(samples[size])
        medians[size] = statistics.median(times)
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(
            f"{connection.vendor}: panel of {size} patients × {args.days} days ({rows} on the "
            f"page): median {medians[size]:.1f} ms, p95 {p95:.1f} ms, {len(queries)} queries"
        )
    from tracker.models import Patient

    ratio = medians[args.patients] / medians[args.small]
    print(f"{Patient.objects.count()} patients in the database; {args.runs} runs each")
    print(
        f"panel({args.patients}) / panel({args.small}) = {ratio:.2f} (budget 2: "
        f"{'within' if ratio <= 2 else 'OVER'}); median at {args.patients} "
        f"{medians[args.patients]:.1f} ms (budget 20 ms: "
        f"{'within' if medians[args.patients] <= 20 else 'OVER'})"
    )


if __name__ == "__main__":
    main()
