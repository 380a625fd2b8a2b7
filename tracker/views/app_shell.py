"""What makes the patient's pages an app on the phone (SPEC §11): the web app manifest,
the service worker, the page shown offline, and the phone's push subscription.

The service worker is hand-written (static/js/ templates/sw.js) rather than Workbox: it
caches a fixed list of static files and one offline page, and nothing else, ever (no page
with health data is cached); that is some 60 lines, where Workbox would need a build step
or a script from its CDN that the strict Content-Security-Policy would have to allow."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError
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


@require_POST
@patient_required
def push_subscribe(request: HttpRequest, *, patient: Patient) -> JsonResponse:
    """This phone's Web Push subscription (the browser's PushSubscription as JSON)."""
    try:
        data = json.loads(request.body or b"{}")
        endpoint, keys = str(data["endpoint"]), data["keys"]
        p256dh, auth = str(keys["p256dh"]), str(keys["auth"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "That is not a push subscription."}, status=400)
    if not endpoint.startswith("https://") and not settings.DEBUG and not settings.TESTING:
        return JsonResponse({"error": "A push service address starts with https://."}, status=400)
    if len(endpoint) > 1000 or len(p256dh) > 200 or len(auth) > 100:
        return JsonResponse({"error": "That is not a push subscription."}, status=400)
    try:
        PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={"user": patient.user, "p256dh": p256dh, "auth": auth},
        )
    except IntegrityError:
        return JsonResponse({"error": "That is not a push subscription."}, status=400)
    return JsonResponse(
        {"subscribed": True, "devices": PushSubscription.objects.filter(user=patient.user).count()}
    )


@require_POST
@patient_required
def push_unsubscribe(request: HttpRequest, *, patient: Patient) -> JsonResponse:
    try:
        endpoint = str(json.loads(request.body or b"{}")["endpoint"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "Say which subscription."}, status=400)
    PushSubscription.objects.filter(user=patient.user, endpoint=endpoint).delete()
    return JsonResponse({"subscribed": False})
