"""The audit events of signing in and out (SPEC §7): successes, failures (wrong passwords
and wrong codes), lockouts, password resets and changes to the second factor."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import authentication_step_completed, password_reset
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .. import audit
from ..models import AuditAction, AuditOutcome, User
from .client_ip import client_ip
from .lockout import SECOND_FACTOR, axes_username


def _ip(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(authentication_step_completed)
def _second_factor_used(request: HttpRequest, method: str, **kwargs: Any) -> None:
    if method == "mfa":
        audit.record(actor=kwargs.get("user"), action=AuditAction.MFA_USED, ip=_ip(request))


@receiver(mfa_signals.authenticator_added)
def _mfa_added(request: HttpRequest, user: User, authenticator: Authenticator, **kw: Any) -> None:
    if authenticator.type == Authenticator.Type.TOTP:
        audit.record(actor=user, action=AuditAction.MFA_ENABLED, ip=_ip(request))


@receiver(mfa_signals.authenticator_removed)
def _mfa_removed(request: HttpRequest, user: User, authenticator: Authenticator, **kw: Any) -> None:
    audit.record(actor=user, action=AuditAction.MFA_DISABLED, ip=_ip(request))


@receiver(mfa_signals.authenticator_reset)
def _mfa_reset(request: HttpRequest, user: User, authenticator: Authenticator, **kw: Any) -> None:
    audit.record(actor=user, action=AuditAction.MFA_RECOVERY_CODES, ip=_ip(request))


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit.record(actor=user, action=AuditAction.SIGN_IN, ip=_ip(request))


@receiver(user_logged_out)
def _signed_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, action=AuditAction.SIGN_OUT, ip=_ip(request))


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    email = axes_username(request, credentials)
    known = get_user_model().objects.filter(email__iexact=email).first() if email else None
    wrong_code = bool(credentials.get(SECOND_FACTOR))
    audit.record(
        actor=None,
        email=email[:254],
        clinic=getattr(known, "clinic", None),
        action=AuditAction.MFA_FAILED if wrong_code else AuditAction.SIGN_IN_FAILED,
        outcome=AuditOutcome.FAILED,
        subject=known if wrong_code else None,
        ip=_ip(request),
    )


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **kw: Any
) -> None:
    known = get_user_model().objects.filter(email__iexact=username).first() if username else None
    audit.record(
        actor=None,
        email=(username or "")[:254],
        clinic=getattr(known, "clinic", None),
        action=AuditAction.LOCKED_OUT,
        outcome=AuditOutcome.DENIED,
        ip=ip_address or None,
    )


@receiver(password_reset)
def _password_reset(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit.record(actor=user, action=AuditAction.PASSWORD_RESET, ip=_ip(request))
