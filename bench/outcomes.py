"""Time the clinic outcomes page (issue 13 budget: median ≤ 200 ms at 5,000 patients on
PostgreSQL, 4 queries at most whatever the size).

    .venv/bin/python bench/outcomes.py [--patients 5000] [--runs 30]
        [--database-url postgres://postgres@127.0.0.1:5432/ldn_bench | sqlite:////tmp/ldn-bench.sqlite3]

The clinic is generated once per database: patients with the stored summaries the page
reads (varied conditions, doses, verdicts, adherence and days to a stable dose), a third of
them reviewed at week 6 with a snapshot, a few at week 12. Then the page is requested
through Django's test client with production settings and the median and 95th percentile
printed, with the queries it took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import common

VERDICTS = ["responding", "partial", "no_response", "worse", "insufficient_data"]
CONDITIONS = ["fibromyalgia", "crps", "ms", "long_covid", "neuropathic", "ibd"]
DOSES = ["1.5", "3.0", "4.5", "4.5", "4.5"]


def generate(patients: int) -> object:
    from django.db import transaction

    from tracker.models import Clinic, ClinicalReview, Patient, PatientSummary, User

    name = f"Outcomes benchmark clinic {patients}"
    clinic = Clinic.objects.filter(name=name).first()
    if clinic is not None:
        return User.objects.get(clinic=clinic, role="clinician")
    started = time.perf_counter()
    rng = random.Random(13)
    today = dt.date.today()
    with transaction.atomic():
        clinic = Clinic.objects.create(name=name)
        doctor = User.objects.create_user(
            f"doctor-outcomes-{patients}@bench.example", None, role="clinician", clinic=clinic
        )
        users = User.objects.bulk_create(
            User(email=f"o{i}-{patients}@bench.example", role="patient", clinic=clinic)
            for i in range(patients)
        )
        people = Patient.objects.bulk_create(
            Patient(user=u, clinician=doctor, condition=rng.choice(CONDITIONS)) for u in users
        )
        summaries, reviews = [], []
        for p in people:
            treated = rng.randint(0, 200)
            verdict, dose = rng.choice(VERDICTS), rng.choice(DOSES)
            reviewed = treated >= 42 and rng.random() < 0.5
            summaries.append(
                PatientSummary(
                    patient=p, outcome="pain", day_one=today - dt.timedelta(days=treated),
                    dose_mg=Decimal(dose), review_point=2 if reviewed else 1,
                    review_week=12 if reviewed else 6,
                    review_on=today - dt.timedelta(days=treated - 41 - (42 if reviewed else 0)),
                    judged=verdict, verdict=verdict, adherence=Decimal(rng.randint(60, 100)) / 100,
                    stable_after_days=rng.choice([None, 15, 22, 29, 36]) if treated > 28 else None,
                )
            )  # fmt: skip
            if reviewed:
                reviews.append(
                    ClinicalReview(
                        patient=p, point=1, outcome="continue", recorded_by=doctor,
                        snapshot={"judged": rng.choice(VERDICTS), "dose_mg": dose},
                    )
                )  # fmt: skip
        PatientSummary.objects.bulk_create(summaries, batch_size=1000)
        ClinicalReview.objects.bulk_create(reviews, batch_size=1000)
    print(f"Generated {patients} patients in {time.perf_counter() - started:.1f} s")
    return doctor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ldn_bench")
    args = parser.parse_args()
    common.start(args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = common.signed_in(generate(args.patients))
    for _ in range(3):
        assert client.get("/clinic/outcomes/").status_code == 200
    samples = []
    for _ in range(args.runs):
        start = time.perf_counter()
        client.get("/clinic/outcomes/")
        samples.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get("/clinic/outcomes/")
    data = [q for q in queries if "summary" in q["sql"] or "clinicalreview" in q["sql"]]
    samples.sort()
    median, p95 = statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]
    print(
        f"{connection.vendor}: outcomes of {args.patients} patients: median {median:.1f} ms, "
        f"p95 {p95:.1f} ms, {len(data)} outcome queries of {len(queries)} ({args.runs} runs)"
    )
    print(f"budget 200 ms: {'within' if median <= 200 else 'OVER'}")


if __name__ == "__main__":
    main()
