"""Queue and send the diary reminders of a clinic of any size (issue 10): how long the
scheduled run takes to write them, how fast one worker sends them, and how many database
rows and statements one reminder costs.

    .venv/bin/python bench/reminders.py [--patients 5000]
        [--database-url sqlite:////tmp/ldn-bench-reminders.sqlite3 | postgres://postgres@127.0.0.1:5432/ldn_bench_reminders]
        [--queue database | redis]   (redis: REDIS_URL=redis://127.0.0.1:6379/13)

The clinic is made fresh each run. Every patient wants a reminder a minute ago and has not
logged today. A real worker (`manage.py db_worker --batch`, or an RQ burst worker) then
sends them all; email goes to Django's in-memory backend, so SMTP is not what is timed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--database-url", default="sqlite:////tmp/ldn-bench-reminders.sqlite3")
    parser.add_argument("--queue", choices=["database", "redis"], default="database")
    args = parser.parse_args()
    from common import prepare_environment  # the same database preparation

    if args.database_url.startswith("sqlite:///"):
        Path(args.database_url.removeprefix("sqlite://")).unlink(missing_ok=True)
    else:  # a fresh database each run
        from urllib.parse import urlparse

        import psycopg

        parts = urlparse(args.database_url)
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}"')
    prepare_environment(args.database_url)
    env = {
        "TASKS_BACKEND": args.queue,
        "EMAIL_BACKEND_CLASS": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    if args.queue == "redis":
        env["REDIS_URL"] = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13")
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tracker.models import Clinic, Notification, Patient, PatientSummary, User
    from tracker.services import reminders

    call_command("migrate", verbosity=0)
    if args.queue == "redis":
        import django_rq

        django_rq.get_connection("default").flushdb()
    started = time.perf_counter()
    name = f"Reminder bench {time.time_ns()}"
    with transaction.atomic():
        clinic = Clinic.objects.create(name=name)
        users = User.objects.bulk_create(
            User(
                email=f"r{i}-{name.split()[-1]}@bench.example",
                first_name=f"P{i}",
                role="patient",
                clinic=clinic,
            )
            for i in range(args.patients)
        )
        minute_ago = (
            timezone.localtime(timezone.now(), timezone=dt.UTC) - dt.timedelta(minutes=1)
        ).time()
        people = Patient.objects.bulk_create(
            Patient(user=u, condition="fibromyalgia", time_zone="UTC", reminders=True,
                    reminder_time=minute_ago.replace(second=0, microsecond=0), reminders_asked=True)
            for u in users
        )  # fmt: skip
        PatientSummary.objects.bulk_create(
            PatientSummary(patient=p, outcome="pain") for p in people
        )
    print(
        f"{connection.vendor}, queue {args.queue}: made {args.patients} patients in {time.perf_counter() - started:.1f} s"
    )

    before = {
        t: _rows(connection, t)
        for t in ("tracker_notification", "django_tasks_database_dbtaskresult")
    }
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queued_queries, transaction.atomic():
        queued = reminders.queue_due()
    queue_seconds = time.perf_counter() - started
    print(f"queue_due: {queued} reminders queued in {queue_seconds:.2f} s "
          f"({len(queued_queries)} statements in all)")  # fmt: skip

    command = (
        ["db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0.1", "-v", "0"]
        if args.queue == "database"
        else ["rqworker", "default", "--burst", "--job-class", "django_tasks_rq.Job", "--worker-class", "rq.SimpleWorker"]
    )  # fmt: skip
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=os.environ | {"DJANGO_DEBUG": "true"},
        check=True,
    )
    send_seconds = time.perf_counter() - started
    sent = Notification.objects.filter(status="sent").count()
    print(f"one worker sent {sent} in {send_seconds:.1f} s: {sent / send_seconds:.0f} reminders/s "
          "(process start-up included)")  # fmt: skip
    after = {t: _rows(connection, t) for t in before}
    added = {t: after[t] - before[t] for t in before}
    print("database rows written per reminder: "
          + ", ".join(f"{t.removeprefix('tracker_')} {added[t] / max(queued, 1):.2f}" for t in added))  # fmt: skip

    # The statements one send costs, in this process, on a reminder queued afresh.
    from tracker.models import SendKind
    from tracker.notifications import outbox as notifications

    one = Notification.objects.create(kind=SendKind.REMINDER, key="bench one", recipient=users[0],
                                      for_date=timezone.localdate(), clinic=clinic)  # fmt: skip
    with CaptureQueriesContext(connection) as send_queries:
        notifications.deliver(one.pk)
    print(f"statements per send: {len(send_queries)}")


def _rows(connection, table: str) -> int:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        try:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (our own table names)
        except Exception:
            return 0
        return int(cursor.fetchone()[0])


if __name__ == "__main__":
    main()
