"""The clinician's workspace: the panel, a patient's record, reviews and prescriptions.
Every read of a patient's health data is audited, and so is every refused attempt."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import audit, charts, instruments, versions
from .. import panel as panel_query
from ..access import HtmxHttpRequest, clinician_required
from ..alerts.rule import Kind
from ..exports import diary_csv, fhir
from ..forms.clinician import (
    NoteForm,
    NotificationsForm,
    PanelFilters,
    PrescriptionForm,
    ReviewForm,
    ScheduleForm,
    StepFormSet,
    form_key,
    plan_errors,
)
from ..models import Alert, AuditAction, AuditOutcome, DailyEntry, Patient, ReviewOutcome, User
from ..outcomes import clinic_outcomes, instrument_outcomes
from ..response import side_effects
from ..response.intervals import n_of_1
from ..response.rule import NEXT_REVIEW_WEEK
from ..security.client_ip import client_ip
from ..services import clinical
from ..services import plan as plan_service
from ..services import questionnaires as questionnaire_service
from ..services import record as record_service
from ..services import trends as trends_service
from ..services.status import plan_of
from ..tables.sorting import Sorting, kept
from ..treatment import course_history

DIARY_DAYS = 56
DOSE_OUTCOMES = {
    ReviewOutcome.INCREASE_DOSE,
    ReviewOutcome.REDUCE_DOSE,
    ReviewOutcome.CHANGE_TIMING,
}


def _patient(
    request: HtmxHttpRequest, clinician: User, pk: int, action: AuditAction, *, read: bool = True
) -> Patient:
    """One of the clinician's own patients, the read audited as `action` (not when `read`
    is False: the action audits each thing it did). Anyone else's is a 404, and the attempt
    is audited as denied (naming only the id that was tried)."""
    visible = Patient.objects.visible_to(clinician).select_related("user", "summary")
    patient = visible.diary_changed().filter(pk=pk).first()
    ip = client_ip(request)
    if patient is None:
        audit.record(
            actor=clinician, action=action, outcome=AuditOutcome.DENIED,
            object_type="patient", object_id=str(pk), ip=ip,
        )  # fmt: skip
        raise Http404(_("No such patient of yours."))
    if read:
        audit.record(actor=clinician, action=action, patient=patient, ip=ip)
    return patient


@require_GET
@clinician_required
def panel(request: HtmxHttpRequest, *, clinician: User) -> HttpResponse:
    """Assigned patients, most in need of attention first (or by a column), a page at a
    time; filters, sort and page live in the URL."""
    filters = PanelFilters(request.GET)
    filters.is_valid()  # what is not valid is left out: the panel still shows
    chosen = {k: v for k, v in filters.cleaned_data.items() if v not in (None, "")}
    found = panel_query.panel(clinician, **chosen)
    audit.record(actor=clinician, action=AuditAction.VIEW_PANEL, ip=client_ip(request))
    sorting = Sorting(
        here=reverse("clinician_panel"),
        kept=kept(request.GET, ("q", "alerts", "review", "silent", "stopped")),
        sort=found.sort,
        default=panel_query.DEFAULT_SORT,
    )
    link = sorting.link
    columns = sorting.columns(("name", "week", "last_entry", "last_review", "review", "adherence"))
    page = found.page
    context = {
        "rows": found.rows,
        # Rows with alerts a tick may acknowledge (the urgent ones go through the record).
        "selectable": any(row.open_alerts > row.urgent_alerts for row in found.rows),
        "back": "?" + request.GET.urlencode() if request.GET else "",
        "found": found,
        "filters": filters,
        "filtered": any(chosen.get(k) for k in ("q", "alerts", "review", "silent", "stopped")),
        "columns": columns,
        "attention_url": link(sort=None, page=None),
        "previous_url": link(page=page.previous_page_number()) if page.has_previous() else "",
        "next_url": link(page=page.next_page_number()) if page.has_next() else "",
    }
    template = "clinician/panel.html" + ("#results" if request.htmx else "")
    return render(request, template, context)


@require_GET
@clinician_required
def record(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    if request.htmx and "range" in request.GET:
        patient = _patient(request, clinician, pk, AuditAction.VIEW_CHARTS)
        context = {
            "trends": trends_service.trends(
                patient,
                patient.status(),
                charts.parse_range(request.GET["range"]),
                plan=plan_of(list(patient.prescriptions.active())),
            ),
            "range_url": reverse("clinician_record", args=[patient.pk]),
        }
        return render(request, "components/trends.html", context)
    patient = _patient(request, clinician, pk, AuditAction.VIEW_RECORD)
    return _record_page(request, patient, NoteForm())


def _record_page(request: HtmxHttpRequest, patient: Patient, note_form: NoteForm) -> HttpResponse:
    """The whole record (its read is audited by whoever fetched `patient`)."""
    evaluation = patient.status()
    today = evaluation.today
    chosen = charts.parse_range(request.GET.get("range"))
    diary = record_service.read(patient, evaluation, chosen, DIARY_DAYS)
    first = today - dt.timedelta(days=DIARY_DAYS - 1)
    window = (evaluation.window.first, evaluation.window.last) if evaluation.window else None
    from_diary = evaluation.baseline is not None and evaluation.baseline.source == "diary"
    before, during = n_of_1(
        diary.days, evaluation.outcome, evaluation.day_one if from_diary else None, window
    )
    history = diary.history
    alerts = list(
        patient.alerts.select_related("acknowledged_by").order_by(
            "acknowledged_at", "priority", "-on", "kind", "id"
        )
    )
    alerts.sort(key=lambda a: not a.is_open)  # an episode that ended joins the done ones
    # Open urgent alerts lead the page, above status and charts (SPEC §5).
    urgent = [a for a in alerts if a.urgent and a.is_open]
    prescriptions = list(
        patient.prescriptions.select_related("set_by").order_by("-start_date", "-id")
    )
    plan = plan_of(prescriptions)
    # The last 8 weeks from the diary already read, newest first (no second query).
    entries = [d for d in reversed(diary.days) if first <= d.date <= today]
    context = {
        "patient": patient,
        "evaluation": evaluation,
        "side_effects": diary.side_effects,
        "baseline_interval": before,
        "window_interval": during,
        "urgent_alerts": urgent,
        "alerts": [a for a in alerts if a not in urgent],
        "open_by_kind": _open_by_kind(alerts),
        "entries": entries,
        # Their days changed after they were logged, with each version (issue 23).
        "edited": sorted(versions.of_days(patient, entries).items(), reverse=True),
        "notes": patient.clinician_notes.select_related("author"),
        "courses": history.rows,
        "unconfirmed_stops": history.unconfirmed,
        "prescriptions": prescriptions,
        "upcoming": sorted(
            (rx for rx in prescriptions if rx.replaced_at is None and rx.start_date > today),
            key=lambda rx: (rx.start_date, rx.pk),
        ),
        "supply": plan_service.supply(
            patient,
            today,
            prescriptions=[rx for rx in prescriptions if rx.replaced_at is None],
            days=diary.days,
            complete_from=diary.complete_from,
        ),
        "note_form": note_form,
        "folds": _folds(request.user),
        "questionnaires": _questionnaires(patient, today),
        "trends": charts.trends(
            diary.chart_days, evaluation, chosen, plan=plan, comparison=diary.comparison
        ),
        "range_url": reverse("clinician_record", args=[patient.pk]),
    }
    return render(request, "clinician/record.html", context)


def _folds(clinician: Any) -> dict[str, dict[str, Any]]:
    """Each section's state for the template: open (unless the clinician closed it), and
    whether a phone should close it when the clinician never chose."""
    chosen = clinician.record_folds or {}
    return {
        key: {"open": chosen.get(key, True), "remembered": key in chosen,
              "phone_closed": key not in OPEN_ON_PHONE}
        for key in RECORD_FOLDS
    }  # fmt: skip


@require_POST
@clinician_required
def acknowledge(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    alert = (
        Alert.objects.visible_to(clinician).select_related("patient__user").filter(pk=pk).first()
    )
    if alert is None:
        audit.record(
            actor=clinician, action=AuditAction.ACKNOWLEDGE_ALERT, outcome=AuditOutcome.DENIED,
            object_type="alert", object_id=str(pk), ip=client_ip(request),
        )  # fmt: skip
        raise Http404(_("No such alert of yours."))
    clinical.acknowledge_alert(alert=alert, by=clinician, ip=client_ip(request))
    if request.htmx:
        return render(request, "clinician/record.html#alert", {"alert": alert})
    return redirect(f"{reverse('clinician_record', args=[alert.patient_id])}#alerts")


def _open_by_kind(alerts: list[Alert]) -> list[tuple[str, str, int]]:
    """(kind, its label, how many) for each kind with more than one open alert: one click
    acknowledges them all."""
    counts: dict[str, list[Alert]] = {}
    for alert in alerts:
        if alert.is_open:
            counts.setdefault(alert.kind, []).append(alert)
    return [
        (kind, ones[0].get_kind_display(), len(ones))
        for kind, ones in counts.items()
        if len(ones) > 1
    ]


# The record's sections a clinician may fold (issue 23: the record was 12,000–16,000 px on a
# phone). The status, the alerts and the evaluation and reviews stay open; on a phone the
# others start closed until the clinician opens them, which the record then remembers.
RECORD_FOLDS = ("evaluation", "plan", "questionnaires", "enrolment", "effects", "charts",
                "notes", "courses", "prescriptions", "diary")  # fmt: skip
OPEN_ON_PHONE = frozenset({"evaluation", "courses"})


@require_POST
@clinician_required
def record_fold(request: HtmxHttpRequest, *, clinician: User) -> JsonResponse:
    """Remember that the clinician opened or closed one of the record's sections."""
    fold, state = request.POST.get("fold", ""), request.POST.get("open", "")
    if fold not in RECORD_FOLDS or state not in ("0", "1"):
        return JsonResponse(
            {"error": _("Say which section (one of %(folds)s) and open=1 or open=0.")
             % {"folds": ", ".join(RECORD_FOLDS)}},
            status=400,
        )  # fmt: skip
    with transaction.atomic():
        mine = User.objects.select_for_update().filter(pk=clinician.pk)
        stored = mine.values_list("record_folds", flat=True).first() or {}
        folds = {k: v for k, v in stored.items() if k in RECORD_FOLDS}
        folds[fold] = state == "1"
        mine.update(record_folds=folds)
    return JsonResponse({"fold": fold, "open": folds[fold]})


@require_POST
@clinician_required
def acknowledge_selected(request: HtmxHttpRequest, *, clinician: User) -> HttpResponse:
    """The panel's selected patients: their open alerts but the urgent ones, acknowledged at
    once. A patient not the clinician's is a 404 and nothing is acknowledged."""
    back = request.POST.get("back", "")
    if not back.startswith("?"):
        back = ""
    panel_url = reverse("clinician_panel") + back
    try:
        wanted = {int(v) for v in request.POST.getlist("patient")}
    except ValueError:
        wanted = set()
    if not wanted:
        messages.error(request, _("Choose at least one patient: tick the box on their row."))
        return redirect(panel_url)
    patients = list(
        Patient.objects.visible_to(clinician).select_related("summary").filter(pk__in=wanted)
    )
    if len(patients) != len(wanted):
        audit.record(
            actor=clinician, action=AuditAction.ACKNOWLEDGE_ALERT, outcome=AuditOutcome.DENIED,
            object_type="patient", object_id=",".join(map(str, sorted(wanted)))[:40],
            ip=client_ip(request),
        )  # fmt: skip
        raise Http404(_("No such patient of yours."))
    done = clinical.acknowledge_routine(patients=patients, by=clinician, ip=client_ip(request))
    said = ngettext("%(n)s alert acknowledged.", "%(n)s alerts acknowledged.", done) % {"n": done}
    if any(p.summary.urgent_alerts for p in patients):  # type: ignore[attr-defined]
        said += " " + _("Urgent alerts stay open: acknowledge them on the record.")
    messages.success(request, said)
    return redirect(panel_url)


@require_POST
@clinician_required
def acknowledge_kind(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    """Acknowledge all the open alerts of one kind for a patient at once."""
    patient = _patient(request, clinician, pk, AuditAction.ACKNOWLEDGE_ALERT, read=False)
    kind = request.POST.get("kind", "")
    done = 0
    if kind not in {k.value for k in Kind}:
        messages.error(request, _("Choose which kind of alert to acknowledge."))
    else:
        done = clinical.acknowledge_kind(
            patient=patient, kind=kind, by=clinician, ip=client_ip(request)
        )
    if done:
        messages.success(
            request,
            ngettext("%(n)s alert acknowledged.", "%(n)s alerts acknowledged.", done) % {"n": done},
        )
    return redirect(f"{reverse('clinician_record', args=[patient.pk])}#alerts")


@require_POST
@clinician_required
def add_note(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    patient = _patient(request, clinician, pk, AuditAction.VIEW_RECORD)
    form = NoteForm(request.POST)
    if form.is_valid():
        clinical.add_note(
            patient=patient, text=form.cleaned_data["text"], by=clinician, ip=client_ip(request)
        )
        if not request.htmx:
            return redirect(f"{reverse('clinician_record', args=[pk])}#notes")
        form = NoteForm()
    elif not request.htmx:
        return _record_page(request, patient, form)  # the message, in place
    context = {
        "patient": patient,
        "note_form": form,
        "notes": patient.clinician_notes.select_related("author"),
    }
    return render(request, "clinician/record_history.html#notes", context)


@require_http_methods(["GET", "POST"])
@clinician_required
def record_review(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    """The review at the current review point: outcome, note, and the next review."""
    patient = _patient(request, clinician, pk, AuditAction.VIEW_REVIEW)
    evaluation = patient.status()
    initial = {"point": evaluation.review_point, "next_week": _next_week(evaluation.week)}
    form = ReviewForm(
        request.POST or None,
        current_week=evaluation.week or 0,
        today=evaluation.today,
        last_dose=evaluation.last_dose,
        initial=initial | {"stop_on": evaluation.today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            clinical.record_review(
                patient=patient, **form.cleaned_data, by=clinician, ip=client_ip(request)
            )
        except clinical.ReviewNotRecorded as problem:
            form.add_error(None, str(problem))
        else:
            if form.cleaned_data["outcome"] in DOSE_OUTCOMES:
                messages.success(request, _("Review recorded. Now set the new prescription."))
                return redirect("clinician_prescription", pk=pk)
            messages.success(request, _("Review recorded."))
            return redirect("clinician_record", pk=pk)
    context = {"patient": patient, "evaluation": evaluation, "form": form}
    return render(request, "clinician/review.html", context)


def _next_week(current: int | None) -> int:
    """Week 12 by default, or a few weeks on when the review was later than planned."""
    return max(NEXT_REVIEW_WEEK, (current or 0) + 6)


@require_http_methods(["GET", "POST"])
@clinician_required
def prescription(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    """Change the dose, timing or formulation, with an optional titration plan."""
    patient = _patient(request, clinician, pk, AuditAction.VIEW_PRESCRIPTION)
    today = patient.diary_today()
    current = patient.prescriptions.current_on(today)
    active = patient.prescriptions.active().order_by("start_date", "id")
    planned = [rx for rx in active if rx.start_date > today]  # the titration steps to come
    filling = request.method == "POST" and "fill" in request.POST
    schedule = ScheduleForm(
        request.POST if filling else None, today=today, initial={"first": today}
    )
    if filling:
        # "Fill in the steps" from a schedule: the form comes back with its steps, to check
        # and change before saving; nothing is saved yet.
        kept_values: dict[str, Any] = {
            name: request.POST.get(name)
            for name in PrescriptionForm.base_fields
            if request.POST.get(name)
        }
        step_initial = [{"start_date": rx.start_date, "dose_mg": rx.dose_mg} for rx in planned]
        if schedule.is_valid():
            first, *later = schedule.steps()
            kept_values |= {"start_date": first.start, "dose_mg": first.mg}
            step_initial = [{"start_date": s.start, "dose_mg": s.mg} for s in later]
        form = PrescriptionForm(initial=_initial(current, today) | kept_values, today=today)
        steps = StepFormSet(prefix="step", initial=step_initial)
    else:
        form = PrescriptionForm(request.POST or None, today=today, initial=_initial(current, today))
        steps = StepFormSet(
            request.POST or None,
            prefix="step",
            initial=[{"start_date": rx.start_date, "dose_mg": rx.dose_mg} for rx in planned],
        )
    if request.method == "POST" and not filling and form.is_valid() and steps.is_valid():
        data = form.cleaned_data
        plan = [(data["start_date"], data["dose_mg"]), *steps.steps()]  # type: ignore[attr-defined]
        problems = plan_errors(data["start_date"], plan[1:], data["strength"], data["unit"])
        if problems:
            for problem in problems:
                form.add_error(None, problem)
        else:
            clinical.prescribe(
                patient=patient,
                steps=plan,
                usual_time=data["usual_time"],
                timing=data["timing"],
                formulation=data["formulation"],
                unit=data["unit"],
                strength=data["strength"],
                by=clinician,
                ip=client_ip(request),
            )
            messages.success(request, _("Prescription saved."))
            return redirect("clinician_record", pk=pk)
    start = (
        form.cleaned_data.get("start_date", today)
        if form.is_bound
        else _as_date(form.initial.get("start_date"), today)
    )
    context = {
        "patient": patient,
        "form": form,
        "steps": steps,
        "current": current,
        "planned": planned,
        # What saving marks replaced (kept in the history): what starts on or after the
        # new prescription's first day.
        "replaces": [rx for rx in active if rx.start_date >= start],
        "schedule": schedule,
        "start": start,
    }
    return render(request, "clinician/prescription.html", context)


def _questionnaires(patient: Patient, today: dt.date) -> list[dict[str, Any]]:
    """Each instrument answered or asked: its scores with the change from baseline, and
    the occasions due or missed (SPEC §14)."""
    rows = questionnaire_service.completed(patient)
    results = questionnaire_service.results(patient, rows)
    found = questionnaire_service.occasions(
        patient, today, answered={(r.instrument, r.occasion) for r in rows}
    )
    keys = list(dict.fromkeys([*results, *(o.instrument for o in found)]))
    return [
        {
            "instrument": instruments.get(key),
            "results": results.get(key, []),
            "open": [o for o in found if o.instrument == key and o.state in ("due", "missed")],
        }
        for key in keys
    ]


def _as_date(value: Any, default: dt.date) -> dt.date:
    """A date kept from a posted form (text) or set by the view (a date)."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return default


def _initial(current: Any, today: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {"start_date": today}
    if current is not None:
        initial |= {
            "dose_mg": current.dose_mg,
            "timing": current.timing,
            "usual_time": current.usual_time,
            "form": form_key(current.formulation, current.dose_unit),
            "strength": current.strength_mg if current.dose_unit != "mg" else None,
        }
    else:
        initial |= {"timing": "bedtime", "form": "capsule"}
    return initial


@require_GET
@clinician_required
def summary(request: HtmxHttpRequest, pk: int, *, clinician: User) -> HttpResponse:
    """A one-page printable summary (A4 or Letter)."""
    patient = _patient(request, clinician, pk, AuditAction.PRINT_SUMMARY)
    days = DailyEntry.objects.for_patient(patient).days()
    evaluation = patient.status()
    history = course_history(
        patient, [d for d in days if d.date <= evaluation.today], evaluation.today
    )
    today = evaluation.today
    four_weeks = today - dt.timedelta(days=27)
    context = {
        "patient": patient,
        "evaluation": evaluation,
        "courses": history.rows,
        "trends": charts.trends(days, evaluation, "12w"),
        "side_effects": side_effects.today(days, today, history.spans),
        "pgic": patient.pgic_answers.order_by("course", "review_point"),
        # What a GP reads first: the patient's own words of the last 4 weeks, and the
        # clinic's latest notes.
        "diary_notes": [d for d in reversed(days) if d.note and four_weeks <= d.date <= today][:5],
        "clinician_notes": patient.clinician_notes.select_related("author")[:3],
        "current": patient.prescriptions.current_on(evaluation.today),
        "prescriptions": patient.prescriptions.active().order_by("-start_date", "-id")[:8],
        "alerts": patient.alerts.open().order_by("priority", "-on", "kind", "id"),
        "last_review": patient.reviews.select_related("recorded_by").first(),
        "clinician": clinician,
        "questionnaires": [
            (instruments.get(key), found)
            for key, found in questionnaire_service.results(patient).items()
        ],
    }
    return render(request, "clinician/summary.html", context)


@require_POST
@clinician_required
def notifications(request: HtmxHttpRequest, *, clinician: User) -> HttpResponse:
    """Urgent alerts by email within minutes, or the daily digest only."""
    form = NotificationsForm(request.POST)
    if form.is_valid():
        User.objects.filter(pk=clinician.pk).update(
            urgent_alert_emails=form.cleaned_data["urgent_alert_emails"]
        )
        messages.success(request, _("Your choice is saved."))
        return redirect("settings")
    return render(request, "settings.html", {"notifications_form": form}, status=200)


@require_GET
@clinician_required
def export_csv(request: HtmxHttpRequest, pk: int, *, clinician: User) -> StreamingHttpResponse:
    """The patient's diary as CSV, for the clinic's own records."""
    patient = _patient(request, clinician, pk, AuditAction.EXPORT_CSV)
    response = StreamingHttpResponse(
        diary_csv.stream(patient), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{diary_csv.filename(patient)}"'
    return response


@require_GET
@clinician_required
def export_fhir(request: HtmxHttpRequest, pk: int, *, clinician: User) -> StreamingHttpResponse:
    """The patient's diary as a FHIR R4 Bundle, for the health record."""
    patient = _patient(request, clinician, pk, AuditAction.EXPORT_FHIR)
    response = StreamingHttpResponse(fhir.stream(patient), content_type="application/fhir+json")
    response["Content-Disposition"] = f'attachment; filename="ldn-fhir-{patient.pk}.json"'
    return response


@require_GET
@clinician_required
def outcomes(request: HtmxHttpRequest, *, clinician: User) -> HttpResponse:
    """The clinic's outcomes, no names (SPEC §12): observations, not evidence."""
    assert clinician.clinic is not None  # clinician_required
    today = timezone.localdate(timezone=clinician.clinic.zone)
    found = clinic_outcomes(clinician.clinic, today)
    week6 = found.points[0]
    shown = [g for g in [week6.overall, *week6.by_condition] if not g.too_small]  # "< 5" hidden
    chart = {
        "labels": [g.name for g in shown],
        "verdicts": [s.label for s in week6.overall.shares],
        "shares": [[round(s.share * 100, 1) for s in g.shares] for g in shown],
    }
    context = {
        "outcomes": found,
        "chart": chart,
        "instruments": instrument_outcomes(clinician.clinic),
    }
    return render(request, "clinician/outcomes.html", context)
