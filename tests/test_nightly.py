"""The nightly re-evaluation fanned out (issue 24): batches of a clinic's patients on the
queue, each claimed by one worker; one a worker died on is queued again by the sweep and
re-run without raising any alert twice."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import tasks
from tracker.models import Alert, DailyEntry, NightlyBatch, PatientSummary
from tracker.services import nightly
from tracker.services.status import refresh_patient

from .factories import EntryFactory, PatientFactory


@pytest.fixture
def quiet_clinic(clinic, clinician):
    """Five patients whose last entry was 5 days ago: tonight each is "not logging"."""
    people = []
    for n in range(5):
        someone = PatientFactory(user__clinic=clinic, clinician=clinician, user__first_name=f"P{n}")
        today = someone.diary_today()
        DailyEntry.objects.bulk_create(
            EntryFactory.build(patient=someone, date=today - dt.timedelta(days=d))
            for d in range(5, 20)
        )
        people.append(someone)
    return people


def _alerts():
    return sorted(
        Alert.objects.values_list("patient_id", "kind", "source", "on", "until", "params")
    )


def test_a_night_is_cut_into_batches_queued_once(
    quiet_clinic, clinic, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(nightly, "BATCH", 2)
    queued: list[int] = []
    with django_capture_on_commit_callbacks(execute=True):
        assert nightly.plan_night([clinic], queued.append) == 3  # 5 patients: 2 + 2 + 1
    assert len(queued) == 3  # queued once the batches are stored
    ranges = list(NightlyBatch.objects.order_by("first_patient").values_list(
        "first_patient", "last_patient"))  # fmt: skip
    pks = sorted(p.pk for p in quiet_clinic)
    assert ranges == [(pks[0], pks[1]), (pks[2], pks[3]), (pks[4], pks[4])]
    assert nightly.plan_night([clinic], queued.append) == 0  # the scheduler fired twice


def test_a_batch_re_evaluates_its_patients_once(quiet_clinic, clinic, monkeypatch):
    monkeypatch.setattr(nightly, "BATCH", 10)
    queued: list[int] = []
    nightly.plan_night([clinic], queued.append)
    (pk,) = NightlyBatch.objects.values_list("pk", flat=True)
    run = nightly.run_batch(pk)
    assert run is not None and (run.checked, run.failed) == (5, 0)
    assert Alert.objects.filter(kind="not_logging").count() == 5
    assert nightly.run_batch(pk) is None  # done: a second delivery of the task does nothing
    batch = NightlyBatch.objects.get(pk=pk)
    assert (batch.attempts, batch.checked) == (1, 5) and batch.finished_at is not None


def test_a_batch_a_worker_died_on_is_queued_again_and_raises_nothing_twice(
    quiet_clinic, clinic, monkeypatch, _clock
):
    monkeypatch.setattr(nightly, "BATCH", 10)
    # What one uninterrupted night stores, for comparison.
    for someone in quiet_clinic:
        refresh_patient(someone)
    expected = _alerts()
    Alert.objects.all().delete()
    nightly.plan_night([clinic], lambda pk: None)
    batch = NightlyBatch.objects.get()
    # A worker claims it, re-evaluates two patients, and is killed.
    NightlyBatch.objects.filter(pk=batch.pk).update(started_at=dt.datetime.now(dt.UTC), attempts=1)
    for someone in quiet_clinic[:2]:
        refresh_patient(someone)
    assert nightly.requeue_stale(lambda pk: None) == 0  # not stale yet: it may still be working
    assert nightly.run_batch(batch.pk) is None  # nor may a second worker take it
    _clock.shift(nightly.STALE + dt.timedelta(minutes=1))
    requeued: list[int] = []
    assert nightly.requeue_stale(requeued.append) == 1 and requeued == [batch.pk]
    run = nightly.run_batch(batch.pk)
    assert run is not None and run.checked == 5
    assert _alerts() == expected  # the two done before the kill: not raised again
    batch.refresh_from_db()
    assert batch.attempts == 2 and batch.finished_at is not None
    assert nightly.requeue_stale(requeued.append) == 0


def test_a_batch_the_queue_lost_is_queued_again(quiet_clinic, clinic, _clock):
    nightly.plan_night([clinic], lambda pk: None)  # queued, and the queue lost it
    _clock.shift(nightly.STALE + dt.timedelta(minutes=1))
    requeued: list[int] = []
    assert nightly.requeue_stale(requeued.append) == 1
    assert nightly.requeue_stale(requeued.append) == 0  # once per STALE, not every sweep


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_task_queues_the_batches_and_the_workers_run_them(
    quiet_clinic, clinic, monkeypatch, _clock
):
    monkeypatch.setattr(nightly, "BATCH", 2)
    local = dt.datetime(2026, 11, 19, 4, 30, tzinfo=clinic.zone)
    _clock.move_to(local)
    result = tasks.nightly_reevaluation.call()
    assert result == {"clinics": 1, "batches": 3}
    # The test's task backend runs each batch as it is queued, as a worker would.
    assert NightlyBatch.objects.filter(finished_at__isnull=False).count() == 3
    assert Alert.objects.filter(kind="not_logging").count() == 5
    assert PatientSummary.objects.filter(patient__in=quiet_clinic).count() == 5
    assert tasks.sweep.call()["nightly_batches"] == 0
