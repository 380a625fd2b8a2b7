"""Accounts of a clinic: invites, activation, assignment, and the allauth adapter.

Every change writes its audit event in its own transaction (SPEC §7)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import audit
from .models import AuditAction, Clinic, Invite, Patient, User
from .security import is_staff


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs up alone: accounts come from a clinic's invite."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        # Staff are sent to set up their authenticator straight after signing in; asking
        # for the password again there (and again for the recovery codes) helps nobody.
        # A first authenticator only adds protection; otherwise a sign-in within the
        # reauthentication window counts as recent.
        request = context.request
        user = getattr(request, "user", None)
        if app == "allauth.mfa" and user is not None and user.is_authenticated:
            if not is_mfa_enabled(user):
                return False
            records = get_authentication_records(request, user)
            if (
                records
                and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
            ):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


class MFAAdapter(DefaultMFAAdapter):
    """Staff keep their second factor: it is required for them (SPEC §7)."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if is_staff(authenticator.user) and authenticator.type == Authenticator.Type.TOTP:
            return False
        return super().can_delete_authenticator(authenticator)


class InviteError(Exception):
    """Why an invite cannot be made or used, in words for the person at the screen."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_invite(token: str) -> Invite | None:
    return Invite.objects.select_related("clinic").filter(token_hash=_hash(token)).first()


INVITE_PROBLEMS = {
    "unknown": "This invite link is not valid. Ask your clinic for a new one.",
    "accepted": "This invite link was already used. Sign in instead.",
    "revoked": "This invite was withdrawn. Ask your clinic for a new one.",
    "expired": "This invite link has expired. Ask your clinic to send a new one.",
}


def invite_problem(invite: Invite | None) -> str | None:
    """Why this invite cannot be used now, or None when it can."""
    if invite is None:
        return INVITE_PROBLEMS["unknown"]
    return INVITE_PROBLEMS.get(invite.status)


def _new_token(invite: Invite) -> str:
    token = secrets.token_urlsafe(32)
    invite.token_hash = _hash(token)
    invite.expires_at = timezone.now() + dt.timedelta(hours=settings.INVITE_VALID_HOURS)
    return token


@task()
def send_invite_email(*, email: str, name: str, clinic: str, link: str) -> None:
    context = {"name": name, "clinic": clinic, "link": link, "hours": settings.INVITE_VALID_HOURS}
    send_mail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}your invitation from {clinic}",
        message=render_to_string("account/email/invite.txt", context),
        from_email=None,
        recipient_list=[email],
    )


def _send(invite: Invite, token: str, base_url: str) -> None:
    link = base_url.rstrip("/") + reverse("accept_invite", args=[token])
    payload = dict(email=invite.email, name=invite.first_name, clinic=invite.clinic.name, link=link)
    transaction.on_commit(lambda: send_invite_email.enqueue(**payload))


@transaction.atomic
def invite(
    *,
    clinic: Clinic,
    by: User | None,
    email: str,
    role: str,
    first_name: str,
    last_name: str = "",
    clinician: User | None = None,
    condition: str = "",
    primary_outcome: str = "pain",
    base_url: str,
    ip: str | None = None,
) -> tuple[Invite, str]:
    """Invite someone to `clinic`; returns the invite and its link token (emailed too)."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise InviteError("This email address already has an account.")
    if Invite.objects.pending().filter(email__iexact=email).exists():
        raise InviteError("This email address already has an invite waiting: resend it instead.")
    if clinician is not None and (clinician.clinic_id != clinic.pk or not clinician.is_clinician):
        raise InviteError("Choose a clinician of this clinic.")
    pending = Invite(
        clinic=clinic,
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
        clinician=clinician,
        condition=condition,
        primary_outcome=primary_outcome,
        invited_by=by,
    )
    token = _new_token(pending)
    pending.save()
    audit.record(actor=by, clinic=clinic, action=AuditAction.INVITE_SENT, obj=pending, ip=ip)
    _send(pending, token, base_url)
    return pending, token


@transaction.atomic
def resend(*, invite: Invite, by: User, base_url: str, ip: str | None = None) -> str:
    """A fresh link for an invite not yet used; the old link stops working."""
    if invite.accepted_at:
        raise InviteError("This invite was already used.")
    token = _new_token(invite)
    invite.revoked_at = None
    invite.save(update_fields=["token_hash", "expires_at", "revoked_at"])
    audit.record(actor=by, action=AuditAction.INVITE_RESENT, obj=invite, ip=ip)
    _send(invite, token, base_url)
    return token


@transaction.atomic
def revoke(*, invite: Invite, by: User, ip: str | None = None) -> None:
    if invite.accepted_at:
        raise InviteError("This invite was already used.")
    Invite.objects.filter(pk=invite.pk).update(revoked_at=timezone.now())
    audit.record(actor=by, action=AuditAction.INVITE_REVOKED, obj=invite, ip=ip)


@transaction.atomic
def accept(*, token: str, password: str, ip: str | None = None) -> User:
    """Create the invited account with `password` (already validated); the link is then
    used up. Locks the invite row so two clicks cannot make two accounts."""
    found = find_invite(token)
    pending = Invite.objects.select_for_update().get(pk=found.pk) if found else None
    problem = invite_problem(pending)
    if problem or pending is None:
        raise InviteError(problem or INVITE_PROBLEMS["unknown"])
    if User.objects.filter(email__iexact=pending.email).exists():
        raise InviteError("This email address already has an account. Sign in instead.")
    user = User.objects.create_user(
        pending.email,
        password,
        first_name=pending.first_name,
        last_name=pending.last_name,
        role=pending.role,
        clinic=pending.clinic,
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    if pending.role == User.Role.PATIENT:
        Patient.objects.create(
            user=user,
            clinician=pending.clinician,
            condition=pending.condition,
            primary_outcome=pending.primary_outcome,
        )
    pending.accepted_at, pending.user = timezone.now(), user
    pending.save(update_fields=["accepted_at", "user"])
    audit.record(actor=user, action=AuditAction.INVITE_ACCEPTED, obj=pending, ip=ip)
    return user


@transaction.atomic
def set_active(*, user: User, active: bool, by: User, ip: str | None = None) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    if user.pk == by.pk:
        raise InviteError("You cannot deactivate your own account.")
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
        raise InviteError("Choose a clinician of this clinic.")
    Patient.objects.filter(pk=patient.pk).update(clinician=clinician)
    audit.record(
        actor=by, action=AuditAction.PATIENT_ASSIGNED, patient=patient, subject=clinician, ip=ip
    )
