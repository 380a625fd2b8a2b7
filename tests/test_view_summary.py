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


def test_the_summary_gives_a_gp_the_pgic_side_effects_sleep_and_the_notes(
    client, clinician, patient
):
    import datetime as dt

    from tracker.models import ClinicianNote, PGICAnswer

    today = patient.diary_today()
    EntryFactory(patient=patient, date=today, note="Slept badly after the new dose", dreams="vivid")
    EntryFactory(patient=patient, date=today - dt.timedelta(days=40), note="Too old to show")
    ClinicianNote.objects.create(patient=patient, author=clinician, text="Discussed morning dosing")
    PGICAnswer.objects.create(patient=patient, review_point=1, value=3, answered_on=today)
    login(client, clinician)
    html = client.get(f"/clinic/patients/{patient.pk}/summary/").content.decode()
    for text in ('data-chart="outcomes"', 'data-chart="symptoms"', 'data-chart="sleep"',
                 "Impression of change (PGIC)", "review 1", "Minimally improved",
                 "Side effects, last 14 days", "Vivid dreams", "Slept badly after the new dose",
                 "Discussed morning dosing", "Chidi Okafor"):  # fmt: skip
        assert text in html, text
    assert "Too old to show" not in html
