"""The audit log can be added to, never changed or emptied, and shares a change's fate."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tracker import audit
from tracker.models import AuditAction, AuditEvent, ClinicianNote
from tracker.services import clinical

from .factories import login


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


# --- Every read of health data is audited (issue 8) ---------------------------------------

READS = [
    ("/clinic/", "view_panel", False),
    ("/clinic/patients/{pk}/", "view_record", True),
    ("/clinic/patients/{pk}/?range=all", "view_charts", True),  # the htmx chart partial
    ("/clinic/patients/{pk}/review/", "view_review", True),
    ("/clinic/patients/{pk}/prescription/", "view_prescription", True),
    ("/clinic/patients/{pk}/summary/", "print_summary", True),
]


@pytest.mark.parametrize(("path", "action", "names_patient"), READS)
def test_every_read_of_health_data_is_audited(
    client, clinician, patient, path, action, names_patient
):
    login(client, clinician)
    response = client.get(
        path.format(pk=patient.pk),
        headers={"HX-Request": "true"} if "range" in path else {},
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=action)
    assert (event.actor, event.outcome, event.ip) == (clinician, "success", "198.51.100.4")
    assert event.patient == (patient if names_patient else None)


@pytest.mark.parametrize(("path", "action", "names_patient"), [r for r in READS if r[2]])
def test_a_refused_read_is_audited_as_denied(
    client, foreign_clinician, patient, path, action, names_patient
):
    login(client, foreign_clinician)
    response = client.get(
        path.format(pk=patient.pk), headers={"HX-Request": "true"} if "range" in path else {}
    )
    assert response.status_code == 404
    event = AuditEvent.objects.get(action=action)
    assert (event.actor, event.outcome, event.patient, event.object_id) == (
        foreign_clinician, "denied", None, str(patient.pk),
    )  # fmt: skip
    assert event.clinic == foreign_clinician.clinic  # the trying clinic's admin sees it


def test_a_refused_acknowledgement_is_audited(client, foreign_clinician, patient):
    from tracker.models import Alert

    from .factories import EntryFactory

    EntryFactory(patient=patient, opioid_taken=True)
    alert = Alert.objects.get(patient=patient)
    login(client, foreign_clinician)
    assert client.post(f"/clinic/alerts/{alert.pk}/acknowledge/").status_code == 404
    event = AuditEvent.objects.get(action="acknowledge_alert")
    assert (event.outcome, event.object_type, event.object_id) == ("denied", "alert", str(alert.pk))


# --- Append-only in the database itself ---------------------------------------------------


def test_the_database_refuses_to_change_or_delete_an_audit_event(clinician, patient):
    event = audit.record(actor=clinician, action=AuditAction.VIEW_RECORD, patient=patient)
    for sql in (
        "UPDATE tracker_auditevent SET outcome = 'failed'",
        "UPDATE tracker_auditevent SET actor_email = 'someone-else@example.org' WHERE id = %s",
        "DELETE FROM tracker_auditevent WHERE id = %s",
        "DELETE FROM tracker_auditevent",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk] if "%s" in sql else None)
    assert AuditEvent.objects.get().outcome == "success"
    assert AuditEvent.objects.get().actor_email == clinician.email


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_empty_the_audit_log_after_commit(clinic):
    """Committed events (no pending work in the transaction): TRUNCATE on PostgreSQL, a bare
    DELETE on SQLite (which has no TRUNCATE). Emptying the test database afterwards is the
    one purge allowed (conftest)."""
    audit.record(actor=None, clinic=clinic, action=AuditAction.CLINIC_CREATED, obj=clinic)
    sql = (
        "TRUNCATE tracker_auditevent CASCADE"
        if connection.vendor == "postgresql"
        else "DELETE FROM tracker_auditevent"
    )
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.count() == 1


def test_events_can_still_be_added_with_raw_sql(clinician):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tracker_auditevent (at, actor_email, role, action, object_type,"
            " object_id, outcome) VALUES (%s, 'x@example.org', '', 'sign_in', '', '', 'success')",
            [timezone.now()],
        )
    assert AuditEvent.objects.count() == 1
