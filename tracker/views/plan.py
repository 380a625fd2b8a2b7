"""The titration plan and the supply (SPEC §3a), for the patient and for their clinician:
the dated steps with what each means in the patient's unit, holding the next step, the
dispensings and the run-out estimate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..access import HtmxHttpRequest, clinician_required, patient_required
from ..forms.plan import DispensingForm, HoldForm
from ..models import AuditAction, Patient, User
from ..models.diary import in_force
from ..security.client_ip import client_ip
from ..services import plan as plan_service
from .clinician import _patient


@require_http_methods(["GET", "POST"])
@patient_required
def plan(request: HtmxHttpRequest, *, patient: Patient) -> HttpResponse:
    """The patient's own plan and supply."""
    return _page(request, patient, by=request.user, back="diary")  # type: ignore[arg-type]


@require_http_methods(["GET", "POST"])
@clinician_required
def clinician_plan(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    """A patient's plan and supply, for their clinician: hold a step, record a dispensing."""
    patient = _patient(request, clinician, pk, AuditAction.VIEW_PRESCRIPTION)
    return _page(request, patient, by=clinician, back="clinician_record")


def _page(request: HtmxHttpRequest, patient: Patient, *, by: User, back: str) -> HttpResponse:
    today = patient.diary_today()
    prescriptions = sorted(patient.prescriptions.active(), key=lambda rx: (rx.start_date, rx.pk))
    current = in_force(prescriptions, today)
    action = request.POST.get("action") if request.method == "POST" else None
    unit = (
        current.dose_unit if current else (prescriptions[-1].dose_unit if prescriptions else "mg")
    )
    hold_form = HoldForm(request.POST if action == "hold" else None)
    supply_form = DispensingForm(
        request.POST if action == "supply" else None,
        today=today,
        unit=unit,
        initial={"dispensed_on": today},
    )
    problem = ""
    if action == "hold" and hold_form.is_valid():
        try:
            plan_service.hold_step(
                patient=patient, by=by, ip=client_ip(request), **hold_form.cleaned_data
            )
        except plan_service.NothingToHold:
            problem = _("There is no later step to hold: the plan has reached its last dose.")
        else:
            messages.success(request, _("The next step is held: the plan's later steps moved."))
            return redirect(request.path)
    elif action == "supply" and supply_form.is_valid():
        plan_service.record_dispensing(
            patient=patient, values=supply_form.cleaned_data, by=by, ip=client_ip(request)
        )
        messages.success(request, _("Supply recorded."))
        return redirect(request.path)
    elif action not in (None, "hold", "supply"):
        problem = _("Choose to hold a step or to record a supply.")
    context: dict[str, Any] = {
        "patient": patient,
        "today": today,
        "current": current,
        "upcoming": [rx for rx in prescriptions if rx.start_date > today],
        "holds": list(patient.holds.select_related("held_by").order_by("-on", "-id")[:20]),
        "supply": plan_service.supply(patient, today),
        "evaluation": patient.status(),
        "hold_form": hold_form,
        "supply_form": supply_form,
        "problem": problem,
        "back": back,
        "for_clinician": back != "diary",
    }
    return render(request, "plan.html", context)
