"""Moving a patient to another clinic: rebuild them from their JSON export (patient_json.py)
in this database, the diary and every earlier version of each day exactly as they were
(`manage.py import_patient_json`). What the patient recorded stays theirs; what their old
clinic recorded is kept and said to come from there."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from ..models import (
    ClinicalReview,
    DailyEntry,
    Dispensing,
    DoseHold,
    EntryRevision,
    GapAnswer,
    Patient,
    PGICAnswer,
    Prescription,
    QuestionnaireAnswer,
    TreatmentStop,
    User,
)
from ..services.enrolment import enrol
from ..services.status import refresh_patient
from .patient_json import FORMAT, VERSION


class ImportProblem(Exception):
    """Why the file cannot be imported, in words for the operator."""


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _time(text: str | None) -> dt.time | None:
    return dt.time.fromisoformat(text) if text else None


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _maybe_date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _maybe_moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _values(data: dict[str, Any]) -> dict[str, Any]:
    """An entry's recorded values from their JSON form (DailyEntry.snapshot)."""
    # An export made before the dose as measured (SPEC §3a) has no amount: none is invented.
    defaults: dict[str, Any] = {"dose_amount": None, "dose_unit": ""}
    values: dict[str, Any] = {
        name: data.get(name, defaults.get(name)) for name in DailyEntry.VALUE_FIELDS
    }
    for name in ("dose_mg", "dose_amount", "sleep_hours"):
        values[name] = Decimal(values[name]) if values[name] is not None else None
    values["time_taken"] = _time(values["time_taken"])
    return values


def _measure(rx: dict[str, Any]) -> dict[str, Any]:
    """A prescription's form, unit and strength; from an export made before SPEC §3a, as
    the migration reads them (a capsule of the dose, a liquid's concentration, else mg)."""
    if "dose_unit" in rx:
        return {
            "formulation": rx["formulation"],
            "dose_unit": rx["dose_unit"],
            "strength_mg": Decimal(rx["strength_mg"]),
        }
    if rx["formulation"] == "liquid" and rx.get("concentration_mg_per_ml"):
        return {"formulation": "liquid", "dose_unit": "ml",
                "strength_mg": Decimal(rx["concentration_mg_per_ml"])}  # fmt: skip
    if rx["formulation"] == "capsule":
        return {"formulation": "capsule", "dose_unit": "capsule",
                "strength_mg": Decimal(rx["dose_mg"])}  # fmt: skip
    return {"formulation": "other", "dose_unit": "mg", "strength_mg": Decimal(1)}


@transaction.atomic
def import_patient(
    data: dict[str, Any], *, clinic: Any, clinician: User | None = None, email: str | None = None
) -> Patient:
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ImportProblem("This is not an LDN Tracker patient export (format version 1).")
    about = data["patient"]
    address = (email or about["email"]).strip().lower()
    if User.objects.filter(email__iexact=address).exists():
        raise ImportProblem(f"{address} already has an account here.")
    user = User.objects.create_user(
        address, None, first_name=about["first_name"], last_name=about["last_name"],
        role=User.Role.PATIENT, clinic=clinic,
    )  # fmt: skip
    patient = enrol(
        user=user,
        clinician=clinician,
        condition=about["condition"],
        primary_outcome=about["primary_outcome"],
        time_zone=about["time_zone"],
        day_boundary=dt.time.fromisoformat(about["day_boundary"]),
        enrolled_on=_date(about["enrolled_on"]),
        baseline_pain=about["baseline_pain"],
        baseline_mood=about["baseline_mood"],
        baseline_fatigue=about["baseline_fatigue"],
        restart_reported_on=_maybe_date(about.get("restart_reported_on")),
    )
    from_clinic = about.get("clinic") or "the previous clinic"

    def who(by: str | None) -> User | None:
        return user if by == "patient" else None

    for rx in data["prescriptions"]:
        step = Prescription.objects.create(
            patient=patient, dose_mg=Decimal(rx["dose_mg"]), usual_time=dt.time.fromisoformat(rx["usual_time"]),
            timing=rx["timing"], start_date=_date(rx["start_date"]),
            replaced_at=_maybe_moment(rx["replaced_at"]), **_measure(rx),
        )  # fmt: skip
        Prescription.objects.filter(pk=step.pk).update(created_at=_moment(rx["created_at"]))
    for day in data["diary"]:
        entry = DailyEntry.objects.create(
            patient=patient, date=_date(day["date"]), version=day["version"],
            updated_by=who(day["updated_by"]), **_values(day),
        )  # fmt: skip
        # The automatic times of a new row are set aside: the history keeps its own.
        DailyEntry.objects.filter(pk=entry.pk).update(
            created_at=_moment(day["created_at"]), updated_at=_moment(day["updated_at"])
        )
        EntryRevision.objects.bulk_create(
            EntryRevision(
                entry=entry,
                version=r["version"],
                data=r["data"],
                recorded_by=who(r["recorded_by"]),
                recorded_at=_moment(r["recorded_at"]),
                replaced_by=who(r["replaced_by"]),
                replaced_at=_moment(r["replaced_at"]),
            )
            for r in day["revisions"]
        )
    for answer in data["pgic"]:
        answered = PGICAnswer.objects.create(
            patient=patient, course=answer.get("course", 1), review_point=answer["review_point"],
            value=answer["value"],
            answered_on=_date(answer["answered_on"]),
        )  # fmt: skip
        PGICAnswer.objects.filter(pk=answered.pk).update(answered_at=_moment(answer["answered_at"]))
    recorded_reviews = {}
    for review in data["reviews"]:
        recorded = ClinicalReview.objects.create(
            patient=patient, course=review.get("course", 1), point=review["point"],
            outcome=review["outcome"],
            next_week=review["next_week"], snapshot={"review_week": review["review_week"]},
            recorded_elsewhere=f"{review['recorded_by'] or 'a clinician'} at {from_clinic}",
        )  # fmt: skip
        ClinicalReview.objects.filter(pk=recorded.pk).update(
            recorded_at=_moment(review["recorded_at"])
        )
        recorded_reviews[(recorded.course, recorded.point)] = recorded
    for stop in data.get("stops", []):
        by_review = stop.get("review")
        review = (
            recorded_reviews.get((by_review["course"], by_review["point"])) if by_review else None
        )
        if stop["reason"] == "review" and review is None:
            continue  # a stop whose review did not come along cannot stand alone
        TreatmentStop.objects.create(
            patient=patient, on=_date(stop["on"]), reason=stop["reason"], review=review,
            reported_by=user if stop["reason"] == "patient" else None,
            confirmed_at=None,
        )  # fmt: skip
    for answer in data.get("gap_answers", []):
        GapAnswer.objects.create(
            patient=patient, after=_date(answer["after"]), kept_taking=answer["kept_taking"]
        )
    for hold in data.get("holds", []):
        kept = DoseHold.objects.create(
            patient=patient, on=_date(hold["on"]), days=hold["days"], reason=hold["reason"],
            held_by=who(hold.get("held_by")),
        )  # fmt: skip
        DoseHold.objects.filter(pk=kept.pk).update(held_at=_moment(hold["held_at"]))
    for supply in data.get("dispensings", []):
        kept_supply = Dispensing.objects.create(
            patient=patient, dispensed_on=_date(supply["dispensed_on"]),
            amount=Decimal(supply["amount"]), unit=supply["unit"],
            strength_mg=Decimal(supply["strength_mg"]), pharmacy=supply["pharmacy"],
            batch=supply["batch"], filler=supply["filler"], slow_release=supply["slow_release"],
            recorded_by=who(supply.get("recorded_by")),
        )  # fmt: skip
        Dispensing.objects.filter(pk=kept_supply.pk).update(
            recorded_at=_moment(supply["recorded_at"])
        )
    for answer in data.get("questionnaires", []):
        kept_answer = QuestionnaireAnswer.objects.create(
            patient=patient, instrument=answer["instrument"], occasion=answer["occasion"],
            due_on=_date(answer["due_on"]), answers=answer["answers"], status=answer["status"],
            score=Decimal(answer["score"]) if answer["score"] is not None else None,
            band=answer["band"], flags=answer["flags"], version=answer["version"],
            revisions=answer["revisions"], completed_at=_maybe_moment(answer["completed_at"]),
            completed_on=_maybe_date(answer["completed_on"]),
        )  # fmt: skip
        QuestionnaireAnswer.objects.filter(pk=kept_answer.pk).update(
            started_at=_moment(answer["started_at"])
        )
    refresh_patient(patient)
    return patient
