"""Password guessing spread over many addresses (issue 19), OWASP's device cookies: the
lockout (lockout.py) is per email and client address, so strangers cannot lock a patient
out, but 40 addresses could each try 4 passwords. So each account also counts the failed
passwords from browsers it has never been signed in on; past ACCOUNT_GUESS_LIMIT of them in
ACCOUNT_GUESS_WINDOW, only a browser that has signed in to that account before (it holds a
signed device cookie naming it) may keep trying. The owner is never locked out by strangers,
and a guesser from new addresses must wait for the window to pass."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core import signing
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from .lockout import SECOND_FACTOR, axes_username

SALT = "ldn-tracker.device"
KEPT = 5  # accounts remembered per browser (a family sharing a tablet)
LIFETIME = dt.timedelta(days=365)


def cookie_name() -> str:
    return settings.DEVICE_COOKIE_NAME


def trusted_accounts(request: HttpRequest) -> list[str]:
    """The accounts (by email) this browser has signed in to, from its signed cookie."""
    raw = request.COOKIES.get(cookie_name())
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=SALT, max_age=LIFETIME)
    except signing.BadSignature:
        return []
    return [str(email) for email in value] if isinstance(value, list) else []


def _key(email: str) -> str:
    return "ldn-guesses:" + signing.Signer(salt=SALT).signature(email)


def guesses(email: str) -> int:
    return int(cache.get(_key(email), 0))


def refused(request: HttpRequest, email: str) -> bool:
    """Too many wrong passwords for this account from unknown browsers, and this is one."""
    email = email.strip().lower()
    return guesses(email) >= settings.ACCOUNT_GUESS_LIMIT and email not in trusted_accounts(request)


@receiver(user_login_failed)
def _count(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any
) -> None:
    if request is None or credentials.get(SECOND_FACTOR):
        return
    email = axes_username(request, credentials)
    if not email or email in trusted_accounts(request):
        return  # the owner's own browser: the per-address lockout is enough there
    key, window = _key(email), int(settings.ACCOUNT_GUESS_WINDOW.total_seconds())
    if not cache.add(key, 1, window):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, window)


@receiver(user_logged_in)
def _remember(sender: Any, request: HttpRequest, user: Any, **kw: Any) -> None:
    if request is not None:
        request._ldn_device_account = user.email.lower()  # type: ignore[attr-defined]


class DeviceCookieMiddleware:
    """Writes the device cookie after a sign-in (the signal has no response to write on)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        email = getattr(request, "_ldn_device_account", None)
        if email:
            accounts = [email, *(a for a in trusted_accounts(request) if a != email)][:KEPT]
            response.set_cookie(
                cookie_name(),
                signing.dumps(accounts, salt=SALT),
                max_age=int(LIFETIME.total_seconds()),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
