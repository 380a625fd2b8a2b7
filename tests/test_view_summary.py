"""The printable one-page summary."""

from __future__ import annotations

from tracker import services
from tracker.models import AuditEvent

from .factories import EntryFactory, login


def test_the_summary_has_what_a_printed_page_needs(client, clinician, patient):
    EntryFactory(patient=patient, liver_signs=True)
    services.refresh_patient(patient)
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
