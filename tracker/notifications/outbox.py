"""The outbox: sending, idempotent and retried (SPEC §10). A message is a Notification row first, unique
per kind and key, written in the transaction of what caused it; only once that commits is
its delivery queued. Delivery claims the row with a conditional UPDATE (pending → sending),
so two workers, a repeated task or a second scheduler never send it twice: the one that
finds it no longer pending has nothing to do. A failure is retried with growing pauses,
then marked "not delivered". The content is made when sending, from the objects the row
names; it is never stored, and no message names a health value."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks import default_task_backend, task
from django.utils import timezone

from ..models import Notification, SendStatus
from .channels import channel
from .links import link
from .messages import compose

__all__ = ["deliver", "enqueue", "link", "queue", "queue_many", "requeue_overdue", "resend"]

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (60, 300, 1800, 7200)  # after the 1st, 2nd, 3rd and 4th failure


def queue(*, kind: str, key: str, **fields: Any) -> Notification | None:
    """Write the message's row, once per kind and key; its delivery is queued when the
    surrounding transaction commits. None when the row existed already (someone else
    queued it: a second scheduler, a repeated run)."""
    try:
        with transaction.atomic():
            row = Notification.objects.create(kind=kind, key=key[:120], **fields)
    except IntegrityError:
        return None
    transaction.on_commit(lambda: enqueue(row.pk), robust=True)
    return row


def queue_many(rows: list[Notification]) -> int:
    """`queue` for many rows at once (a scheduled run): those that did not exist yet are
    written in one statement and their deliveries queued on commit. Returns how many."""
    if not rows:
        return 0
    kind = rows[0].kind
    existing = set(
        Notification.objects.filter(kind=kind, key__in=[r.key for r in rows]).values_list(
            "key", flat=True
        )
    )
    fresh = [r for r in rows if r.key not in existing]
    Notification.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
    new = list(
        Notification.objects.filter(
            kind=kind, key__in=[r.key for r in fresh], status=SendStatus.PENDING, attempts=0
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: enqueue_many(new), robust=True)
    return len(new)


@task()
def deliver_task(pk: int) -> str:
    """A worker's delivery of one row."""
    return deliver(pk)


@task()
def deliver_many_task(pks: list[int]) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    for pk in pks:
        status = deliver(pk)
        outcomes[status] = outcomes.get(status, 0) + 1
    return outcomes


def enqueue(pk: int, at: dt.datetime | None = None) -> None:
    """Hand the delivery of row `pk` to a worker (at `at`, where the queue can wait)."""
    job = deliver_task
    if at is not None and default_task_backend.supports_defer:
        job = job.using(run_after=at)
    job.enqueue(pk)


BATCH = 50


def enqueue_many(pks: list[int]) -> None:
    """Deliveries in batches (a scheduled run's hundreds): one task per 50 rows, each row
    still claimed on its own, so a worker that dies mid-batch loses none of them."""
    for start in range(0, len(pks), BATCH):
        deliver_many_task.enqueue(pks[start : start + BATCH])


def deliver(pk: int) -> str:
    """Send row `pk` if it is still waiting; returns its status afterwards."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=pk, status=SendStatus.PENDING, next_attempt_at__lte=now
    ).update(status=SendStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    row = Notification.objects.select_related("recipient", "invite__clinic", "alert").get(pk=pk)
    if not claimed:
        return row.status  # sent, cancelled, not due yet, or another worker has it
    message = compose(row)
    if message is None:
        _finish(row, SendStatus.CANCELLED)
        log.info("send not needed", extra=_fields(row, "send_cancelled"))
        return SendStatus.CANCELLED
    try:
        channel(row.channel).send(row, message)
    except Exception as error:  # any failure of the channel: SMTP, network, push service
        return _failed(row, error)
    _finish(row, SendStatus.SENT, sent_at=timezone.now(), error="")
    log.info("sent", extra=_fields(row, "sent"))
    return SendStatus.SENT


def _finish(row: Notification, status: str, **values: Any) -> None:
    Notification.objects.filter(pk=row.pk, status=SendStatus.SENDING).update(
        status=status, **values
    )
    row.status = status


def _failed(row: Notification, error: Exception) -> str:
    reason = type(error).__name__[:100]
    if row.attempts >= MAX_ATTEMPTS:
        _finish(row, SendStatus.FAILED, error=reason)
        log.error("not delivered", extra=_fields(row, "send_failed", error=reason))
        return SendStatus.FAILED
    wait = BACKOFF_SECONDS[min(row.attempts, len(BACKOFF_SECONDS)) - 1]
    at = timezone.now() + dt.timedelta(seconds=wait)
    _finish(row, SendStatus.PENDING, error=reason, next_attempt_at=at)
    log.warning(
        "send failed, will retry", extra=_fields(row, "send_retry", error=reason, wait=wait)
    )
    transaction.on_commit(lambda: enqueue(row.pk, at=at), robust=True)
    return SendStatus.PENDING


def _fields(row: Notification, event: str, **more: Any) -> dict[str, Any]:
    return {
        "event": event,
        "notification": row.pk,
        "kind": row.kind,
        "attempt": row.attempts,
        **more,
    }


def requeue_overdue() -> int:
    """What a worker never finished gets another go: rows a worker claimed and then died on,
    and rows waiting past their time (their task was lost, or the queue was down)."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.SEND_STALE_SECONDS)
    abandoned = list(
        Notification.objects.filter(status=SendStatus.SENDING, claimed_at__lt=stale).values_list(
            "pk", flat=True
        )[:1000]
    )
    Notification.objects.filter(pk__in=abandoned, status=SendStatus.SENDING).update(
        status=SendStatus.PENDING, next_attempt_at=now
    )
    overdue = list(
        Notification.objects.filter(
            status=SendStatus.PENDING,
            next_attempt_at__lte=now - dt.timedelta(seconds=settings.SEND_OVERDUE_SECONDS),
        ).values_list("pk", flat=True)[:1000]
    )
    due = [*abandoned, *(pk for pk in overdue if pk not in abandoned)]
    enqueue_many(due)
    if abandoned:
        log.warning(
            "sends abandoned by a worker, tried again",
            extra={"event": "send_requeued", "count": len(abandoned)},
        )
    return len(due)


def resend(row: Notification) -> bool:
    """A failed message, tried again from the start (the admin's "resend")."""
    done = Notification.objects.filter(pk=row.pk, status=SendStatus.FAILED).update(
        status=SendStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), error=""
    )
    if done:
        transaction.on_commit(lambda: enqueue(row.pk), robust=True)
    return bool(done)
