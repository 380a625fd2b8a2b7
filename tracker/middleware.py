"""Request-wide security: staff sessions (second factor, idle sign-out) and headers."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect

from .security import MFA_SESSION_KEY, is_staff, staff_has_mfa

LAST_SEEN_KEY = "ldn_last_seen"


class StaffSessionMiddleware:
    """Clinicians and clinic admins answer nothing but the two-factor pages until their
    second factor is set up and used in this session, and are signed out after 30 idle
    minutes (SPEC §7)."""

    # Pages a staff member may open before the second factor: setting it up, signing out.
    OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/accounts/reauthenticate/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and is_staff(user):
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.STAFF_IDLE_MINUTES * 60:
                logout(request)
                messages.info(request, "You were signed out after 30 minutes without activity.")
                return redirect(f"{reverse('account_login')}?next={request.path}")
            if now - last_seen >= 30 or LAST_SEEN_KEY not in request.session:
                request.session[LAST_SEEN_KEY] = now  # a session write at most every 30 s
            if not request.path.startswith(self.OPEN_PREFIXES):
                response = self._second_factor(request)
                if response is not None:
                    return response
        return self.get_response(request)

    def _second_factor(self, request: HttpRequest) -> HttpResponse | None:
        if request.session.get(MFA_SESSION_KEY):
            return None  # used in this session; staff cannot turn it off (MFAAdapter)
        if not staff_has_mfa(request.user):
            messages.info(request, "Set up two-factor sign-in before you continue.")
            return redirect("mfa_activate_totp")
        # A session that skipped the second factor (it cannot come from a normal sign-in):
        # end it and ask for a full sign-in.
        logout(request)
        return redirect("account_login")


class HtmxSignInRedirectMiddleware:
    """When a session has ended, an htmx request is sent to sign in as a whole page,
    rather than the sign-in page being swapped into part of the current one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and response["Location"].startswith(reverse("account_login"))
        ):
            return HttpResponseClientRedirect(response["Location"])
        return response


class SecurityHeadersMiddleware:
    """Headers Django does not set itself; and no cache may keep a signed-in page, since
    any of them may hold health data (a shared phone's back button must show nothing)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        patch_vary_headers(response, ["Cookie"])
        return response
