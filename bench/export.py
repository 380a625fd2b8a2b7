"""Export five years of one patient's daily diary (issue 11): time and peak memory for the
CSV, the JSON (every revision) and the FHIR Bundle, read through the views as a browser
would, streamed.

    .venv/bin/python bench/export.py [--years 5] [--database-url postgres://postgres@127.0.0.1:5432/ldn_bench_export]

Peak memory is Python's own allocations while one export is read (tracemalloc), and the
growth of the process's resident size; a diary held whole would grow both with its length.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import common


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--database-url", default="sqlite:////tmp/ldn-bench-export.sqlite3")
    args = parser.parse_args()
    common.start(args.database_url)
    from django.db import transaction

    from tracker.models import Clinic, DailyEntry, EntryRevision, Patient, User
    from tracker.services.status import refresh_patient

    days = args.years * 365 + args.years // 4
    name = f"Export bench {days} days"
    clinic = Clinic.objects.filter(name=name).first()
    if clinic is None:
        rng = random.Random(5)
        with transaction.atomic():
            clinic = Clinic.objects.create(name=name)
            doctor = User.objects.create_user(
                f"doc-{days}@bench.example", None, role="clinician", clinic=clinic
            )
            user = User.objects.create_user(
                f"pat-{days}@bench.example", None, first_name="Pat", role="patient", clinic=clinic
            )
            patient = Patient.objects.create(user=user, clinician=doctor, condition="fibromyalgia")
            first = dt.date.today() - dt.timedelta(days=days - 1)
            rows = [
                DailyEntry(
                    patient=patient,
                    date=first + dt.timedelta(n),
                    dose_taken=n >= 7,
                    dose_mg=Decimal("4.5") if n >= 7 else None,
                    time_taken=dt.time(22) if n >= 7 else None,
                    sleep_hours=Decimal("7.25"),
                    sleep_quality=rng.randint(1, 5),
                    dreams="normal",
                    headache=rng.choice([0, 1]),
                    pain=rng.randint(2, 8),
                    mood=rng.randint(3, 8),
                    fatigue=rng.randint(0, 10),
                    note="An ordinary day." if n % 10 == 0 else "",
                    version=2 if n % 7 == 0 else 1,
                    updated_by=user,
                )
                for n in range(days)
            ]
            DailyEntry.objects.bulk_create(rows, batch_size=2000)
            EntryRevision.objects.bulk_create(
                (EntryRevision(entry=e, version=1, data=e.snapshot(), recorded_by=user, recorded_at=e.created_at, replaced_by=user)
                 for e in DailyEntry.objects.filter(patient=patient, version=2)),
                batch_size=2000,
            )  # fmt: skip
        refresh_patient(patient)
    patient = Patient.objects.get(user__clinic=clinic)
    doctor = patient.clinician
    print(
        f"One patient, {patient.entries.count()} diary days, {EntryRevision.objects.filter(entry__patient=patient).count()} earlier versions"
    )

    for label, user, path in (
        ("patient CSV", patient.user, "/export/diary.csv"),
        ("patient JSON", patient.user, "/export/diary.json"),
        ("clinician CSV", doctor, f"/clinic/patients/{patient.pk}/export.csv"),
        ("clinician FHIR", doctor, f"/clinic/patients/{patient.pk}/fhir.json"),
    ):
        client = common.signed_in(user)

        def read(client=client, path=path) -> int:  # type: ignore[no-untyped-def]
            return sum(len(chunk) for chunk in client.get(path).streaming_content)

        read()  # warm: imports, templates, connections
        started = time.perf_counter()
        size = read()
        seconds = time.perf_counter() - started
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        read()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"{label:<15} {seconds * 1000:7.0f} ms  {size / 1e6:6.2f} MB out  "
            f"peak Python memory {peak / 1e6:5.1f} MB  resident growth {(rss_after - rss_before) / 1024:5.1f} MB"
        )


if __name__ == "__main__":
    main()
