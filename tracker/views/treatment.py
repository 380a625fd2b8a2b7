"""The treatment course (SPEC §4): the patient's "I have stopped" / "I have restarted" page
and their answer about an unlogged gap, and the clinician's confirmation of a stop the
patient reported."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..access import HtmxHttpRequest, clinician_required, patient_required
from ..forms.patient import GapForm, StopForm
from ..models import Patient, StopReason, TreatmentStop, User
from ..security.client_ip import client_ip
from ..services import courses as course_service


@require_http_methods(["GET", "POST"])
@patient_required
def treatment(request: HtmxHttpRequest, *, patient: Patient) -> HttpResponse:
    """Tell the clinic LDN stopped (with the day), or that it started again."""
    evaluation = patient.status()
    today = evaluation.today
    form = StopForm(
        request.POST if request.POST.get("action") == "stop" else None,
        today=today,
        last_dose=evaluation.last_dose,
        initial={"on": today},
    )
    problem = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "restart":
                course_service.report_restart(patient=patient, on=today, ip=client_ip(request))
                messages.success(request, _("Welcome back: log your dose on Today as usual."))
                return redirect("diary")
            if action == "stop" and form.is_valid():
                course_service.report_stop(
                    patient=patient, on=form.cleaned_data["on"], ip=client_ip(request)
                )
                messages.success(request, _("Thank you: your clinic will see that you stopped."))
                return redirect("diary")
            if action not in ("stop", "restart"):
                problem = _("Choose whether you stopped or restarted LDN.")
        except course_service.NothingToDo:
            problem = _("Nothing was changed: this was already recorded.")
    context = {"patient": patient, "evaluation": evaluation, "form": form, "problem": problem}
    return render(request, "patient/treatment.html", context)


@require_POST
@patient_required
def gap_answer(request: HtmxHttpRequest, *, patient: Patient) -> HttpResponse:
    """ "Did you keep taking LDN while you weren't logging?", answered from Today."""
    form = GapForm(request.POST)
    if form.is_valid():
        try:
            course_service.answer_gap(
                patient=patient,
                after=form.cleaned_data["after"],
                kept_taking=form.cleaned_data["kept_taking"],
                ip=client_ip(request),
            )
        except course_service.NothingToDo:
            messages.info(request, _("That question was already answered."))
        return redirect("diary")
    messages.error(request, _("Choose yes or no to answer the question about LDN."))
    return redirect(f"{reverse('diary')}#gap-question")


@require_POST
@clinician_required
def confirm_stop(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    """Confirm a stop the patient reported (SPEC §4); another clinic's stop is a 404."""
    stop = (
        TreatmentStop.objects.filter(
            patient__in=Patient.objects.visible_to(clinician), reason=StopReason.PATIENT
        )
        .select_related("patient__user")
        .filter(pk=pk)
        .first()
    )
    if stop is None:
        raise Http404(_("No such stop of your patients."))
    if course_service.confirm_stop(stop=stop, by=clinician, ip=client_ip(request)):
        messages.success(request, _("Stop confirmed."))
    else:
        messages.info(request, _("This stop was already confirmed."))
    return redirect(f"{reverse('clinician_record', args=[stop.patient_id])}#courses")
