"""Validated questionnaires (SPEC §14): the patient answers one screen at a time (a tap on
an answer saves it and moves on; back and forward; progress shown; resumable after a
reload); the clinician chooses a patient's instruments; the clinic admin records licences
and the crisis text."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import audit, instruments
from ..access import HtmxHttpRequest, clinic_admin_required, clinician_required, patient_required
from ..models import AuditAction, Clinic, Patient, User
from ..security.client_ip import client_ip
from ..services import questionnaires as service
from .clinician import _patient


def _instrument(key: str) -> instruments.Instrument:
    try:
        return instruments.get(key)
    except KeyError:
        raise Http404(_("No such questionnaire.")) from None


@require_http_methods(["GET", "POST"])
@patient_required
def answer(request: HtmxHttpRequest, key: str, occasion: str, *, patient: Patient) -> HttpResponse:
    """One item a screen: ?item=N (1-based); without it, the first not answered yet."""
    instrument = _instrument(key)
    try:
        found = service.open_occasion(patient, key, occasion)
    except service.NotDue:
        raise Http404(_("This questionnaire is not open for you now.")) from None
    row = patient.questionnaire_answers.filter(instrument=key, occasion=occasion).first()
    given: dict[str, int] = dict(row.answers) if row else {}
    items = instrument.items
    problem = ""
    if request.method == "POST":
        if request.POST.get("action") == "submit":
            missing = [i for i in items if i.link_id not in given]
            if missing and not request.POST.get("skip_ok"):
                problem = _("Some questions are not answered yet: answer them, or submit as it is.")
            else:
                service.complete(patient=patient, key=key, occasion=occasion, by=patient.user,
                                 ip=client_ip(request))  # fmt: skip
                messages.success(request, _("Thank you: your answers are saved."))
                return redirect("diary")
        else:
            link_id = request.POST.get("item", "")
            try:
                saved = service.record_item(patient=patient, key=key, occasion=occasion,
                                            link_id=link_id, value=request.POST.get("value"),
                                            by=patient.user)  # fmt: skip
            except service.Unanswerable:
                problem = _("Choose one of the answers.")
            else:
                position = next(n for n, i in enumerate(items, 1) if i.link_id == link_id)
                url = reverse("questionnaire", args=[key, occasion])
                if saved.self_harm:
                    return redirect(f"{url}?item={position}&crisis=1")
                return redirect(f"{url}?item={position + 1}")
    try:
        position = int(request.GET.get("item") or 0)
    except ValueError:
        position = 0
    if not 1 <= position <= len(items) + 1:
        position = next(
            (n for n, i in enumerate(items, 1) if i.link_id not in given), len(items) + 1
        )
    current = items[position - 1] if position <= len(items) else None
    crisis = bool(request.GET.get("crisis")) or (key == "phq-9" and given.get("phq9-9", 0) > 0)
    context: dict[str, Any] = {
        "instrument": instrument,
        "occasion": found,
        "item": current,
        "position": position,
        "count": len(items),
        "chosen": given.get(current.link_id) if current else None,
        "answered": len([i for i in items if i.link_id in given]),
        "missing": [n for n, i in enumerate(items, 1) if i.link_id not in given],
        "problem": problem,
        "crisis": crisis,
        "crisis_text": patient.user.clinic.crisis_words
        if patient.user.clinic
        else Clinic().crisis_words,
    }
    return render(
        request,
        "patient/questionnaire.html",
        context,
        status=400 if problem else 200,
    )


@require_http_methods(["GET", "POST"])
@clinician_required
def bundle(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    """The questionnaires a patient is asked, and how often besides baseline and reviews."""
    patient = _patient(request, clinician, pk, AuditAction.VIEW_RECORD)
    offered = service.available(patient.user.clinic_id)
    current = {pi.instrument: pi for pi in patient.instruments.all()}
    problem = ""
    if request.method == "POST":
        chosen: dict[str, int] = {}
        for instrument in offered:
            if request.POST.get(f"use-{instrument.key}"):
                every = request.POST.get(f"every-{instrument.key}", "0")
                if every not in ("0", "2", "4"):
                    problem = _("Choose no extra askings, every 2 weeks or every 4 weeks.")
                    break
                chosen[instrument.key] = int(every)
        if not problem:
            service.change_bundle(
                patient=patient, chosen=chosen, by=clinician, ip=client_ip(request)
            )
            messages.success(request, _("Questionnaires saved."))
            return redirect("clinician_record", pk=pk)
    rows = [
        {"instrument": i, "used": i.key in current,
         "every": current[i.key].every_weeks if i.key in current else 0}
        for i in offered
    ]  # fmt: skip
    context = {"patient": patient, "rows": rows, "problem": problem}
    return render(request, "clinician/questionnaires.html", context, status=400 if problem else 200)


@require_http_methods(["GET", "POST"])
@clinic_admin_required
def clinic_settings(request: HtmxHttpRequest, *, admin: User) -> HttpResponse:
    """Licences for the instruments that need one (FIQR, FSS), and the crisis text."""
    clinic = admin.clinic
    assert clinic is not None
    problem = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "licence":
            key, holder = request.POST.get("instrument", ""), request.POST.get("holder", "").strip()
            needing = {i.key for i in instruments.all_instruments() if i.needs_licence}
            if key not in needing:
                problem = _("Choose an instrument that needs a licence.")
            elif not holder or len(holder) > 200 or "\x00" in holder:
                problem = _("Say who holds the licence (up to 200 characters).")
            else:
                service.record_licence(clinic_id=clinic.pk, key=key, holder=holder, by=admin,
                                       ip=client_ip(request))  # fmt: skip
                messages.success(request, _("Licence recorded."))
                return redirect("admin_questionnaires")
        elif action == "crisis":
            text = request.POST.get("crisis_text", "").strip()
            if len(text) > 2000 or "\x00" in text:
                problem = _("Keep the crisis text to 2,000 characters.")
            else:
                Clinic.objects.filter(pk=clinic.pk).update(crisis_text=text)
                audit.record(
                    actor=admin, action=AuditAction.CHANGE_CRISIS_TEXT, ip=client_ip(request)
                )
                messages.success(request, _("Crisis text saved."))
                return redirect("admin_questionnaires")
        else:
            problem = _("Choose what to save.")
    held = {lic.instrument: lic for lic in clinic.licences.select_related("recorded_by")}
    rows = [{"instrument": i, "licence": held.get(i.key)} for i in instruments.all_instruments()]
    clinic.refresh_from_db(fields=["crisis_text"])
    context = {"rows": rows, "clinic": clinic, "problem": problem}
    return render(
        request, "clinic_admin/questionnaires.html", context, status=400 if problem else 200
    )
