"""Headers Django does not set itself. No cache may keep a page of the app: any of them may
hold health data (a shared phone's back button must show nothing). Signing out tells the
browser to clear what the site stored (an unsent diary entry, the service worker's cache).
This reads neither the session nor the database, so it holds for error pages too, even
with the database down."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        patch_vary_headers(response, ["Cookie"])
        if request.method == "POST" and request.path == reverse("account_logout"):
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response
