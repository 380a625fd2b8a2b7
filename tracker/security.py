"""Sign-in security glue: who counts as staff, the second-factor session mark, the username
django-axes locks on, and the audit events of signing in and out."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import authentication_step_completed, password_reset
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from . import audit
from .models import AuditAction, AuditOutcome, User

MFA_SESSION_KEY = "ldn_second_factor"
STAFF_ROLES = {User.Role.CLINICIAN, User.Role.CLINIC_ADMIN}


def is_staff(user: Any) -> bool:
    return getattr(user, "role", None) in STAFF_ROLES


def staff_has_mfa(user: Any) -> bool:
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """Lock on the email address, however the sign-in form names it."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("email") or ""
    return str(value).strip().lower()


def _ip(request: HttpRequest | None) -> str | None:
    return audit.client_ip(request) if request is not None else None


@receiver(authentication_step_completed)
def _mark_second_factor(request: HttpRequest, method: str, **kwargs: Any) -> None:
    if method == "mfa":
        request.session[MFA_SESSION_KEY] = True
        audit.record(actor=kwargs.get("user"), action=AuditAction.MFA_USED, ip=_ip(request))


@receiver(mfa_signals.authenticator_added)
def _mfa_added(request: HttpRequest, user: User, authenticator: Authenticator, **kw: Any) -> None:
    if authenticator.type == Authenticator.Type.TOTP:
        # Activating TOTP means entering a valid code: the second factor is in use.
        request.session[MFA_SESSION_KEY] = True
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
    audit.record(
        actor=None,
        email=email[:254],
        clinic=getattr(known, "clinic", None),
        action=AuditAction.SIGN_IN_FAILED,
        outcome=AuditOutcome.FAILED,
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
        ip=ip_address,
    )


@receiver(password_reset)
def _password_reset(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit.record(actor=user, action=AuditAction.PASSWORD_RESET, ip=_ip(request))
