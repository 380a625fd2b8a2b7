"""Staff are signed out after STAFF_IDLE_MINUTES without a request (SPEC §7: idle logout)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .second_factor import requires_second_factor

LAST_SEEN_KEY = "ldn_last_seen"


class StaffIdleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and requires_second_factor(user):
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            if now - last_seen > settings.STAFF_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(n)s minutes without activity.")
                    % {"n": settings.STAFF_IDLE_MINUTES},
                )
                return redirect(f"{reverse('account_login')}?next={request.path}")
            if now - last_seen >= 30 or LAST_SEEN_KEY not in request.session:
                request.session[LAST_SEEN_KEY] = now  # a session write at most every 30 s
        return self.get_response(request)
