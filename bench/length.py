"""How the record's and Trends' default views cost with the diary's length (issue 24:
≤ 1.2× from 30 to 1,825 days): one patient each with 30, 365 and 1,825 days, each page
requested through Django's test client with production settings, interleaved round by
round; medians and queries per page are printed.

    .venv/bin/python bench/length.py [--lengths 30 365 1825] [--runs 40]
        [--database-url postgres://postgres@127.0.0.1:5432/ldn_bench_length]
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


def generate(days: int) -> tuple[object, object]:
    """(patient, clinician) with `days` days of diary, made once per database."""
    from decimal import Decimal

    from tracker.models import Clinic, DailyEntry, Patient, Prescription, User
    from tracker.services.enrolment import enrol
    from tracker.services.status import refresh_patient

    name = f"Length benchmark {days}"
    clinic = Clinic.objects.filter(name=name).first()
    if clinic is not None:
        patient = Patient.objects.select_related("user").get(user__clinic=clinic)
        return patient, User.objects.get(clinic=clinic, role="clinician")
    clinic = Clinic.objects.create(name=name)
    doctor = User.objects.create_user(f"doctor-{days}@length.example", None, role="clinician",
                                      clinic=clinic, first_name="Dee")  # fmt: skip
    user = User.objects.create_user(f"p-{days}@length.example", None, role="patient",
                                    clinic=clinic, first_name="Len")  # fmt: skip
    patient = enrol(user=user, clinician=doctor, condition="fibromyalgia", takes_opioids=False,
                    pregnancy="no", enrolment_answered_on=dt.date.today())  # fmt: skip
    today = patient.diary_today()
    Prescription.objects.create(patient=patient, dose_mg=Decimal("4.5"),
                                start_date=today - dt.timedelta(days=days - 7))  # fmt: skip
    rng = random.Random(days)
    DailyEntry.objects.bulk_create(
        DailyEntry(
            patient=patient, date=today - dt.timedelta(days=n), dose_taken=n < days - 7,
            dose_mg=Decimal("4.5") if n < days - 7 else None,
            time_taken=dt.time(22) if n < days - 7 else None, sleep_hours=Decimal("7"),
            sleep_quality=rng.randint(1, 5), dreams="normal", headache=rng.choice([0, 1]),
            pain=rng.randint(2, 8), mood=rng.randint(3, 8),
        )
        for n in range(days)
    )  # fmt: skip
    refresh_patient(patient)
    return patient, doctor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[30, 365, 1825])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/ldn_bench_length"
    )
    args = parser.parse_args()
    common.start(args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages = {}
    for days in args.lengths:
        patient, doctor = generate(days)
        patient_client, doctor_client = common.signed_in(patient.user), common.signed_in(doctor)
        pages[("Trends", days)] = (patient_client, "/trends/")
        pages[("record", days)] = (doctor_client, f"/clinic/patients/{patient.pk}/")
    times: dict[tuple[str, int], list[float]] = {key: [] for key in pages}
    queries = {}
    for key, (client, path) in pages.items():  # warm, and count the queries once
        with CaptureQueriesContext(connection) as seen:
            assert client.get(path).status_code == 200, key
        queries[key] = len(seen)
    for _ in range(args.runs):
        for key, (client, path) in pages.items():
            started = time.perf_counter()
            client.get(path)
            times[key].append((time.perf_counter() - started) * 1000)
    print(f"default views by diary length, median of {args.runs} interleaved runs "
          f"({args.database_url.split(':')[0]})")  # fmt: skip
    for page in ("Trends", "record"):
        medians = [statistics.median(times[(page, d)]) for d in args.lengths]
        cells = ", ".join(f"{d} days {m:.1f} ms ({queries[(page, d)]} queries)"
                          for d, m in zip(args.lengths, medians, strict=True))  # fmt: skip
        print(f"{page}: {cells}; longest ÷ shortest {medians[-1] / medians[0]:.2f}×")


if __name__ == "__main__":
    main()
