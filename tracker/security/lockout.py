"""The lockout (django-axes): after 5 failures for one email address from one client
address, sign-in is paused for 15 minutes. Wrong second-factor codes count as failures too,
and a paused account cannot finish signing in with a code either. The key is the email and
the client's own address (security/client_ip.py), so strangers failing on other accounts
from a shared address never lock anyone else out."""

from __future__ import annotations

from typing import Any

from allauth.core import context
from allauth.mfa import signals as mfa_signals
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

SECOND_FACTOR = "second_factor"  # marks a failure as a wrong code, not a wrong password


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """Lock on the email address, however the sign-in form names it."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None:
        try:
            value = request.POST.get("login") or request.POST.get("email") or ""
        except Exception:  # an unreadable body: it names nobody
            value = ""
    return str(value).strip().lower()


@receiver(mfa_signals.authentication_failed)
def _count_wrong_code(
    sender: Any, request: HttpRequest, user: Any, reauthentication: bool = False, **kw: Any
) -> None:
    """A wrong code is a failed sign-in: audited (security/sign_in_audit.py) and counted by
    django-axes towards the lockout, which django-axes' middleware then answers."""
    user_login_failed.send(
        sender=Authenticator,
        credentials={"username": user.email, SECOND_FACTOR: True},
        request=request,
    )


class PausedAwareAuthenticateForm(AuthenticateForm):
    """allauth's code form, refusing even a right code while sign-in is paused."""

    def clean_code(self) -> str:
        if AxesProxyHandler.is_locked(context.request, {"username": self.user.email}):
            raise forms.ValidationError(
                _("Sign-in is paused for 15 minutes after too many failed attempts.")
            )
        return super().clean_code()
