"""The append-only audit log (SPEC §7): every read, change and export of health data."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone

from .people import Clinic, Patient


class AuditAction(models.TextChoices):
    VIEW_RECORD = "view_record", "Viewed a patient record"
    PRINT_SUMMARY = "print_summary", "Printed a summary"
    EXPORT = "export", "Exported data"
    SAVE_ENTRY = "save_entry", "Saved a diary entry"
    ANSWER_PGIC = "answer_pgic", "Answered the review question"
    ACKNOWLEDGE_ALERT = "acknowledge_alert", "Acknowledged an alert"
    RECORD_REVIEW = "record_review", "Recorded a review"
    ADD_NOTE = "add_note", "Added a clinician note"
    CHANGE_PRESCRIPTION = "change_prescription", "Changed a prescription"


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
