"""Every patient enrolled before the questionnaires (SPEC §14) gets their condition's bundle,
as a new patient does at enrolment (no clinic holds a licence yet, so FIQR and FSS wait for
the clinician to add them once one is recorded)."""

from django.db import migrations

PAIN = {"crps", "neuropathic_pain", "other"}


def bundles(apps, schema_editor):
    Patient = apps.get_model("tracker", "Patient")
    PatientInstrument = apps.get_model("tracker", "PatientInstrument")
    rows = []
    for pk, condition in Patient.objects.values_list("pk", "condition").iterator():
        chosen = [("phq-9", condition == "depression")]
        if condition == "fibromyalgia" or condition in PAIN:
            chosen.append(("peg-3", True))
        elif condition == "anxiety":
            chosen.append(("gad-7", True))
        elif condition == "long_covid":
            chosen.append(("dsq-pem", True))
        rows += [
            PatientInstrument(patient_id=pk, instrument=key, at_reviews=at) for key, at in chosen
        ]
    PatientInstrument.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0024_questionnaires")]

    operations = [migrations.RunPython(bundles, migrations.RunPython.noop)]
