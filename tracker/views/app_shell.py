"""What makes the patient's pages an app on the phone (SPEC §11): the web app manifest,
the service worker, the page shown offline, and the phone's push subscription.

The service worker is hand-written (static/js/ templates/sw.js) rather than Workbox: it
caches a fixed list of static files and one offline page, and nothing else, ever (no page
with health data is cached); that is some 60 lines, where Workbox would need a build step
or a script from its CDN that the strict Content-Security-Policy would have to allow."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ..access import patient_required
from ..models import Patient, PushSubscription

SHELL = [
    "css/app.css",
    "django_htmx/htmx-2.min.js",
    "js/app.js",
    "js/diary.js",
    "img/favicon.svg",
    "img/icon-192.png",
]


@login_not_required
@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "LDN Tracker",
        "short_name": "LDN diary",
        "description": "Your daily low-dose naltrexone diary.",
        "start_url": reverse("diary"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": "#1f5f8b",
        "background_color": "#f3f6f9",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static("img/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }  # fmt: skip
    response = HttpResponse(json.dumps(data), content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    files = [static(path) for path in SHELL] + [reverse("offline")]
    version = hashlib.sha256("|".join(files).encode()).hexdigest()[:12]
    context = {"files": json.dumps(files), "version": version, "offline": reverse("offline")}
    response = render(request, "sw.js", context, content_type="application/javascript")
    response["Cache-Control"] = "no-cache"  # the browser checks for a new worker each visit
    return response


@login_not_required
@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker when a page cannot load: it holds no health data."""
    return render(request, "offline.html")


NOT_A_SUBSCRIPTION = "That is not a push subscription."


class BadJSON(ValueError):
    """A request body that is not the JSON object asked for, in words for the client."""


def json_object(request: HttpRequest, message: str) -> dict[str, Any]:
    """The request's JSON object, or BadJSON: not JSON, too deeply nested, not an object."""
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise BadJSON(message) from None
    if not isinstance(data, dict):
        raise BadJSON(message)
    return data


def _text(value: object, longest: int) -> str:
    """A plain string field: no NUL (PostgreSQL refuses it), no longer than its column."""
    if not isinstance(value, str) or "\x00" in value or not value or len(value) > longest:
        raise BadJSON(NOT_A_SUBSCRIPTION)
    return value


@require_POST
@patient_required
def push_subscribe(request: HttpRequest, *, patient: Patient) -> JsonResponse:
    """This phone's Web Push subscription (the browser's PushSubscription as JSON). A
    subscription belongs to the account that made it: another account's is refused."""
    try:
        data = json_object(request, NOT_A_SUBSCRIPTION)
        keys = data.get("keys")
        if not isinstance(keys, dict):
            raise BadJSON(NOT_A_SUBSCRIPTION)
        endpoint = _text(data.get("endpoint"), 1000)
        p256dh, auth = _text(keys.get("p256dh"), 200), _text(keys.get("auth"), 100)
        URLValidator(schemes=["https", "http"] if settings.PUSH_ALLOW_HTTP else ["https"])(endpoint)
    except BadJSON as problem:
        return JsonResponse({"error": str(problem)}, status=400)
    except ValidationError:
        return JsonResponse({"error": "A push service address starts with https://."}, status=400)
    mine = PushSubscription.objects.filter(endpoint=endpoint).first()
    if mine is not None and mine.user_id != patient.user_id:
        return JsonResponse(
            {"error": "This phone's push subscription belongs to another account."}, status=409
        )
    try:
        with transaction.atomic():
            PushSubscription.objects.update_or_create(
                endpoint=endpoint, user=patient.user, defaults={"p256dh": p256dh, "auth": auth}
            )
    except IntegrityError:  # made for another account meanwhile
        return JsonResponse(
            {"error": "This phone's push subscription belongs to another account."}, status=409
        )
    return JsonResponse(
        {"subscribed": True, "devices": PushSubscription.objects.filter(user=patient.user).count()}
    )


@require_POST
@patient_required
def push_unsubscribe(request: HttpRequest, *, patient: Patient) -> JsonResponse:
    """Stop pushing to this phone: only a subscription of the patient's own is removed."""
    try:
        data = json_object(request, "Say which subscription.")
        endpoint = data.get("endpoint")
        if not isinstance(endpoint, str) or "\x00" in endpoint or len(endpoint) > 1000:
            raise BadJSON("Say which subscription.")
    except BadJSON as problem:
        return JsonResponse({"error": str(problem)}, status=400)
    PushSubscription.objects.filter(user=patient.user, endpoint=endpoint).delete()
    return JsonResponse({"subscribed": False})
