"""The database refuses what the form refuses, even for code that skips the form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tracker.models import DailyEntry

from .factories import EntryFactory

BAD_VALUES = [
    ("dose_mg", Decimal("0.0")),
    ("dose_mg", Decimal("12.1")),
    ("sleep_hours", Decimal("-0.25")),
    ("sleep_hours", Decimal("24.25")),
    ("sleep_hours", Decimal("7.10")),
    ("sleep_quality", 0),
    ("sleep_quality", 6),
    ("dreams", "terrible"),
    ("headache", 4),
    ("pain", 11),
    ("mood", 11),
    ("fatigue", 11),
    ("nausea", 4),
    ("irritability", 4),
    ("note", "x" * 2001),
    ("version", 0),
]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES)
def test_the_database_refuses_out_of_range_values(patient, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        EntryFactory(patient=patient, **{field: value})
    assert not DailyEntry.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("dose_mg", Decimal("0.1")),
        ("dose_mg", Decimal("12.0")),
        ("sleep_hours", Decimal("0")),
        ("sleep_hours", Decimal("24")),
        ("sleep_hours", Decimal("7.75")),
        ("pain", 0),
        ("pain", 10),
        ("mood", 0),
        ("headache", 3),
        ("note", "x" * 2000),
    ],
)
def test_the_database_accepts_the_edges_of_each_range(patient, field, value):
    EntryFactory(patient=patient, **{field: value})
    assert DailyEntry.objects.count() == 1


def test_a_dose_taken_needs_its_amount(patient):
    with pytest.raises(IntegrityError), transaction.atomic():
        EntryFactory(patient=patient, dose_taken=True, dose_mg=None)


def test_an_opioid_name_needs_an_opioid_taken(patient):
    with pytest.raises(IntegrityError), transaction.atomic():
        EntryFactory(patient=patient, opioid_taken=False, opioid_name="codeine")


def test_a_waking_nightmare_needs_nightmares(patient):
    with pytest.raises(IntegrityError), transaction.atomic():
        EntryFactory(patient=patient, dreams="vivid", nightmare_woke=True)


def test_there_is_one_entry_per_patient_and_day(patient, other_patient):
    day = dt.date(2026, 11, 1)
    EntryFactory(patient=patient, date=day)
    EntryFactory(patient=other_patient, date=day)
    with pytest.raises(IntegrityError), transaction.atomic():
        EntryFactory(patient=patient, date=day)
    assert DailyEntry.objects.filter(date=day).count() == 2
