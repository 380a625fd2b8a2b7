"""Background work with real worker processes (issue 10): the database queue, or Redis (RQ)
when REDIS_URL is set, as in CI's PostgreSQL pass. The test process enqueues; a worker
started with `manage.py` does the sending, to files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tracker.models import Notification
from tracker.notifications import outbox as notifications

from .factories import valid_form_data

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True), pytest.mark.real_clock]
ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL", "")
WAIT = 40  # seconds: the worker's start-up, then a poll a second


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def queue(settings, tmp_path):
    """Point this process at the real queue, and give back a way to start workers."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    if REDIS_URL:
        redis_url = REDIS_URL.rsplit("/", 1)[0] + "/14"
        import redis

        redis.Redis.from_url(redis_url).flushdb()
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
        }
        settings.RQ_QUEUES = {"default": {"URL": redis_url}}
        command = [
            "rqworker", "default", "--with-scheduler", "--job-class", "django_tasks_rq.Job",
            "--worker-class", "tracker.rq_worker.Worker",
        ]  # fmt: skip
        env_queue = {"TASKS_BACKEND": "redis", "REDIS_URL": redis_url}
    else:
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        command = ["db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"]
        env_queue = {"TASKS_BACKEND": "database"}
    workers: list[subprocess.Popen[bytes]] = []

    def start(*, slow: bool = False) -> subprocess.Popen[bytes]:
        env = {
            k: v for k, v in os.environ.items()
            if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_XDIST_WORKER")
        } | env_queue | {
            "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "ldn_tracker.settings",
            "DJANGO_DEBUG": "true",
            "EMAIL_BACKEND_CLASS": "tests.slow_mail.SlowFileBackend" if slow
            else "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "SLOW_MAIL_SECONDS": "6",
            "LOG_LEVEL": "WARNING",
        }  # fmt: skip
        worker = subprocess.Popen(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, start_new_session=True
        )
        workers.append(worker)
        return worker

    yield start, mail_dir
    for worker in workers:
        stop(worker)


def stop(worker: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)  # the worker and any child it forked
        worker.wait(timeout=20)


def wait_for(condition, seconds: float = WAIT) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def mails(directory: Path) -> list[str]:
    """The emails written so far (a file still being written is not one yet)."""
    texts = [p.read_text() for p in sorted(directory.glob("*.log"))]
    return [t for t in texts if t.rstrip().endswith("-" * 79)]


def test_an_opioid_entry_reaches_the_clinician_by_email(client, patient, clinician, queue):
    start, mail_dir = queue
    start()
    client.force_login(patient.user)
    day = patient.diary_today()
    client.post(
        "/diary/", valid_form_data(day, opioid_taken="yes", opioid_name="tramadol", pain="8")
    )
    assert wait_for(lambda: mails(mail_dir)), "no email within the wait"
    (email,) = mails(mail_dir)
    assert f"To: {clinician.email}" in email
    assert "An urgent alert needs your attention in LDN Tracker" in email
    for private in ("tramadol", "Ada", "pain", "opioid"):
        assert private not in email, private
    assert wait_for(lambda: Notification.objects.get().status == "sent")


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(
    patient, clinician, queue, settings
):
    start, mail_dir = queue
    slow = start(slow=True)
    row = notifications.queue(
        kind="digest", key="killed mid-send", recipient=clinician, for_date=patient.diary_today()
    )
    assert row is not None
    # A digest needs something in it: an urgent alert open for a digest-only clinician.
    clinician.urgent_alert_emails = False
    clinician.save()
    from tracker.models import Alert

    Alert.objects.create(patient=patient, kind="liver", priority=0, on=patient.diary_today())
    notifications.enqueue(row.pk)
    assert wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sending")
    stop(slow, signal.SIGKILL)  # mid-send: the email was never handed over
    assert mails(mail_dir) == []
    settings.SEND_STALE_SECONDS = 1
    start()
    time.sleep(1.5)
    notifications.requeue_overdue()
    assert wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent")
    time.sleep(2)  # anything sent twice would have arrived by now
    assert len(mails(mail_dir)) == 1


def test_two_workers_never_send_one_message_twice(patient, clinician, queue):
    start, mail_dir = queue
    start()
    start()
    from tracker.models import Alert

    alert = Alert.objects.create(
        patient=patient, kind="liver", priority=0, on=patient.diary_today()
    )
    row = notifications.queue(kind="urgent_alert", key="twice", recipient=clinician, alert=alert)
    assert row is not None
    for _ in range(10):  # a scheduler and a sweep and a retry all asking at once
        notifications.enqueue(row.pk)
    assert wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent")
    time.sleep(3)
    assert len(mails(mail_dir)) == 1
