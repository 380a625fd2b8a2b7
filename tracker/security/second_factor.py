"""Where two-factor sign-in is required (SPEC §7) and enforced.

Clinicians, clinic admins and the platform operator must use a second factor; patients may.
A session counts as signed in with it once allauth's code step (or the first set-up of an
authenticator) has completed in it, and this session is marked. Until then, whoever needs
a second factor is served nothing but the step that gives it: setting up a first
authenticator when they have none, or signing out. A session that skipped the step
(it cannot come from the product's sign-in) is ended."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.decorators import secure_admin_login
from allauth.account.signals import authentication_step_completed
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import User

MFA_SESSION_KEY = "ldn_second_factor"
STAFF_ROLES = {User.Role.CLINICIAN, User.Role.CLINIC_ADMIN}


def is_staff(user: Any) -> bool:
    """A clinician or clinic admin: the people who see other people's health data."""
    return getattr(user, "role", None) in STAFF_ROLES


def requires_second_factor(user: Any) -> bool:
    """Staff and the platform operator (the Django admin) must use a second factor."""
    return is_staff(user) or bool(getattr(user, "is_staff", False))


def has_authenticator(user: Any) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def completed(request: HttpRequest) -> bool:
    """The session used its second factor, or its account owed none when it signed in."""
    return bool(request.session.get(MFA_SESSION_KEY))


class SecondFactorMiddleware:
    """No page answers a session that owes a second factor, allauth's included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not completed(request):
            must = requires_second_factor(user)
            owed = has_authenticator(user)
            if must or owed:
                response = self._only_the_second_factor(request, owed=owed)
                if response is not None:
                    return response
        return self.get_response(request)

    def _only_the_second_factor(self, request: HttpRequest, *, owed: bool) -> HttpResponse | None:
        if request.path == reverse("account_logout"):
            return None
        if not owed:
            # No authenticator yet: the first set-up is the one step open to them.
            if request.path == reverse("mfa_activate_totp"):
                return None
            messages.info(request, _("Set up two-factor sign-in before you continue."))
            return redirect("mfa_activate_totp")
        # An authenticator exists but this session never used it: it did not come from the
        # product's sign-in. End it and ask for a full sign-in.
        logout(request)
        return redirect("account_login")


@receiver(authentication_step_completed)
def _mark_second_factor(request: HttpRequest, method: str, **kwargs: Any) -> None:
    if method == "mfa":
        request.session[MFA_SESSION_KEY] = True


@receiver(user_logged_in)
def _mark_nothing_owed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    # A patient without an authenticator signs in with the password alone; saying so here
    # spares every later request the question.
    if request is not None and not requires_second_factor(user) and not has_authenticator(user):
        request.session.setdefault(MFA_SESSION_KEY, "not needed")


@receiver(mfa_signals.authenticator_added)
def _mark_first_authenticator(
    request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    if authenticator.type == Authenticator.Type.TOTP:
        # Activating TOTP means entering a valid code: the second factor is in use.
        request.session[MFA_SESSION_KEY] = True


def protect_admin_login() -> None:
    """The Django admin's own login form would make a password-only session: send it to
    the product's sign-in instead, which asks for the second factor."""
    admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
