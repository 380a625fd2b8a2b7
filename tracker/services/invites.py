"""Invites: a single-use, expiring link by email that lets someone join a clinic (SPEC §7).
Every change writes its audit event in its own transaction."""

from __future__ import annotations

import datetime as dt
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import audit
from ..models import AuditAction, Clinic, Invite, SendKind, User
from ..models.people import token_hash
from ..notifications import links, outbox
from .enrolment import enrol


class InviteError(Exception):
    """Why an invite cannot be made or used, in words for the person at the screen."""


def find_invite(token: str) -> Invite | None:
    return Invite.objects.select_related("clinic").filter(token_hash=token_hash(token)).first()


INVITE_PROBLEMS = {
    "unknown": gettext_lazy("This invite link is not valid. Ask your clinic for a new one."),
    "accepted": gettext_lazy("This invite link was already used. Sign in instead."),
    "revoked": gettext_lazy("This invite was withdrawn. Ask your clinic for a new one."),
    "expired": gettext_lazy("This invite link has expired. Ask your clinic to send a new one."),
}


def invite_problem(invite: Invite | None) -> str | None:
    """Why this invite cannot be used now, or None when it can."""
    if invite is None:
        return str(INVITE_PROBLEMS["unknown"])
    problem = INVITE_PROBLEMS.get(invite.status)
    return str(problem) if problem else None


def _new_token(invite: Invite) -> str:
    invite.token_salt = secrets.token_hex(32)
    token = invite.token()
    invite.token_hash = token_hash(token)
    invite.expires_at = timezone.now() + dt.timedelta(hours=settings.INVITE_VALID_HOURS)
    return token


def link(token: str) -> str:
    return links.link(reverse("accept_invite", args=[token]))


def _send(invite: Invite) -> None:
    outbox.queue(
        kind=SendKind.INVITE,
        key=f"{invite.pk}:{invite.token_salt[:16]}",  # each resend is a new message
        invite=invite,
        email=invite.email,
        clinic=invite.clinic,
    )


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
    ip: str | None = None,
) -> tuple[Invite, str]:
    """Invite someone to `clinic`; returns the invite and its link token (emailed too)."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise InviteError(_("This email address already has an account."))
    if Invite.objects.pending().filter(email__iexact=email).exists():
        raise InviteError(_("This email address already has an invite waiting: resend it instead."))
    if clinician is not None and (clinician.clinic_id != clinic.pk or not clinician.is_clinician):
        raise InviteError(_("Choose a clinician of this clinic."))
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
    _send(pending)
    return pending, token


@transaction.atomic
def resend(*, invite: Invite, by: User, ip: str | None = None) -> str:
    """A fresh link for an invite not yet used; the old link stops working."""
    if invite.accepted_at:
        raise InviteError(_("This invite was already used."))
    token = _new_token(invite)
    invite.revoked_at = None
    invite.save(update_fields=["token_salt", "token_hash", "expires_at", "revoked_at"])
    audit.record(actor=by, action=AuditAction.INVITE_RESENT, obj=invite, ip=ip)
    _send(invite)
    return token


@transaction.atomic
def revoke(*, invite: Invite, by: User, ip: str | None = None) -> None:
    if invite.accepted_at:
        raise InviteError(_("This invite was already used."))
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
        raise InviteError(problem or str(INVITE_PROBLEMS["unknown"]))
    if User.objects.filter(email__iexact=pending.email).exists():
        raise InviteError(_("This email address already has an account. Sign in instead."))
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
        enrol(
            user=user,
            clinician=pending.clinician,
            condition=pending.condition,
            primary_outcome=pending.primary_outcome,
        )
    pending.accepted_at, pending.user = timezone.now(), user
    pending.save(update_fields=["accepted_at", "user"])
    audit.record(actor=user, action=AuditAction.INVITE_ACCEPTED, obj=pending, ip=ip)
    return user
