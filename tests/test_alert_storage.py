"""Alerts are raised when an entry is saved, stored once, and recomputable for everyone."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command

from tracker import services
from tracker.models import Alert

from .factories import EntryFactory, valid_form_data


def test_saving_an_opioid_entry_raises_an_urgent_alert(patient_client, patient):
    day = patient.diary_today()
    data = valid_form_data(day, opioid_taken="yes", opioid_name="codeine")
    patient_client.post("/diary/", data)
    alert = Alert.objects.get(patient=patient)
    assert (alert.kind, alert.priority, alert.on) == ("opioid", 0, day)
    assert "codeine" in alert.message
    assert alert.acknowledged_at is None


def test_saving_again_does_not_duplicate_alerts(patient_client, patient):
    day = patient.diary_today()
    data = valid_form_data(day, liver_signs="yes")
    patient_client.post("/diary/", data)
    patient_client.post("/diary/", valid_form_data(day, liver_signs="yes", pain="4", version="1"))
    assert Alert.objects.filter(patient=patient, kind="liver").count() == 1


def test_the_command_recomputes_alerts_for_every_patient(patient, other_patient):
    today = patient.diary_today()
    EntryFactory(patient=patient, date=today - dt.timedelta(days=6))  # silent since
    EntryFactory(patient=other_patient, date=today, opioid_taken=True)
    out = io.StringIO()
    call_command("refresh_alerts", stdout=out)
    assert "Checked 2 patients; 2 new alerts." in out.getvalue()
    assert set(Alert.objects.values_list("patient", "kind")) == {
        (patient.pk, "not_logging"),
        (other_patient.pk, "opioid"),
    }
    call_command("refresh_alerts", stdout=io.StringIO())
    assert Alert.objects.count() == 2


def test_acknowledged_alerts_stay_acknowledged_when_recomputed(patient, clinician):
    EntryFactory(patient=patient, opioid_taken=True)
    services.refresh_patient(patient)
    Alert.objects.update(acknowledged_by=clinician, acknowledged_at=patient.local_now())
    services.refresh_patient(patient)
    assert Alert.objects.get().acknowledged_by == clinician
