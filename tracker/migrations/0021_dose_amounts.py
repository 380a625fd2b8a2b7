"""SPEC §3a for what was stored before it (issue 21)."""

from collections import defaultdict
from decimal import Decimal

from django.db import migrations


def _amount(mg, strength, unit):
    """The measured amount that makes `mg` exactly (whole capsules; mL to 0.01), or None."""
    amount = mg / strength
    if unit == "capsule" and amount % 1 != 0:
        return None
    if amount != amount.quantize(Decimal("0.01")):
        return None
    return amount.quantize(Decimal("0.01"))


def measured(apps, schema_editor):
    """SPEC §3a for what was stored before it: a capsule prescription is 1 capsule of its
    dose, a liquid keeps its concentration as mg per mL, anything else is measured in mg;
    each dose taken gets the amount the prescription in force that day makes of it (mg
    where none does)."""
    Prescription = apps.get_model("tracker", "Prescription")
    DailyEntry = apps.get_model("tracker", "DailyEntry")
    plans = defaultdict(list)
    for rx in Prescription.objects.order_by("start_date", "id"):
        if rx.formulation == "liquid" and rx.concentration_mg_per_ml:
            rx.dose_unit, rx.strength_mg = "ml", rx.concentration_mg_per_ml
        elif rx.formulation == "capsule":
            rx.dose_unit, rx.strength_mg = "capsule", rx.dose_mg
        else:
            rx.formulation, rx.dose_unit, rx.strength_mg = "other", "mg", Decimal(1)
        rx.save(update_fields=["formulation", "dose_unit", "strength_mg"])
        if rx.replaced_at is None:
            plans[rx.patient_id].append(rx)
    changed = []
    taken = DailyEntry.objects.filter(dose_taken=True, dose_mg__isnull=False)
    for entry in taken.iterator():
        rx = None
        for step in plans.get(entry.patient_id, []):
            if step.start_date <= entry.date:
                rx = step
        amount = None
        if rx is not None and rx.dose_unit != "mg":
            amount = _amount(entry.dose_mg, rx.strength_mg, rx.dose_unit)
        entry.dose_unit = rx.dose_unit if amount is not None else "mg"
        entry.dose_amount = amount if amount is not None else entry.dose_mg
        changed.append(entry)
    DailyEntry.objects.bulk_update(changed, ["dose_amount", "dose_unit"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0020_dose_as_measured")]

    operations = [migrations.RunPython(measured, migrations.RunPython.noop)]
