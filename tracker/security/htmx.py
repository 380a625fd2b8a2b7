"""htmx glue: when a session has ended, an htmx request is sent to sign in as a whole page,
rather than the sign-in page being swapped into part of the current one."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect


class HtmxSignInRedirectMiddleware:
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
