"""What a patient has asked of them, and when (SPEC §14): their bundle and its occasions,
read from the database and worked out by `schedule.py`. Read by the services, the pages
and the reminder's words, so it depends on the models only."""

from __future__ import annotations

import datetime as dt

from ..models import Patient, QuestionnaireAnswer
from . import schedule


def bundle(patient: Patient) -> list[schedule.Asked]:
    return [
        schedule.Asked(key, at, every)
        for key, at, every in patient.instruments.values_list(
            "instrument", "at_reviews", "every_weeks"
        )
        if key != "pgic"  # asked on Today from the review day by the response rule (§4)
    ]


def occasions(
    patient: Patient,
    today: dt.date | None = None,
    answered: set[tuple[str, str]] | None = None,
) -> list[schedule.Occasion]:
    """Every occasion of the patient's bundle so far, with its state (two queries; one
    when the caller has the completed answers' (instrument, occasion))."""
    today = today or patient.diary_today()
    summary = patient.summary  # type: ignore[attr-defined]
    if answered is None:
        answered = {(r.instrument, r.occasion) for r in completed(patient)}
    return schedule.occasions(
        bundle(patient), today=today, enrolled_on=patient.enrolled_on or today,
        day_one=summary.day_one, course=max(summary.course, 1), review_on=summary.review_on,
        review_point=summary.review_point or 1, review_week=summary.review_week,
        stopped=summary.ended_on is not None, answered=answered,
    )  # fmt: skip


def completed(patient: Patient) -> list[QuestionnaireAnswer]:
    return list(
        patient.questionnaire_answers.filter(status=QuestionnaireAnswer.Status.COMPLETED).order_by(
            "instrument", "due_on", "id"
        )
    )
