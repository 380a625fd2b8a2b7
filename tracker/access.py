"""Who may call a view. Each view names its audience with one decorator; objects are then
fetched through scoped querysets that start from the user (SPEC §2: out of scope is 404):
`Patient.objects.visible_to(user)` (models/people.py) says whose health data a user may read.

The decorator also sets the time zone the page shows times in: a patient's own, or for
staff their clinic's."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from .models import Patient, User

type View = Callable[..., HttpResponse | StreamingHttpResponse]


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it."""

    htmx: HtmxDetails


def patient_required(view: View) -> View:
    """Only for a signed-in patient; the view receives their Patient as `patient`."""

    @wraps(view)
    def wrapper(
        request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse | StreamingHttpResponse:
        user = request.user
        if not isinstance(user, User) or user.role != User.Role.PATIENT:
            raise PermissionDenied(_("This page is for patients."))
        patient = Patient.objects.filter(user=user).select_related("summary").first()
        if patient is None:
            raise PermissionDenied(_("This account has no patient profile yet."))
        patient.user = user
        with timezone.override(patient.zone):
            return view(request, *args, patient=patient, **kwargs)

    return wrapper


def clinician_required(view: View) -> View:
    """Only for a signed-in clinician of a clinic; the view receives them as `clinician`."""

    @wraps(view)
    def wrapper(
        request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse | StreamingHttpResponse:
        user = request.user
        if not isinstance(user, User) or user.role != User.Role.CLINICIAN or not user.clinic_id:
            raise PermissionDenied(_("This page is for clinicians."))
        with timezone.override(_clinic_zone(user)):
            return view(request, *args, clinician=user, **kwargs)

    return wrapper


def clinic_admin_required(view: View) -> View:
    """Only for a signed-in clinic admin; the view receives them as `admin`."""

    @wraps(view)
    def wrapper(
        request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse | StreamingHttpResponse:
        user = request.user
        if not isinstance(user, User) or user.role != User.Role.CLINIC_ADMIN or not user.clinic_id:
            raise PermissionDenied(_("This page is for clinic admins."))
        with timezone.override(_clinic_zone(user)):
            return view(request, *args, admin=user, **kwargs)

    return wrapper


def _clinic_zone(user: User) -> zoneinfo.ZoneInfo:
    # The user was loaded with their clinic (UserManager), so this costs no query.
    return user.clinic.zone if user.clinic else zoneinfo.ZoneInfo("UTC")
