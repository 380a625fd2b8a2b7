"""The audit log can be added to, never changed or emptied, and shares a change's fate."""

from __future__ import annotations

import pytest

from tracker import audit
from tracker.models import AuditAction, AuditEvent, ClinicianNote
from tracker.services import clinical


def test_events_cannot_be_changed_or_deleted(clinician, patient):
    event = audit.record(actor=clinician, action=AuditAction.VIEW_RECORD, patient=patient)
    event.outcome = "failed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(outcome="failed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().outcome == "success"


def test_an_event_is_written_with_its_change_or_not_at_all(clinician, patient, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        clinical.add_note(patient=patient, text="Lost?", by=clinician)
    assert not ClinicianNote.objects.exists()
    assert not AuditEvent.objects.exists()
