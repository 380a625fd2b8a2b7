"""The patient's pages: the daily diary (Today, or one recent day), History and Trends."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import audit, charts, instruments, versions
from ..access import HtmxHttpRequest, patient_required
from ..exports import diary_csv, patient_json
from ..formatting import plain_number, short_day
from ..forms.patient import (
    DiaryForm,
    EnrolmentForm,
    GapForm,
    PGICForm,
    ReminderForm,
    initial_from_entry,
    reminder_channels,
)
from ..models import AuditAction, DailyEntry, Patient, Prescription
from ..models.diary import in_force
from ..response import side_effects
from ..response.courses import LAPSE_DAYS
from ..response.rule import week_number
from ..security.client_ip import client_ip
from ..services import diary as diary_service
from ..services import questionnaires as questionnaire_service
from ..services import reminders as reminder_service
from ..services import trends as trends_service
from ..services.status import plan_of

HISTORY_DAYS = 56
SLEEP_CHOICES = ["5", "6", "6.5", "7", "7.5", "8", "9"]  # a tap for most nights


@require_http_methods(["GET", "POST"])
@patient_required
def diary(request: HtmxHttpRequest, *, patient: Patient) -> HttpResponse:
    """Today's diary, or with ?date= one of the last 7 days; htmx swaps the #diary partial."""
    earliest, latest = patient.editable_days()
    day, date_problem = _requested_day(
        request.GET.get("date"), patient.diary_today(), earliest, latest
    )
    if date_problem and request.htmx:
        # The Day field asked for a day that cannot be opened: what was typed stays, the
        # reason appears beside the field (issue 23), nothing else is swapped.
        response = render(
            request, "patient/diary.html#date-problem", {"date_problem": date_problem}
        )
        response["HX-Reswap"] = "none"
        return response
    entries = DailyEntry.objects.for_patient(patient)
    saved = existing = evaluation = None
    prescriptions = list(patient.prescriptions.active())  # the plan, read once
    if request.method == "POST":
        day = _posted_day(request.POST.get("date"), day, earliest, latest)
        asks = asks_dose(patient, patient.status(), day)
        form = DiaryForm(
            request.POST,
            earliest=earliest,
            latest=latest,
            asks_dose=asks,
            prescription=in_force(prescriptions, day),
        )
        if form.is_valid():
            day = form.cleaned_data["date"]
            try:
                result = diary_service.record_entry(
                    patient=patient,
                    day=day,
                    values=form.entry_values(),
                    version=form.cleaned_data["version"],
                    by=request.user,  # type: ignore[arg-type]
                    ip=client_ip(request),
                    prescriptions=prescriptions,
                )
            except diary_service.EntryConflict as conflict:
                _explain_conflict(form, conflict.entry)
            else:
                if not request.htmx:
                    return redirect(f"{reverse('diary')}?date={day.isoformat()}&saved=1")
                saved, evaluation = result.entry, result.evaluation
    else:
        form, existing = _fresh_form(patient, day, entries.filter(date=day).first(), prescriptions)
        if existing is not None and request.GET.get("saved"):
            saved = existing
    context = _today_context(
        patient, day, form=form, evaluation=evaluation, prescriptions=prescriptions
    ) | {
        "saved": saved,
        "existing": existing,
        "date_problem": date_problem,
    }
    template = "patient/diary.html" + ("#diary" if request.htmx else "")
    return render(request, template, context)


def _today_context(
    patient: Patient,
    day: dt.date,
    *,
    form: DiaryForm,
    evaluation: Any = None,
    prescriptions: list[Prescription],
) -> dict[str, Any]:
    """What the diary page shows besides the form: status, the plan's next step, the
    questions (PGIC, reminders)."""
    today = patient.diary_today()
    upcoming = sorted(
        (rx for rx in prescriptions if rx.start_date > today),
        key=lambda rx: (rx.start_date, rx.pk),
    )

    evaluation = evaluation or patient.status()
    return {
        "stop_advice": lambda: diary_service.stop_advice_due(patient),
        "day": day,
        "is_today": day == today,
        # After midnight, before the day boundary: Today is still yesterday (SPEC §3).
        "before_boundary": patient.calendar_today() != today,
        "evaluation": evaluation,
        "gap_form": GapForm(initial={"after": evaluation.gap_question}),
        "form": form,
        "next_step": upcoming[0] if upcoming else None,
        # Read once, and only where the page shows it (not in the diary form's htmx swap).
        "questionnaires_due": functools.cache(
            lambda: [
                (o, instruments.get(o.instrument))
                for o in questionnaire_service.occasions(patient, today)
                if o.state == "due"
            ]
        ),
        "current": in_force(prescriptions, today),
        "sleep_choices": SLEEP_CHOICES,
        "pgic_form": PGICForm(),
        "patient": patient,
        "reminder_form": ReminderForm(initial={"reminders": "yes", "reminder_time": "21:00"}),
    }


def _posted_day(raw: str | None, default: dt.date, earliest: dt.date, latest: dt.date) -> dt.date:
    """The day a posted form was for (so a failed save of a backfilled day still names it)."""
    try:
        day = dt.date.fromisoformat(raw or "")
    except ValueError:
        return default
    return day if earliest <= day <= latest else default


def _fresh_form(
    patient: Patient,
    day: dt.date,
    existing: DailyEntry | None,
    prescriptions: list[Prescription],
) -> tuple[DiaryForm, DailyEntry | None]:
    """The diary form for `day`: the saved entry, or the prescription's defaults."""
    earliest, latest = patient.editable_days()
    asks = asks_dose(patient, patient.status(), day)
    prescription = in_force(prescriptions, day)
    initial = _initial(day, existing, prescription, asks)
    form = DiaryForm(
        initial=initial,
        earliest=earliest,
        latest=latest,
        asks_dose=asks,
        prescription=prescription,
    )
    return form, existing


def asks_dose(patient: Patient, evaluation: Any, day: dt.date) -> bool:
    """Whether the diary asks for the dose on `day` (SPEC §4): not while stopped, unless
    the day falls in the course that ended (before its stop, or its last dose day), the
    patient said they restarted, or the clinician has prescribed again since."""
    stopped_on = evaluation.stopped_on
    if not evaluation.stopped or stopped_on is None:
        return True
    if day < stopped_on or day == evaluation.last_dose:
        return True
    if patient.restart_reported_on is not None and patient.restart_reported_on >= stopped_on:
        return True
    since = _stop_known_at(patient, evaluation)
    return Prescription.objects.filter(patient=patient, created_at__gt=since).active().exists()


def _stop_known_at(patient: Patient, evaluation: Any) -> dt.datetime:
    """When the product learnt of the stop: the stop's report, the patient's "no" about a
    gap, or the 21st day of a lapse (a prescription made after it is a new one)."""
    stop = patient.stops.filter(on=evaluation.stopped_on).order_by("-reported_at").first()
    if stop is not None:
        return stop.reported_at
    answer = patient.gap_answers.filter(after=evaluation.last_dose).first()
    if answer is not None:
        return answer.answered_at
    day = evaluation.stopped_on + dt.timedelta(days=LAPSE_DAYS)
    return dt.datetime.combine(day, dt.time(), tzinfo=patient.zone)


def _requested_day(
    raw: str | None, default: dt.date, earliest: dt.date, latest: dt.date
) -> tuple[dt.date, str]:
    """The day ?date= opens, or the diary's day and why the asked-for one cannot be."""
    if not raw:
        return default, ""
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return default, _("That is not a date: choose a day in the last week.")
    if not earliest <= day <= latest:
        return default, _(
            "You can log or change the last 7 days, from %(earliest)s to %(latest)s."
        ) % {"earliest": short_day(earliest), "latest": short_day(default)}
    return day, ""


def _initial(
    day: dt.date, entry: DailyEntry | None, prescription: Prescription | None, asks: bool
) -> dict[str, Any]:
    if entry is not None:
        return initial_from_entry(entry)
    if not asks:
        prescription = None
    initial: dict[str, Any] = {
        "date": day,
        "dose_taken": "yes" if prescription else "no",
        "headache": 0,
        "opioid_taken": "no",
        "liver_signs": "no",
    }
    if prescription:
        initial.update(
            dose_amount=plain_number(prescription.dose_amount or prescription.dose_mg),
            dose_unit=prescription.dose_unit if prescription.dose_amount else "mg",
            dose_mg=tenths(prescription.dose_mg),
            time_taken=prescription.usual_time,
        )
    return initial


def tenths(mg: Decimal) -> Decimal:
    """A dose as people write it in the mg field: to 0.1 when that is exact (1.50 → 1.5,
    3.00 → 3.0), else to 0.01 (0.75)."""
    one = mg.quantize(Decimal("0.1"))
    return one if one == mg else mg


def _explain_conflict(form: DiaryForm, current: DailyEntry) -> None:
    """Keep what the patient typed, point the form at the saved version and say what
    happened; saving again then replaces it deliberately."""
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict when bound
    data["version"] = str(current.version) if current.pk else ""
    form.data = data
    if current.pk:
        message = _(
            "This day was saved elsewhere after you opened this page (pain %(pain)s, mood "
            "%(mood)s, sleep %(sleep)s h). Nothing was changed: check your answers and save "
            "again to replace it."
        ) % {"pain": current.pain, "mood": current.mood, "sleep": plain_number(current.sleep_hours)}
    else:
        message = _("This day has no saved entry yet. Nothing was changed: save again to add it.")
    form.add_error("date", message)


@require_POST
@patient_required
def pgic(request: HtmxHttpRequest, *, patient: Patient) -> HttpResponse:
    """The patient's answer to "how has your condition changed?" at a review point."""
    form = PGICForm(request.POST)
    if form.is_valid():
        try:
            diary_service.answer_pgic(
                patient=patient, value=form.cleaned_data["value"], ip=client_ip(request)
            )
        except diary_service.NothingToAnswer:
            form.add_error(
                "value", _("There is no question to answer now: it was already answered.")
            )
        else:
            if not request.htmx:
                messages.success(request, _("Thank you: your clinician will see your answer."))
                return redirect("diary")
            form = PGICForm()
    if request.htmx:
        # The thank-you is for now: later visits to Today do not carry it (issue 23).
        context = {"evaluation": patient.status(), "pgic_form": form, "pgic_thanks": True}
        return render(request, "patient/diary.html#pgic", context)
    # Without JavaScript the answer comes back on the whole Today page, message in place.
    today = patient.diary_today()
    prescriptions = list(patient.prescriptions.active())
    diary_form, existing = _fresh_form(
        patient,
        today,
        DailyEntry.objects.for_patient(patient).filter(date=today).first(),
        prescriptions,
    )
    context = _today_context(patient, today, form=diary_form, prescriptions=prescriptions) | {
        "existing": existing,
        "pgic_form": form,
    }
    return render(request, "patient/diary.html", context)


@require_GET
@patient_required
def history(request: HtmxHttpRequest, *, patient: Patient) -> HttpResponse:
    """The last 8 weeks, a row a day, missing days shown as missing."""
    today = patient.diary_today()
    earliest, _latest = patient.editable_days()
    first = today - dt.timedelta(days=HISTORY_DAYS - 1)
    entries = DailyEntry.objects.for_patient(patient)
    by_date = {d.date: d for d in entries.in_window(first, today).days()}
    summary = patient.summary  # type: ignore[attr-defined]
    spans = [
        (dt.date.fromisoformat(a), dt.date.fromisoformat(b) if b else None)
        for a, b in summary.course_spans
    ]
    if not spans and summary.day_one:  # a summary from before courses were kept
        spans = [(summary.day_one, summary.ended_on)]
    # Each row's words and links made here, once, not by template tags 56 times over.
    edit_url = reverse("diary") + "?date="
    edited = versions.of_days(patient, by_date.values())  # a query only if a day changed
    week_word, course_word = _("wk %(n)s"), _("course %(c)s, wk %(n)s")
    rows = []
    for offset in range(HISTORY_DAYS):
        day = today - dt.timedelta(days=offset)
        entry = by_date.get(day)
        number, start = next(
            ((n, a) for n, (a, b) in enumerate(spans, 1) if a <= day and (b is None or day <= b)),
            (0, None),
        )
        week = week_number(start, day) if start else None
        label = ""
        if week:
            label = (
                week_word % {"n": week} if number == 1 else course_word % {"c": number, "n": week}
            )
        rows.append(
            {
                "day": day,
                "label": short_day(day),
                "entry": entry,
                "week": week,
                "week_label": label,
                "baseline": not spans or day < spans[0][0],
                "off_ldn": bool(spans) and day >= spans[0][0] and week is None,
                "editable": day >= earliest,
                "edit_url": edit_url + day.isoformat() if day >= earliest else None,
                "versions": _versions(edited.get(day), request.user, patient, day),
            }
        )
    logged = sum(1 for row in rows if row["entry"])
    show = request.GET.get("show", "all")
    if show not in HISTORY_FILTERS:
        show = "all"
    shown = [row for row in rows if HISTORY_FILTERS[show][1](row)]
    return render(request, "patient/history.html", {
        "rows": shown, "logged": logged, "days": HISTORY_DAYS, "patient": patient,
        "show": show, "filters": [(key, label) for key, (label, _test) in HISTORY_FILTERS.items()],
    })  # fmt: skip


def _side_effect(row: dict[str, Any]) -> bool:
    """A side effect present that day, as SPEC §5 counts one (side_effects.PRESENT)."""
    day = row["entry"]
    return day is not None and any(test(day) for test in side_effects.PRESENT.values())


# History's filters (issue 23): 56 day cards are long on a phone; these find the days that
# matter. (label, which rows).
HISTORY_FILTERS: dict[str, tuple[Any, Any]] = {
    "all": (gettext_lazy("All days"), lambda row: True),
    "notes": (gettext_lazy("With notes"), lambda row: bool(row["entry"] and row["entry"].note)),
    "effects": (gettext_lazy("Side effects"), _side_effect),
    "missed": (gettext_lazy("Missed doses"), lambda row: _missed(row)),
}


def _missed(row: dict[str, Any]) -> bool:
    day = row["entry"]
    return day is not None and not day.dose_taken and not row["baseline"] and not row["off_ldn"]


def _versions(found: list[versions.Version] | None, viewer: Any, patient: Patient,
              day: dt.date) -> str:  # fmt: skip
    """A changed day's versions as HTML (few days are changed: rendered only for them)."""
    if not found:
        return ""
    return render_to_string("components/versions.html", {
        "versions": found, "viewer": viewer, "patient_user": patient.user,
        "zone": patient.time_zone, "day_label": short_day(day),
    })  # fmt: skip


@require_GET
@patient_required
def trends(request: HtmxHttpRequest, *, patient: Patient) -> HttpResponse:
    """The patient's own charts; the range switch swaps the #trends partial with htmx."""
    chosen = charts.parse_range(request.GET.get("range"))
    evaluation = patient.status()
    context = {
        "evaluation": evaluation,
        # The range's days and the stored summary, not the whole diary (issue 24).
        "trends": trends_service.trends(
            patient, evaluation, chosen, plan=plan_of(list(patient.prescriptions.active()))
        ),
        "range_url": reverse("trends"),
    }
    template = "components/trends.html" if request.htmx else "patient/trends.html"
    return render(request, template, context)


@require_POST
@patient_required
def reminders(request: HtmxHttpRequest, *, patient: Patient) -> HttpResponse:
    """The patient's answer about reminders: from the question on Today, or from Settings."""
    form = ReminderForm(request.POST, channels=reminder_channels())
    from_today = request.POST.get("from") == "today"
    if form.is_valid():
        data = form.cleaned_data
        reminder_service.choose(
            patient=patient,
            on=data["reminders"],
            at=data["reminder_time"],
            channel=data["reminder_channel"],
            ip=client_ip(request),
        )
        if request.htmx and from_today:
            return render(request, "patient/diary.html#reminder-ask", {"patient": patient})
        messages.success(
            request,
            _("Reminders are on, at %(time)s.") % {"time": patient.reminder_time.strftime("%H:%M")}
            if patient.reminders
            else _("Reminders are off."),
        )
        return redirect("diary" if from_today else "settings")
    if request.htmx and from_today:
        context = {"patient": patient, "reminder_form": form}
        return render(request, "patient/diary.html#reminder-ask", context)
    return render(request, "settings.html", {"reminder_form": form, "patient": patient})


@require_GET
@patient_required
def export_csv(request: HtmxHttpRequest, *, patient: Patient) -> StreamingHttpResponse:
    """The patient's own diary as CSV ("Download my data")."""
    audit.record(
        actor=patient.user, action=AuditAction.EXPORT_CSV, patient=patient, ip=client_ip(request)
    )
    return _download(
        diary_csv.stream(patient), "text/csv; charset=utf-8", diary_csv.filename(patient)
    )


@require_GET
@patient_required
def export_questionnaires_csv(
    request: HtmxHttpRequest, *, patient: Patient
) -> StreamingHttpResponse:
    """The patient's own questionnaire answers and scores as CSV (SPEC §14)."""
    audit.record(
        actor=patient.user, action=AuditAction.EXPORT_CSV, patient=patient, ip=client_ip(request)
    )
    name = diary_csv.filename(patient).replace("ldn-diary-", "ldn-questionnaires-")
    return _download(diary_csv.questionnaire_stream(patient), "text/csv; charset=utf-8", name)


@require_GET
@patient_required
def export_json(request: HtmxHttpRequest, *, patient: Patient) -> StreamingHttpResponse:
    """All of the patient's own data as JSON, every earlier version of each day included."""
    audit.record(
        actor=patient.user, action=AuditAction.EXPORT_JSON, patient=patient, ip=client_ip(request)
    )
    body = patient_json.stream(patient, exported_at=timezone.now())
    return _download(body, "application/json; charset=utf-8", diary_csv.filename(patient, "json"))


def _download(body: Iterator[str], content_type: str, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
@patient_required
def enrolment(request: HtmxHttpRequest, *, patient: Patient) -> HttpResponse:
    """The enrolment questions, asked on the first sign-in and changeable later."""
    initial = {
        "medicines": patient.medicines,
        "takes_opioids": {True: "yes", False: "no"}.get(patient.takes_opioids),  # type: ignore[arg-type]
        "pregnancy": patient.pregnancy,
    }
    form = EnrolmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        diary_service.answer_enrolment(patient=patient, **form.cleaned_data, ip=client_ip(request))
        messages.success(request, _("Thank you: your clinic will see your answers."))
        return redirect("diary")
    return render(request, "patient/enrolment.html", {"form": form, "patient": patient})


@require_GET
@patient_required
def card(request: HtmxHttpRequest, *, patient: Patient) -> HttpResponse:
    """The emergency card to print and keep in a wallet (SPEC §13)."""
    today = patient.diary_today()
    context = {
        "patient": patient,
        "clinic": patient.user.clinic,
        "current": Prescription.objects.filter(patient=patient).current_on(today),
    }
    return render(request, "patient/card.html", context)


@require_POST
@patient_required
def stop_advice_read(request: HtmxHttpRequest, *, patient: Patient) -> HttpResponse:
    diary_service.read_stop_advice(patient=patient, ip=client_ip(request))
    return redirect("diary")
