"""Writing the audit log: one call per event, inside the transaction of what it records."""

from __future__ import annotations

from django.db import models

from .models import AuditAction, AuditEvent, AuditOutcome, Clinic, Patient, User


def record(
    *,
    actor: User | None,
    action: AuditAction,
    patient: Patient | None = None,
    obj: models.Model | None = None,
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    ip: str | None = None,
    email: str = "",
    clinic: Clinic | None = None,
    subject: User | None = None,
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """One event. The clinic is the actor's, or for an anonymous attempt the one of the
    account it named, so that clinic's admins can read it."""
    clinic_id: int | None
    if clinic is not None:
        clinic_id = clinic.pk
    else:
        clinic_id = actor.clinic_id if actor else (patient.user.clinic_id if patient else None)
    return AuditEvent.objects.create(
        actor=actor,
        actor_email=actor.email if actor else email,
        role=actor.role if actor else "",
        clinic_id=clinic_id,
        action=action,
        patient=patient,
        subject=subject,
        object_type=(obj._meta.model_name or "") if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else object_id[:40],
        outcome=outcome,
        ip=ip,
    )
