"""The printable one-page summary."""

from __future__ import annotations

from tracker.models import AuditEvent
from tracker.services.status import refresh_patient

from .factories import EntryFactory, login


def test_the_summary_has_what_a_printed_page_needs(client, clinician, patient):
    EntryFactory(patient=patient, liver_signs=True)
    refresh_patient(patient)
    login(client, clinician)
    html = client.get(f"/clinic/patients/{patient.pk}/summary/").content.decode()
    for text in (
        "LDN summary",
        "Current dose",
        "Dose history",
        "Evaluation",
        "Open alerts",
        "Liver warning signs",
        "Last review",
        'data-chart="outcomes"',
        "print.css",
    ):
        assert text in html
    assert "<script>" not in html and "style=" not in html


def test_printing_is_audited(client, clinician, patient):
    login(client, clinician)
    client.get(f"/clinic/patients/{patient.pk}/summary/")
    assert AuditEvent.objects.filter(action="print_summary", patient=patient).count() == 1


def test_the_summary_shows_the_dose_in_force_not_a_planned_step(client, clinician, patient):
    import datetime as dt
    from decimal import Decimal

    from .factories import PrescriptionFactory

    PrescriptionFactory(
        patient=patient,
        dose_mg=Decimal("6.0"),
        start_date=patient.diary_today() + dt.timedelta(days=7),
    )
    login(client, clinician)
    html = client.get(f"/clinic/patients/{patient.pk}/summary/").content.decode()
    assert "<strong>1.5 mg</strong>" in html
    assert "(planned)" in html


def test_the_summary_prints_the_real_date_and_time_in_the_clinics_zone(client, clinician, patient):
    """Issue 23: at 01:17 on 2 Dec it said "printed 1 Dec" (the diary day)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    login(client, clinician)
    at = dt.datetime(2026, 12, 2, 1, 17, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(at, tick=False):
        html = client.get(f"/clinic/patients/{patient.pk}/summary/").content.decode()
    assert "printed 2 Dec 2026, 01:17 by" in html
