"""django-allauth's adapters: how allauth behaves here (no public sign-up, staff keep their
second factor, the client's address as the product reads it). No writes of our own here:
those live in services/ (invites.py, accounts.py)."""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.http import HttpRequest
from django.utils import timezone

from .security.client_ip import client_ip
from .security.second_factor import requires_second_factor


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs up alone: accounts come from a clinic's invite."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Wrong passwords are counted by django-axes per email *and* client address
        (security/lockout.py); allauth's count per email alone would let a stranger lock
        anyone out from anywhere, so it is not kept. Per account, past a limit, only
        browsers that signed in to it before may keep trying (security/devices.py)."""
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        from .security import devices

        email = str(credentials.get("email") or credentials.get("username") or "")
        if email and devices.refused(request, email):
            raise ValidationError(
                _(
                    "Too many wrong passwords for this account from new devices. Try again in "
                    "15 minutes, or from a phone or computer you have signed in with before."
                )
            )

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Password emails go on the queue like every other message: retried, logged, never
        sent inside the request. Their links are made when sending, never stored."""
        from .models import SendKind
        from .notifications import outbox

        now = timezone.now().isoformat()
        user = context.get("user")
        if template_prefix == "account/email/password_reset_key" and user is not None:
            outbox.queue(
                kind=SendKind.PASSWORD_RESET, key=f"{user.pk} at {now}", recipient=user,
                email=email, clinic_id=user.clinic_id,
            )  # fmt: skip
        elif template_prefix == "account/email/unknown_account":
            outbox.queue(kind=SendKind.UNKNOWN_ACCOUNT, key=f"{email} at {now}", email=email)
        else:
            super().send_mail(template_prefix, email, context)

    def get_client_ip(self, request: HttpRequest) -> str:
        # One reading of the client's address for rate limits, sessions, audit and lockout.
        return client_ip(request) or ""

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
    """Those who must use a second factor (staff, the operator) cannot remove it."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if (
            requires_second_factor(authenticator.user)
            and authenticator.type == Authenticator.Type.TOTP
        ):
            return False
        return super().can_delete_authenticator(authenticator)
