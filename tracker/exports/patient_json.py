"""All of a patient's own data as JSON (SPEC §8): their profile, the diary with every
revision, prescriptions and titration steps, PGIC answers and their reviews' outcomes, and
their treatment courses with the stops and answers they come from (SPEC §4).
Streamed. The same file moves a patient to another clinic (`manage.py import_patient_json`,
exports/importing.py), so it holds exactly what is needed to rebuild the diary and its
history, and says who recorded each version: the patient, or their clinic."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from .. import treatment
from ..formatting import plain_number
from ..models import DailyEntry, EntryRevision, Patient

FORMAT = "ldn-tracker-patient"
VERSION = 1


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value


def _by(patient: Patient, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return "patient" if user_id == patient.user_id else "clinic"


def profile(patient: Patient) -> dict[str, Any]:
    user = patient.user
    fields = ["condition", "primary_outcome", "time_zone", "day_boundary", "enrolled_on",
              "baseline_pain", "baseline_mood", "baseline_fatigue",
              "restart_reported_on"]  # fmt: skip
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "clinic": user.clinic.name if user.clinic else None,
        **{name: _plain(getattr(patient, name)) for name in fields},
    }


def prescriptions(patient: Patient) -> list[dict[str, Any]]:
    fields = ["start_date", "dose_mg", "usual_time", "timing", "formulation", "dose_unit",
              "strength_mg", "created_at", "replaced_at"]  # fmt: skip
    return [
        {
            **{name: _plain(getattr(rx, name)) for name in fields},
            "set_by": _by(patient, rx.set_by_id),
        }
        for rx in patient.prescriptions.order_by("start_date", "id")
    ]


def pgic(patient: Patient) -> list[dict[str, Any]]:
    return [
        {
            "course": a.course,
            "review_point": a.review_point,
            "value": a.value,
            "answered_on": _plain(a.answered_on),
            "answered_at": _plain(a.answered_at),
        }
        for a in patient.pgic_answers.order_by("course", "review_point")
    ]


def reviews(patient: Patient) -> list[dict[str, Any]]:
    """What the patient is shown of their reviews: the outcome, when, and the next one (the
    clinician's note and working stay with the clinic)."""
    return [
        {
            "course": r.course,
            "point": r.point,
            "review_week": r.snapshot.get("review_week"),
            "outcome": r.outcome,
            "recorded_at": _plain(r.recorded_at),
            "recorded_by": r.recorded_by.display_name if r.recorded_by else r.recorded_elsewhere,
            "next_week": r.next_week,
        }
        for r in patient.reviews.select_related("recorded_by").order_by("course", "point")
    ]


def stops(patient: Patient) -> list[dict[str, Any]]:
    """The stops recorded: by a review (named by its course and point) or by the patient."""
    return [
        {
            "on": s.on.isoformat(),
            "reason": s.reason,
            "review": {"course": s.review.course, "point": s.review.point} if s.review else None,
            "reported_at": _plain(s.reported_at),
            "confirmed_at": _plain(s.confirmed_at),
        }
        for s in patient.stops.select_related("review")
    ]


def holds(patient: Patient) -> list[dict[str, Any]]:
    """Each hold of the titration plan (SPEC §3a): when, how long, why, and by whom."""
    return [
        {
            "on": h.on.isoformat(),
            "days": h.days,
            "reason": h.reason,
            "held_by": _by(patient, h.held_by_id),
            "held_at": _plain(h.held_at),
        }
        for h in patient.holds.order_by("on", "id")
    ]


def dispensings(patient: Patient) -> list[dict[str, Any]]:
    """Each supply dispensed, in its unit and strength (SPEC §3a)."""
    fields = ["dispensed_on", "amount", "unit", "strength_mg", "pharmacy", "batch", "filler",
              "slow_release", "recorded_at"]  # fmt: skip
    return [
        {**{name: _plain(getattr(d, name)) for name in fields},
         "recorded_by": _by(patient, d.recorded_by_id)}
        for d in patient.dispensings.order_by("dispensed_on", "id")
    ]  # fmt: skip


def questionnaires(patient: Patient) -> list[dict[str, Any]]:
    """Each questionnaire answered (SPEC §14): its answers, score and earlier versions."""
    fields = ["instrument", "occasion", "due_on", "answers", "status", "score", "band",
              "flags", "version", "revisions", "started_at", "completed_at", "completed_on"]  # fmt: skip
    return [
        {name: _plain(getattr(a, name)) for name in fields}
        for a in patient.questionnaire_answers.order_by("due_on", "instrument", "id")
    ]


def gap_answers(patient: Patient) -> list[dict[str, Any]]:
    return [
        {
            "after": a.after.isoformat(),
            "kept_taking": a.kept_taking,
            "answered_at": _plain(a.answered_at),
        }
        for a in patient.gap_answers.order_by("after")
    ]


def courses(patient: Patient) -> list[dict[str, Any]]:
    """The courses as worked out from all the above (SPEC §4), for the reader's convenience."""
    today = patient.diary_today()
    days = [d for d in DailyEntry.objects.for_patient(patient).days() if d.date <= today]
    return treatment.as_json(treatment.course_history(patient, days, today))


def entry(patient: Patient, e: DailyEntry) -> dict[str, Any]:
    return {
        "date": e.date.isoformat(),
        **e.snapshot(),
        "version": e.version,
        "created_at": _plain(e.created_at),
        "updated_at": _plain(e.updated_at),
        "updated_by": _by(patient, e.updated_by_id),
        "revisions": [
            {
                "version": r.version,
                "data": r.data,
                "recorded_at": _plain(r.recorded_at),
                "recorded_by": _by(patient, r.recorded_by_id),
                "replaced_at": _plain(r.replaced_at),
                "replaced_by": _by(patient, r.replaced_by_id),
            }
            for r in e.revisions.all()
        ],
    }


def stream(patient: Patient, exported_at: dt.datetime) -> Iterator[str]:
    """The JSON text in pieces: the small parts whole, the diary a day at a time."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at.isoformat(),
        "patient": profile(patient),
        "prescriptions": prescriptions(patient),
        "pgic": pgic(patient),
        "reviews": reviews(patient),
        "stops": stops(patient),
        "gap_answers": gap_answers(patient),
        "holds": holds(patient),
        "dispensings": dispensings(patient),
        "questionnaires": questionnaires(patient),
        "courses": courses(patient),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "diary": ['
    entries = (
        DailyEntry.objects.for_patient(patient)
        .order_by("date")
        .prefetch_related(Prefetch("revisions", queryset=EntryRevision.objects.order_by("version")))
        .iterator(chunk_size=500)
    )
    for n, e in enumerate(entries):
        yield ("," if n else "") + json.dumps(entry(patient, e), ensure_ascii=False)
    yield "]}"
