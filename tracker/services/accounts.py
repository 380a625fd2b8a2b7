"""A clinic admin's changes to accounts: deactivating and reactivating them, and assigning
patients to clinicians. Each writes its audit event in the same transaction."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from .. import audit
from ..models import AuditAction, Clinic, Patient, User


class AccountError(Exception):
    """Why an account change cannot be made, in words for the admin."""


@transaction.atomic
def set_active(*, user: User, active: bool, by: User, ip: str | None = None) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    if user.pk == by.pk:
        raise AccountError(_("You cannot deactivate your own account."))
    User.objects.filter(pk=user.pk).update(is_active=active)
    if not active:
        for session in UserSession.objects.filter(user=user):
            session.end()
    action = AuditAction.ACCOUNT_REACTIVATED if active else AuditAction.ACCOUNT_DEACTIVATED
    audit.record(actor=by, action=action, subject=user, ip=ip)


@transaction.atomic
def assign(*, patient: Patient, clinician: User | None, by: User, ip: str | None = None) -> None:
    if clinician is not None and (
        clinician.clinic_id != patient.user.clinic_id or not clinician.is_clinician
    ):
        raise AccountError(_("Choose a clinician of this clinic."))
    Patient.objects.filter(pk=patient.pk).update(clinician=clinician)
    audit.record(
        actor=by, action=AuditAction.PATIENT_ASSIGNED, patient=patient, subject=clinician, ip=ip
    )


@transaction.atomic
def reassign_all(*, from_clinician: User, to: User, by: User, ip: str | None = None) -> int:
    """Move every patient of `from_clinician` to `to` (one audit event per patient)."""
    moved = 0
    for patient in Patient.objects.filter(clinician=from_clinician).select_related("user"):
        assign(patient=patient, clinician=to, by=by, ip=ip)
        moved += 1
    return moved


def deactivated_with_patients(clinic: Clinic) -> list[tuple[User, int]]:
    """Deactivated clinicians of `clinic` who still have patients: nobody is watching them."""
    found = (
        User.objects.filter(clinic=clinic, role=User.Role.CLINICIAN, is_active=False)
        .annotate(n=Count("assigned_patients"))
        .filter(n__gt=0)
        .order_by("last_name", "first_name", "pk")
    )
    return [(user, user.n) for user in found]  # type: ignore[attr-defined]
