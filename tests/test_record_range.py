"""The record's default view reads only what it shows (issue 24): its range, the diary
list's 8 weeks, the baseline week and the evaluation window, with the courses, the side
effects' settledness and the timing comparison from the stored summary, and shows exactly
the record that reading the whole diary shows, for diaries of every shape; its queries do
not grow with the diary."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tracker.models import DailyEntry, Dispensing, Patient, TreatmentStop
from tracker.services import record as record_service
from tracker.services.status import refresh_patient

from .factories import EntryFactory, login

VARYING = re.compile(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"|"X-CSRFToken": "[^"]*"')


def _diary(patient, rng: random.Random, length: int) -> None:
    """A diary of `length` days: gaps, dose and timing changes, side effects that come and
    go, and perhaps a lapse, a stop and a dispensing."""
    today = patient.diary_today()
    lapse_from = (
        today - dt.timedelta(days=rng.randint(30, length))
        if length > 30 and rng.random() < 0.3
        else None
    )
    rows, mg, hour, effects = [], Decimal("1.5"), 22, rng.random()
    for n in range(length, -1, -1):
        date = today - dt.timedelta(days=n)
        if rng.random() < 0.2:
            continue  # not logged
        if rng.random() < 0.03:
            mg = rng.choice([Decimal("0.5"), Decimal("1.5"), Decimal("3"), Decimal("4.5")])
        if rng.random() < 0.03:
            hour = 8 if hour == 22 else 22
        if rng.random() < 0.02:
            effects = rng.random()
        lapsed = lapse_from is not None and lapse_from <= date < lapse_from + dt.timedelta(days=25)
        taken = n < length - 7 and not lapsed and rng.random() > 0.1
        disturbed = rng.random() < effects
        rows.append(EntryFactory.build(
            patient=patient, date=date, dose_taken=taken, dose_mg=mg if taken else None,
            time_taken=dt.time(hour) if taken and rng.random() > 0.2 else None,
            pain=rng.randint(0, 10), mood=rng.randint(0, 10),
            sleep_quality=rng.randint(1, 2) if disturbed else rng.randint(3, 5),
            dreams="vivid" if disturbed else "normal", headache=rng.choice([0, 1, 2]),
            nausea=2 if rng.random() < effects else 0,
        ))  # fmt: skip
    DailyEntry.objects.bulk_create(rows)
    if rng.random() < 0.2:
        TreatmentStop.objects.create(
            patient=patient, on=today - dt.timedelta(days=rng.randint(1, 20)), reason="patient"
        )
    if rng.random() < 0.5:
        Dispensing.objects.create(
            patient=patient, dispensed_on=today - dt.timedelta(days=rng.randint(5, length)),
            amount=Decimal("100"), unit="ml", strength_mg=Decimal("1"),
        )  # fmt: skip


def _record(client, patient, chosen: str) -> str:
    response = client.get(f"/clinic/patients/{patient.pk}/?range={chosen}")
    assert response.status_code == 200
    return VARYING.sub("", response.content.decode())


@pytest.mark.parametrize("seed", range(10))
def test_the_record_read_by_range_is_the_record_read_whole(
    client, clinician, patient, seed, monkeypatch
):
    rng = random.Random(seed)
    _diary(patient, rng, rng.choice([10, 40, 90, 200, 400, 700]))
    refresh_patient(patient)
    login(client, clinician)
    whole = record_service._whole
    read = record_service.read(_annotated(patient), patient.status(), "12w", 56)
    assert read.complete_from is not None  # the range was read, not the whole diary
    for chosen in ("4w", "12w"):
        by_range = _record(client, patient, chosen)
        with monkeypatch.context() as m:  # as a summary from before the night would be
            m.setattr(record_service, "read", lambda p, e, c, n: whole(p, _all(p), e.today))
            in_full = _record(client, patient, chosen)
        assert by_range == in_full, chosen


def _annotated(patient):
    """The patient as the record's view reads them."""
    return Patient.objects.diary_changed().select_related("summary").get(pk=patient.pk)


def test_an_entry_saved_after_the_summary_makes_the_record_read_the_whole_diary(patient):
    """An edit that bypassed the app's refresh: the summary's courses may be behind, so the
    record does not trust them (the diary is the truth)."""
    _diary(patient, random.Random(3), 90)
    refresh_patient(patient)
    assert record_service.read(_annotated(patient), patient.status(), "12w", 56).complete_from
    DailyEntry.objects.filter(patient=patient).update(pain=9, updated_at=timezone.now())
    whole = record_service.read(_annotated(patient), patient.status(), "12w", 56)
    assert whole.complete_from is None


def _all(patient):
    return DailyEntry.objects.for_patient(patient).days()


@pytest.mark.parametrize("chosen", ["", "4w"])
def test_the_records_queries_do_not_grow_with_the_diary(client, clinician, patient, chosen):
    login(client, clinician)
    Dispensing.objects.create(patient=patient, dispensed_on=patient.diary_today(),
                              amount=Decimal("100"), unit="ml", strength_mg=Decimal("1"))  # fmt: skip
    counts = []
    for length in (30, 400):
        DailyEntry.objects.filter(patient=patient).delete()
        today = patient.diary_today()
        DailyEntry.objects.bulk_create(
            EntryFactory.build(patient=patient, date=today - dt.timedelta(days=n))
            for n in range(length)
        )
        refresh_patient(patient)
        client.get(f"/clinic/patients/{patient.pk}/")  # the session settled after sign-in
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/clinic/patients/{patient.pk}/?range={chosen}").status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
