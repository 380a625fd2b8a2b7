"""A patient's treatment courses as the record, the printable summary and the exports show
them (SPEC §4): each course from the diary, the stops and the gap answers, with the reviews
recorded in it. Earlier courses stay readable with their reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .models import ClinicalReview, Patient, TreatmentStop
from .response import courses
from .response.days import Day
from .response.explain import course_words


@dataclass(frozen=True)
class CourseRow:
    course: courses.Course
    label: str
    reviews: list[ClinicalReview]
    stop: TreatmentStop | None  # the stop recorded for its end, if one was


@dataclass(frozen=True)
class CourseHistory:
    found: list[courses.Course]
    rows: list[CourseRow]  # newest course first
    unconfirmed: list[TreatmentStop]  # stops the patient reported, for the clinician to confirm
    spans: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)


def course_history(
    patient: Patient,
    days: Sequence[Day],
    today: dt.date,
    found: list[courses.Course] | None = None,
) -> CourseHistory:
    """The courses of `patient`'s diary `days` (oldest first, up to `today`), or `found`
    when the caller has them (the stored summary's: then `days` are not read)."""
    stops = list(patient.stops.select_related("confirmed_by", "reported_by"))
    if found is None:
        answers = dict(patient.gap_answers.values_list("after", "kept_taking"))
        found = courses.courses(days, [s.as_rule() for s in stops if s.on <= today], answers)
    reviews = list(patient.reviews.select_related("recorded_by"))
    rows = []
    for course in reversed(found):
        stop = next((s for s in stops if s.on == course.ended_on), None)
        rows.append(
            CourseRow(
                course=course,
                label=course_words(
                    course.number,
                    course.day_one,
                    course.ended_on,
                    course.end_reason.value if course.end_reason else "",
                ),
                reviews=[r for r in reviews if r.course == course.number],
                stop=stop if course.end_reason != courses.End.LAPSE else None,
            )
        )
    unconfirmed = [s for s in stops if not s.confirmed]
    return CourseHistory(found, rows, unconfirmed, courses.spans(found))


def as_json(history: CourseHistory) -> list[dict[str, Any]]:
    """The courses as plain JSON, oldest first (the patient's and the clinic's exports)."""
    return [
        {
            "course": c.number,
            "day_one": c.day_one.isoformat(),
            "last_dose": c.last_dose.isoformat(),
            "ended_on": c.ended_on.isoformat() if c.ended_on else None,
            "end_reason": c.end_reason.value if c.end_reason else None,
            "days_without_ldn_before": c.gap_before,
            "retitration_advised": c.retitration,
        }
        for c in history.found
    ]
