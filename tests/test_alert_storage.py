"""Alerts are raised when an entry is saved, stored once, and recomputable for everyone."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from tracker.models import Alert, DailyEntry
from tracker.services.status import refresh_patient

from .factories import EntryFactory, valid_form_data


def test_saving_an_opioid_entry_raises_an_urgent_alert(patient_client, patient):
    day = patient.diary_today()
    data = valid_form_data(day, opioid_taken="yes", opioid_name="codeine")
    patient_client.post("/diary/", data)
    alert = Alert.objects.get(patient=patient)
    assert (alert.kind, alert.priority, alert.on) == ("opioid", 0, day)
    assert "codeine" in alert.text
    assert alert.acknowledged_at is None


def test_saving_again_does_not_duplicate_alerts(patient_client, patient):
    day = patient.diary_today()
    data = valid_form_data(day, liver_signs="yes")
    patient_client.post("/diary/", data)
    patient_client.post("/diary/", valid_form_data(day, liver_signs="yes", pain="4", version="1"))
    assert Alert.objects.filter(patient=patient, kind="liver").count() == 1


def test_the_command_recomputes_alerts_for_every_patient(patient, other_patient):
    today = patient.diary_today()
    DailyEntry.objects.bulk_create(  # written behind the app's back, e.g. restored
        [
            EntryFactory.build(patient=patient, date=today - dt.timedelta(days=6)),
            EntryFactory.build(patient=other_patient, date=today, opioid_taken=True),
        ]
    )
    out = io.StringIO()
    call_command("refresh_alerts", stdout=out)
    assert "Checked 2 patients; 2 new alerts; 0 failed." in out.getvalue()
    assert set(Alert.objects.values_list("patient", "kind")) == {
        (patient.pk, "not_logging"),
        (other_patient.pk, "opioid"),
    }
    call_command("refresh_alerts", stdout=io.StringIO())
    assert Alert.objects.count() == 2


def test_acknowledged_alerts_stay_acknowledged_when_recomputed(patient, clinician):
    EntryFactory(patient=patient, opioid_taken=True)
    refresh_patient(patient)
    Alert.objects.update(acknowledged_by=clinician, acknowledged_at=patient.local_now())
    refresh_patient(patient)
    assert Alert.objects.get().acknowledged_by == clinician


def test_a_patient_who_never_logged_does_not_stop_the_run(
    clinic, clinician, patient, other_patient
):
    """Issue 8: the gap detection raised on an empty diary, and everyone after was skipped."""
    from .factories import PatientFactory

    PatientFactory(user__clinic=clinic, clinician=clinician)  # invited, never logged
    DailyEntry.objects.bulk_create([EntryFactory.build(patient=other_patient, opioid_taken=True)])
    out = io.StringIO()
    call_command("refresh_alerts", stdout=out)
    assert "Checked 3 patients; 1 new alerts; 0 failed." in out.getvalue()
    assert Alert.objects.filter(patient=other_patient, kind="opioid").exists()


def test_one_failing_patient_is_logged_and_the_run_goes_on(
    patient, other_patient, monkeypatch, caplog
):
    from tracker.services import status

    real = status.refresh_patient

    def fragile(someone, today=None, **kw):
        if someone.pk == patient.pk:
            raise RuntimeError("a broken diary")
        return real(someone, today, **kw)

    monkeypatch.setattr(status, "refresh_patient", fragile)
    DailyEntry.objects.bulk_create([EntryFactory.build(patient=other_patient, opioid_taken=True)])
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 patients could not be re-evaluated"):
        call_command("refresh_alerts", stdout=out)
    assert "Checked 1 patients; 1 new alerts; 1 failed." in out.getvalue()
    assert Alert.objects.filter(patient=other_patient, kind="opioid").exists()
    assert any(r.getMessage() == "re-evaluation failed" for r in caplog.records)
