"""Time the nightly re-evaluation (issue 24): a clinic of N patients × D days, its night
planned as batches (tracker/services/nightly.py) and run by one worker process, then by
two, each claiming batches as a queue worker does; ms per patient and the second worker's
speed-up are printed, with the machine's load.

The nights are the first ones after the generated diaries end (the workers' clock is set
to them), each a day after the one before, as real nights are: the first re-evaluates
everyone in full (as `refresh_alerts` does, and as a night does for a patient whose diary
changed), the next ones carry each patient on from the night before
(services/incremental.py), with one worker and then with two.

    .venv/bin/python bench/refresh.py [--patients 500 1000 5000] [--days 365] [--workers 1 2]
        [--database-url postgres://postgres@127.0.0.1:5432/ldn_bench | sqlite:////tmp/x.sqlite3]

Clinics are generated once per database and size. The workers start together once each
has set Django up, so the time is the night's work, not the processes' start."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import time_machine


def generate(patients: int, days: int) -> int:
    """The clinic's id: N patients of D days each, summaries stored as the app stores them."""
    from decimal import Decimal

    from django.db import transaction

    from tracker.models import Clinic, DailyEntry, Patient, Prescription, User
    from tracker.services.status import refresh_everyone

    name = f"Nightly benchmark {patients}x{days}"
    found = Clinic.objects.filter(name=name).first()
    if found is not None:
        return found.pk
    started = time.perf_counter()
    rng = random.Random(patients)
    with transaction.atomic():
        clinic = Clinic.objects.create(name=name)
        users = User.objects.bulk_create(
            User(email=f"n{i}-{patients}x{days}@bench.example", role="patient", clinic=clinic)
            for i in range(patients)
        )
        people = Patient.objects.bulk_create(
            Patient(user=u, condition="fibromyalgia", takes_opioids=False,
                    enrolment_answered_on=dt.date.today() - dt.timedelta(days=days))
            for u in users
        )  # fmt: skip
        today = people[0].diary_today()
        Prescription.objects.bulk_create(
            Prescription(patient=p, dose_mg=Decimal("4.5"),
                         start_date=today - dt.timedelta(days=days - 7))
            for p in people
        )  # fmt: skip
        batch: list[DailyEntry] = []
        for p in people:
            silent = rng.random() < 0.2  # a fifth stopped logging some days ago
            for n in range(4 if silent else 0, days):
                treated = n < days - 7
                batch.append(DailyEntry(
                    patient=p, date=today - dt.timedelta(days=n), dose_taken=treated,
                    dose_mg=Decimal("4.5") if treated else None,
                    time_taken=dt.time(22) if treated else None, sleep_hours=Decimal("7"),
                    sleep_quality=rng.randint(1, 5), dreams=rng.choice(["normal", "vivid"]),
                    headache=rng.choice([0, 0, 1, 3]), pain=rng.randint(2, 8),
                    mood=rng.randint(3, 8), opioid_taken=rng.random() < 0.0005,
                ))  # fmt: skip
                if len(batch) >= 10_000:
                    DailyEntry.objects.bulk_create(batch)
                    batch = []
        DailyEntry.objects.bulk_create(batch)
    from tracker.models import PatientSummary

    PatientSummary.objects.bulk_create(
        [PatientSummary(patient=p) for p in people], ignore_conflicts=True
    )
    refresh_everyone(Patient.objects.filter(user__clinic=clinic))
    print(f"generated {patients} patients × {days} days in {time.perf_counter() - started:.0f} s")
    return clinic.pk


def plan(clinic_id: int) -> list[int]:
    """Tonight's batches for the clinic, afresh."""
    from tracker.models import Clinic, NightlyBatch
    from tracker.services import nightly

    NightlyBatch.objects.filter(clinic_id=clinic_id).delete()
    nightly.plan_night([Clinic.objects.get(pk=clinic_id)], lambda pk: None)
    return list(NightlyBatch.objects.filter(clinic_id=clinic_id).values_list("pk", flat=True))


def worker(url: str, batches: list[int], go: Path, ahead: int, full: bool) -> None:
    """One worker process: set up, wait for the start, claim and run batches in turn (a
    batch another worker claimed first is skipped, as on the queue), `ahead` days from
    now; with `full`, every patient re-evaluated in full."""
    common.prepare_environment(url)
    import django
    import time_machine

    django.setup()
    from django.db import connection

    from tracker.services import incremental, nightly

    connection.ensure_connection()
    if full:
        incremental.reevaluate = lambda patients: (0, list(patients))
    while not go.exists():
        time.sleep(0.01)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=ahead), tick=True):
        for pk in batches:
            nightly.run_batch(pk)


def ahead(clinic_id: int, night: int) -> int:
    """Days from today to the clinic's `night`-th night after its diaries end (1: the
    first): each run measures the same nights, whatever earlier runs evaluated."""
    from django.db.models import Max

    from tracker.models import DailyEntry

    last = DailyEntry.objects.filter(patient__user__clinic_id=clinic_id).aggregate(
        last=Max("date")
    )["last"]
    return (last - dt.date.today()).days + night


def night(url: str, clinic_id: int, number: int, workers: int, *, full: bool = False) -> float:
    """Seconds for `workers` processes to re-evaluate the clinic's night `number`."""
    days = ahead(clinic_id, number)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=days), tick=True):
        batches = plan(clinic_id)
    go = Path(tempfile.mkdtemp(prefix="ldn-night-")) / "go"
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    procs = [
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                __file__,
                "--worker",
                "--database-url",
                url,
                "--go",
                str(go),
                "--batches",
                ",".join(map(str, batches[i::workers] + batches)),
                "--ahead",
                str(days),
                *(["--full"] if full else []),
            ],
            env=env,
        )
        for i in range(workers)
    ]
    time.sleep(3 + workers)  # each has set Django up and connected
    started = time.perf_counter()
    go.touch()
    for p in procs:
        if p.wait() != 0:
            raise SystemExit("a worker failed")
    took = time.perf_counter() - started
    from tracker.models import NightlyBatch

    left = NightlyBatch.objects.filter(clinic_id=clinic_id, finished_at__isnull=True).count()
    if left:
        raise SystemExit(f"{left} batches not finished")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, nargs="+", default=[500, 1000, 5000])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/ldn_bench_nightly"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--batches", default="", help=argparse.SUPPRESS)
    parser.add_argument("--go", default="", help=argparse.SUPPRESS)
    parser.add_argument("--ahead", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        batches = [int(b) for b in args.batches.split(",") if b]
        worker(args.database_url, batches, Path(args.go), args.ahead, args.full)
        return
    common.start(args.database_url)
    print(f"load before: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    for size in args.patients:
        clinic = generate(size, args.days)
        # Night 1 in full (every summary as of that night, whatever earlier runs left),
        # then each next night carried on, by one worker, then by two.
        took = night(args.database_url, clinic, 1, 1, full=True)
        print(f"in full (every diary read), {size} patients × {args.days} days, 1 worker: "
              f"{took:.1f} s ({took * 1000 / size:.1f} ms a patient), "
              f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
        times = {}
        for number, n in enumerate(args.workers, start=2):
            times[n] = night(args.database_url, clinic, number, n)
            per = times[n] * 1000 / size
            print(f"nightly re-evaluation, {size} patients × {args.days} days, {n} worker"
                  f"{'s' if n > 1 else ''}: {times[n]:.1f} s ({per:.1f} ms a patient), "
                  f"load {os.getloadavg()[0]:.2f}")  # fmt: skip
        if 1 in times and 2 in times:
            print(f"  the second worker's speed-up: {times[1] / times[2]:.2f}×")


if __name__ == "__main__":
    main()
