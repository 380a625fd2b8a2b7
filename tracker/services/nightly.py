"""The nightly re-evaluation, fanned out (issue 24): each clinic's patients in batches of
`BATCH` on the task queue, so every worker takes a share. A batch is a ledger row
(models.NightlyBatch) claimed by one worker at a time; one a worker died on, or one the
queue lost, is queued again by the sweep after `STALE`. Re-evaluating a patient is
idempotent (store_alerts matches what is stored), so a batch run twice, or a patient
re-evaluated twice, raises nothing twice."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import Clinic, NightlyBatch, Patient
from .incremental import refresh_night
from .status import Run

log = logging.getLogger(__name__)

BATCH = 250  # patients a batch: about 2 s of work, so a killed one costs little
STALE = dt.timedelta(minutes=10)  # a batch claimed this long ago and not done is re-queued
KEPT = dt.timedelta(days=31)

type Enqueue = Callable[[int], object]


def plan_night(clinics: Iterable[Clinic], enqueue: Enqueue, now: dt.datetime | None = None) -> int:
    """Cut each clinic's patients into batches for its night and queue them; a night
    already planned is not planned again (the scheduler may fire twice). How many queued."""
    now = now or timezone.now()
    # The ledger keeps a month of nights: enough to see what ran, never growing for good.
    NightlyBatch.objects.filter(queued_at__lt=now - KEPT).delete()
    queued = 0
    for clinic in clinics:
        night = now.astimezone(clinic.zone).date()
        pks = list(
            Patient.objects.filter(user__clinic=clinic).order_by("pk").values_list("pk", flat=True)
        )
        for start in range(0, len(pks), BATCH):
            part = pks[start : start + BATCH]
            try:
                with transaction.atomic():
                    batch = NightlyBatch.objects.create(
                        clinic=clinic, night=night, first_patient=part[0], last_patient=part[-1],
                        queued_at=now,
                    )  # fmt: skip
            except IntegrityError:
                continue  # planned already tonight
            transaction.on_commit(functools.partial(enqueue, batch.pk))
            queued += 1
    return queued


def run_batch(pk: int, now: dt.datetime | None = None) -> Run | None:
    """Claim batch `pk` and re-evaluate its patients; None when it is done already or
    another worker holds it (claimed less than `STALE` ago)."""
    now = now or timezone.now()
    claimed = (
        NightlyBatch.objects.filter(pk=pk, finished_at__isnull=True)
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=now - STALE))
        .update(started_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return None
    batch = NightlyBatch.objects.get(pk=pk)
    patients = Patient.objects.filter(
        user__clinic_id=batch.clinic_id, pk__gte=batch.first_patient, pk__lte=batch.last_patient
    )
    run = refresh_night(patients)
    NightlyBatch.objects.filter(pk=pk, started_at=now).update(
        finished_at=timezone.now(), checked=run.checked, failed=run.failed
    )
    return run


def requeue_stale(enqueue: Enqueue, now: dt.datetime | None = None) -> int:
    """Batches a worker died on (claimed over `STALE` ago, not done) and batches the queue
    lost (queued over `STALE` ago, never claimed) go on the queue again."""
    now = now or timezone.now()
    stale = now - STALE
    pks = list(
        NightlyBatch.objects.filter(finished_at__isnull=True)
        .filter(Q(started_at__lt=stale) | Q(started_at__isnull=True, queued_at__lt=stale))
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    # Queued again now: a long night's backlog is re-queued once per `STALE`, not each sweep.
    NightlyBatch.objects.filter(pk__in=pks, started_at__isnull=True).update(queued_at=now)
    for pk in pks:
        enqueue(pk)
    if pks:
        log.warning(
            "nightly batches not finished, queued again",
            extra={"event": "nightly_requeued", "count": len(pks)},
        )
    return len(pks)
