"""Staff see times in their clinic's time zone, not in UTC (issue 9): an hour off in summer
was what a clinician saw on every note and every audit event."""

from __future__ import annotations

import datetime as dt

import time_machine

from tracker.models import Clinic
from tracker.services import clinical

from .factories import login

SUMMER_MORNING = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)


def note_at_summer_morning(patient, clinician):
    with time_machine.travel(SUMMER_MORNING, tick=False):
        clinical.add_note(patient=patient, text="Called about sleep.", by=clinician)


def test_a_london_clinic_sees_british_summer_time(client, clinician, patient):
    note_at_summer_morning(patient, clinician)
    login(client, clinician)
    html = client.get(f"/clinic/patients/{patient.pk}/").content.decode()
    assert "1 Jul 2026, 10:30" in html
    assert "09:30" not in html


def test_a_clinic_elsewhere_sees_its_own_time(client, clinician, patient, clinic_admin):
    Clinic.objects.filter(pk=clinician.clinic_id).update(time_zone="America/New_York")
    note_at_summer_morning(patient, clinician)
    login(client, clinician)
    html = client.get(f"/clinic/patients/{patient.pk}/").content.decode()
    assert "1 Jul 2026, 05:30" in html
    login(client, clinic_admin)
    audit = client.get("/clinic-admin/audit/").content.decode()
    assert "1 Jul 2026, 05:30:00" in audit


def test_the_clinic_time_zone_is_checked_when_a_clinic_is_created(db):
    import io

    import pytest
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="not a known time zone"):
        call_command(
            "create_clinic", "Mars Base", "--admin-email", "a@example.org",
            "--admin-first-name", "A", "--time-zone", "Mars/Olympus", stdout=io.StringIO(),
        )  # fmt: skip
    call_command(
        "create_clinic", "Dublin LDN", "--admin-email", "a@example.org",
        "--admin-first-name", "A", "--time-zone", "Europe/Dublin", stdout=io.StringIO(),
    )  # fmt: skip
    assert Clinic.objects.get(name="Dublin LDN").time_zone == "Europe/Dublin"
