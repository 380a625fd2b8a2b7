"""Background work on Django's Tasks framework, and its schedule (django-crontask: the
`crontask` process enqueues these on time; workers run them). Every task is safe to run
twice or at once in two workers: what it sends is a row first (notifications/outbox.py,
where the delivery tasks are).

Schedule (UTC; each task picks the clinics or patients whose local time has come), run by
`manage.py schedule` (scheduling.py), which also queues `worker_heartbeat` every minute:
- every 5 minutes: reminders due now (each patient's own time zone and chosen time);
- every 2 minutes (SWEEP_SECONDS): sends a worker never finished or the queue lost, urgent
  alerts not yet announced;
- every hour at :30: the nightly re-evaluation, for clinics where it is now 04:xx, queued
  as batches of patients that every worker shares (the sweep re-queues one left unfinished);
- every hour at :00: the morning digest, for clinics where it is now 07:xx."""

from __future__ import annotations

import logging
import os
import socket

from crontask import cron
from django.tasks import task
from django.utils import timezone

from .models import Clinic, Heartbeat
from .notifications import outbox
from .services import clinician_notices, nightly, plan, reminders

log = logging.getLogger(__name__)
NIGHT_HOUR = 4  # just after the default day boundary (04:00): yesterday is complete


@task()
def worker_heartbeat() -> str:
    """Queued every minute by the scheduler: a worker that runs it is alive (`/health/`)."""
    Heartbeat.beat("worker", f"{socket.gethostname()} pid {os.getpid()}")
    return "ok"


@cron("*/5 * * * *")
@task()
def send_due_reminders() -> int:
    queued = reminders.queue_due()
    log.info(
        "scheduled run", extra={"event": "scheduled_run", "task": "reminders", "queued": queued}
    )
    return queued


@cron("10 * * * *")
@task()
def send_supply_reminders() -> int:
    """Hourly: each patient whose supply runs out within a week is reminded once, by day."""
    queued = plan.queue_supply_reminders()
    log.info("scheduled run", extra={"event": "scheduled_run", "task": "supply", "queued": queued})
    return queued


@task()
def sweep() -> dict[str, int]:
    result = {
        "requeued": outbox.requeue_overdue(),
        "urgent_alerts": clinician_notices.announce_missed(),
        "nightly_batches": nightly.requeue_stale(_enqueue_batch),
    }
    log.info("scheduled run", extra={"event": "scheduled_run", "task": "sweep", **result})
    return result


@cron("30 * * * *")
@task()
def nightly_reevaluation() -> dict[str, int]:
    """Re-evaluate the patients of every clinic where it is now the small hours (a day
    without an entry makes "not logging" and can make a review due): planned here as
    batches on the queue, so every worker takes a share (services/nightly.py)."""
    now = timezone.now()
    clinics = [c for c in Clinic.objects.all() if now.astimezone(c.zone).hour == NIGHT_HOUR]
    queued = nightly.plan_night(clinics, _enqueue_batch, now)
    result = {"clinics": len(clinics), "batches": queued}
    log.info("scheduled run", extra={"event": "scheduled_run", "task": "nightly", **result})
    return result


@task()
def reevaluate_batch(pk: int) -> dict[str, int]:
    """One batch of the nightly re-evaluation; its urgent alerts are announced at once."""
    run = nightly.run_batch(pk)
    if run is None:
        return {"batch": pk, "checked": 0}
    clinician_notices.announce_missed()
    result = {"batch": pk, "checked": run.checked, "failed": run.failed, "raised": run.raised}
    log.info("scheduled run", extra={"event": "scheduled_run", "task": "nightly_batch", **result})
    return result


def _enqueue_batch(pk: int) -> object:
    return reevaluate_batch.enqueue(pk)


@cron("0 * * * *")
@task()
def morning_digests() -> int:
    queued = clinician_notices.queue_digests()
    log.info("scheduled run", extra={"event": "scheduled_run", "task": "digests", "queued": queued})
    return queued
