"""The clinician's workspace: the panel, a patient's record, reviews and prescriptions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import audit, charts, queries, services
from ..access import HtmxHttpRequest, clinician_required
from ..audit import client_ip
from ..clinician_forms import (
    NoteForm,
    PanelFilters,
    PrescriptionForm,
    ReviewForm,
    StepFormSet,
    plan_errors,
)
from ..models import Alert, AuditAction, DailyEntry, Patient, ReviewOutcome, User

DIARY_DAYS = 56
DOSE_OUTCOMES = {
    ReviewOutcome.INCREASE_DOSE,
    ReviewOutcome.REDUCE_DOSE,
    ReviewOutcome.CHANGE_TIMING,
}


def _patient(clinician: User, pk: int) -> Patient:
    """One of the clinician's own patients; anyone else's is a 404."""
    visible = Patient.objects.visible_to(clinician).select_related("user", "summary")
    return get_object_or_404(visible, pk=pk)


@require_GET
@clinician_required
def panel(request: HtmxHttpRequest, *, clinician: User) -> HttpResponse:
    """Assigned patients, most in need of attention first; filters live in the URL."""
    filters = PanelFilters(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    rows = queries.panel(clinician, **chosen)
    context = {"rows": rows, "filters": filters, "filtered": any(chosen.values())}
    template = "clinician/panel.html" + ("#results" if request.htmx else "")
    return render(request, template, context)


@require_GET
@clinician_required
def record(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    patient = _patient(clinician, pk)
    if request.htmx and "range" in request.GET:
        days = DailyEntry.objects.for_patient(patient).days()
        evaluation = patient.evaluate(days=days)
        context = {
            "trends": charts.trends(days, evaluation, charts.parse_range(request.GET["range"])),
            "range_url": reverse("clinician_record", args=[patient.pk]),
        }
        return render(request, "components/trends.html", context)
    return _record_page(request, patient, clinician, NoteForm())


def _record_page(
    request: HtmxHttpRequest, patient: Patient, clinician: User, note_form: NoteForm
) -> HttpResponse:
    """The whole record, viewed (and audited as viewed)."""
    days = DailyEntry.objects.for_patient(patient).days()
    evaluation = patient.evaluate(days=days)
    audit.record(
        actor=clinician, action=AuditAction.VIEW_RECORD, patient=patient, ip=client_ip(request)
    )
    today = evaluation.today
    first = today - dt.timedelta(days=DIARY_DAYS - 1)
    context = {
        "patient": patient,
        "evaluation": evaluation,
        "alerts": patient.alerts.select_related("acknowledged_by").order_by(
            "acknowledged_at", "priority", "-on"
        ),
        "entries": DailyEntry.objects.for_patient(patient)
        .in_window(first, today)
        .order_by("-date"),
        "notes": patient.clinician_notes.select_related("author"),
        "reviews": patient.reviews.select_related("recorded_by"),
        "prescriptions": patient.prescriptions.select_related("set_by").order_by(
            "-start_date", "-id"
        ),
        "note_form": note_form,
        "trends": charts.trends(days, evaluation, charts.parse_range(request.GET.get("range"))),
        "range_url": reverse("clinician_record", args=[patient.pk]),
    }
    return render(request, "clinician/record.html", context)


@require_POST
@clinician_required
def acknowledge(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    alert = get_object_or_404(
        Alert.objects.visible_to(clinician).select_related("patient__user"), pk=pk
    )
    services.acknowledge_alert(alert=alert, by=clinician, ip=client_ip(request))
    if request.htmx:
        return render(request, "clinician/record.html#alert", {"alert": alert})
    return redirect(f"{reverse('clinician_record', args=[alert.patient_id])}#alerts")


@require_POST
@clinician_required
def add_note(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    patient = _patient(clinician, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(
            patient=patient, text=form.cleaned_data["text"], by=clinician, ip=client_ip(request)
        )
        if not request.htmx:
            return redirect(f"{reverse('clinician_record', args=[pk])}#notes")
        form = NoteForm()
    elif not request.htmx:
        return _record_page(request, patient, clinician, form)  # the message, in place
    context = {
        "patient": patient,
        "note_form": form,
        "notes": patient.clinician_notes.select_related("author"),
    }
    return render(request, "clinician/record.html#notes", context)


@require_http_methods(["GET", "POST"])
@clinician_required
def record_review(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    """The review at the current review point: outcome, note, and the next review."""
    patient = _patient(clinician, pk)
    evaluation = patient.evaluate()
    form = ReviewForm(request.POST or None, current_week=evaluation.week or 0)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review(
                patient=patient, **form.cleaned_data, by=clinician, ip=client_ip(request)
            )
        except services.ReviewNotRecorded as problem:
            form.add_error(None, str(problem))
        else:
            if form.cleaned_data["outcome"] in DOSE_OUTCOMES:
                messages.success(request, "Review recorded. Now set the new prescription.")
                return redirect("clinician_prescription", pk=pk)
            messages.success(request, "Review recorded.")
            return redirect("clinician_record", pk=pk)
    context = {"patient": patient, "evaluation": evaluation, "form": form}
    return render(request, "clinician/review.html", context)


@require_http_methods(["GET", "POST"])
@clinician_required
def prescription(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    """Change the dose, timing or formulation, with an optional titration plan."""
    patient = _patient(clinician, pk)
    today = patient.diary_today()
    current = patient.prescriptions.current_on(today)
    form = PrescriptionForm(request.POST or None, today=today, initial=_initial(current, today))
    steps = StepFormSet(request.POST or None, prefix="step")
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        data = form.cleaned_data
        plan = [(data["start_date"], data["dose_mg"]), *steps.steps()]  # type: ignore[attr-defined]
        problems = plan_errors(data["start_date"], plan[1:])
        if problems:
            for problem in problems:
                form.add_error(None, problem)
        else:
            services.prescribe(
                patient=patient,
                steps=plan,
                usual_time=data["usual_time"],
                timing=data["timing"],
                formulation=data["formulation"],
                concentration=data["concentration"],
                by=clinician,
                ip=client_ip(request),
            )
            messages.success(request, "Prescription saved.")
            return redirect("clinician_record", pk=pk)
    context = {"patient": patient, "form": form, "steps": steps, "current": current}
    return render(request, "clinician/prescription.html", context)


def _initial(current: Any, today: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {"start_date": today}
    if current is not None:
        initial |= {
            "dose_mg": current.dose_mg,
            "timing": current.timing,
            "usual_time": current.usual_time,
            "formulation": current.formulation,
            "concentration": current.concentration_mg_per_ml,
        }
    else:
        initial |= {"timing": "bedtime", "formulation": "capsule"}
    return initial


@require_GET
@clinician_required
def summary(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    """A one-page printable summary (A4 or Letter)."""
    patient = _patient(clinician, pk)
    days = DailyEntry.objects.for_patient(patient).days()
    evaluation = patient.evaluate(days=days)
    audit.record(
        actor=clinician, action=AuditAction.PRINT_SUMMARY, patient=patient, ip=client_ip(request)
    )
    context = {
        "patient": patient,
        "evaluation": evaluation,
        "trends": charts.trends(days, evaluation, "12w"),
        "current": patient.prescriptions.current_on(evaluation.today),
        "prescriptions": patient.prescriptions.active().order_by("-start_date", "-id")[:8],
        "alerts": patient.alerts.open(),
        "last_review": patient.reviews.select_related("recorded_by").first(),
        "clinician": clinician,
    }
    return render(request, "clinician/summary.html", context)
