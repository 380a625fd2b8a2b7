"""The append-only audit log (SPEC §7): every read, change and export of health data."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.utils import timezone

from .people import Clinic, Patient, User


class AuditAction(models.TextChoices):
    VIEW_PANEL = "view_panel", "Viewed the patient panel"
    VIEW_RECORD = "view_record", "Viewed a patient record"
    VIEW_CHARTS = "view_charts", "Viewed a patient's charts"
    VIEW_REVIEW = "view_review", "Opened a patient's review"
    VIEW_PRESCRIPTION = "view_prescription", "Opened a patient's prescription"
    PRINT_SUMMARY = "print_summary", "Printed a summary"
    EXPORT_CSV = "export_csv", "Exported the diary as CSV"
    EXPORT_JSON = "export_json", "Downloaded all their data (JSON)"
    EXPORT_FHIR = "export_fhir", "Exported the diary as FHIR"
    SAVE_ENTRY = "save_entry", "Saved a diary entry"
    ANSWER_PGIC = "answer_pgic", "Answered the review question"
    ANSWER_ENROLMENT = "answer_enrolment", "Answered the enrolment questions"
    READ_STOP_ADVICE = "read_stop_advice", "Read the advice after stopping LDN"
    REPORT_STOP = "report_stop", "Reported stopping LDN"
    REPORT_RESTART = "report_restart", "Reported restarting LDN"
    ANSWER_GAP = "answer_gap", "Said whether LDN was taken while not logging"
    CONFIRM_STOP = "confirm_stop", "Confirmed a patient's stop"
    CHANGE_REMINDERS = "change_reminders", "Changed their diary reminders"
    ACKNOWLEDGE_ALERT = "acknowledge_alert", "Acknowledged an alert"
    RECORD_REVIEW = "record_review", "Recorded a review"
    ADD_NOTE = "add_note", "Added a clinician note"
    CHANGE_PRESCRIPTION = "change_prescription", "Changed a prescription"
    HOLD_STEP = "hold_step", "Held the next step of the titration plan"
    RECORD_DISPENSING = "record_dispensing", "Recorded a dispensing"
    ANSWER_QUESTIONNAIRE = "answer_questionnaire", "Answered a questionnaire"
    CHANGE_QUESTIONNAIRES = "change_questionnaires", "Changed a patient's questionnaires"
    RECORD_LICENCE = "record_licence", "Recorded a questionnaire licence"
    CHANGE_CRISIS_TEXT = "change_crisis_text", "Changed the clinic's crisis text"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed to sign in"
    SIGN_OUT = "sign_out", "Signed out"
    LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
    PASSWORD_RESET = "password_reset", "Reset their password"
    MFA_ENABLED = "mfa_enabled", "Turned on two-factor sign-in"
    MFA_DISABLED = "mfa_disabled", "Turned off two-factor sign-in"
    MFA_USED = "mfa_used", "Used the second factor"
    MFA_FAILED = "mfa_failed", "Entered a wrong second-factor code"
    MFA_RECOVERY_CODES = "mfa_recovery_codes", "Made new recovery codes"
    INVITE_SENT = "invite_sent", "Sent an invite"
    INVITE_RESENT = "invite_resent", "Resent an invite"
    INVITE_REVOKED = "invite_revoked", "Revoked an invite"
    INVITE_ACCEPTED = "invite_accepted", "Accepted an invite"
    ACCOUNT_DEACTIVATED = "account_deactivated", "Deactivated an account"
    ACCOUNT_REACTIVATED = "account_reactivated", "Reactivated an account"
    PATIENT_ASSIGNED = "patient_assigned", "Assigned a patient to a clinician"
    CLINIC_CREATED = "clinic_created", "Created a clinic"


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", "Success"
    DENIED = "denied", "Denied"
    FAILED = "failed", "Failed"


class ReadOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events cannot be changed.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise PermissionError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """Who did what to whose data, when and from where. Written in the same transaction as
    the change it records; the application can add events but never change or remove one."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True)
    role = models.CharField(max_length=20, blank=True)
    clinic = models.ForeignKey(Clinic, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    patient = models.ForeignKey(
        Patient, null=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    subject = models.ForeignKey(  # the account an account event is about
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(
        max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = ReadOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["clinic", "-at"], name="audit_clinic_time")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise PermissionError("Audit events cannot be deleted.")

    @property
    def role_label(self) -> str:
        """The actor's role in words ("Clinician", not "clinician")."""
        return str(dict(User.Role.choices).get(self.role, self.role))

    @property
    def object_label(self) -> str:
        """What the event was about in words: "clinical review 12", not "clinicalreview 12"."""
        if not self.object_type:
            return ""
        try:
            model = apps.get_model("tracker", self.object_type)
        except LookupError:
            name = self.object_type
        else:
            name = str(model._meta.verbose_name)
        return f"{name} {self.object_id}".strip()


# The database refuses to change or delete audit events (migration 0007). The one way
# round it is an explicit purge, for emptying a test database between tests: never a
# request's business.
_purging = threading.local()


@receiver(connection_created)
def _register_sqlite_guard(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "ldn_audit_guarded", 0, lambda: 0 if getattr(_purging, "on", False) else 1
        )


@contextmanager
def audit_purge() -> Iterator[None]:
    """Let this connection empty the audit table (PostgreSQL: a session setting the
    trigger reads; SQLite: the guard function registered above)."""
    _purging.on = True
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET ldn.audit_purge = 'on'")
    try:
        yield
    finally:
        _purging.on = False
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET ldn.audit_purge")
