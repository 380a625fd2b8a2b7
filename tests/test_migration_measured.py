"""Entries stored before the dose as measured (SPEC §3a) get their amounts (issue 21): a
capsule prescription is 1 capsule of its dose, a liquid's mL come from its concentration,
anything else stays in mg; an entry no whole amount makes is kept in mg."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("tracker", "0019_course_spans")]
AFTER = [("tracker", "0022_dose_constraints")]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_stored_entries_get_the_amount_their_prescription_makes():
    try:
        _migrate_and_check()
    finally:  # whatever happened, the other tests of this worker get today's schema back
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate_and_check() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("tracker", "User")
    Patient = old.get_model("tracker", "Patient")
    Prescription = old.get_model("tracker", "Prescription")
    Entry = old.get_model("tracker", "DailyEntry")
    day = dt.date(2026, 10, 1)
    ids = []
    for n, (formulation, concentration) in enumerate(
        [("capsule", None), ("liquid", Decimal("0.5")), ("other", None)]
    ):
        user = User.objects.create(email=f"p{n}@example.org", role="patient")
        patient = Patient.objects.create(user=user, enrolled_on=day)
        Prescription.objects.create(
            patient=patient, dose_mg=Decimal("1.5"), start_date=day, formulation=formulation,
            concentration_mg_per_ml=concentration,
        )  # fmt: skip
        values = dict(sleep_hours=Decimal(7), sleep_quality=3, dreams="none", headache=0,
                      pain=5, mood=5)  # fmt: skip
        Entry.objects.create(
            patient=patient, date=day, dose_taken=True, dose_mg=Decimal("1.5"), **values
        )
        Entry.objects.create(patient=patient, date=day + dt.timedelta(days=1), dose_taken=True,
                             dose_mg=Decimal("1.2"), **values)  # fmt: skip
        Entry.objects.create(patient=patient, date=day + dt.timedelta(days=2), dose_taken=False,
                             **values)  # fmt: skip
        Entry.objects.create(patient=patient, date=day - dt.timedelta(days=1), dose_taken=True,
                             dose_mg=Decimal("1"), **values)  # before the prescription  # fmt: skip
        ids.append(patient.pk)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Prescription = new.get_model("tracker", "Prescription")
    Entry = new.get_model("tracker", "DailyEntry")

    def amounts(pk):
        rows = Entry.objects.filter(patient_id=pk).order_by("date")
        return [(e.dose_amount, e.dose_unit, e.dose_mg) for e in rows]

    capsule, liquid, other = ids
    assert Prescription.objects.get(patient_id=capsule).dose_unit == "capsule"
    assert Prescription.objects.get(patient_id=capsule).strength_mg == Decimal("1.5")
    assert amounts(capsule) == [
        (Decimal("1.00"), "mg", Decimal("1.00")),  # before any prescription: mg
        (Decimal("1.00"), "capsule", Decimal("1.50")),
        (Decimal("1.20"), "mg", Decimal("1.20")),  # 0.8 capsule: kept in mg
        (None, "", None),
    ]
    rx = Prescription.objects.get(patient_id=liquid)
    assert (rx.dose_unit, rx.strength_mg) == ("ml", Decimal("0.50"))
    assert amounts(liquid)[1:3] == [
        (Decimal("3.00"), "ml", Decimal("1.50")),
        (Decimal("2.40"), "ml", Decimal("1.20")),
    ]
    assert Prescription.objects.get(patient_id=other).dose_unit == "mg"
    assert amounts(other)[1] == (Decimal("1.50"), "mg", Decimal("1.50"))
