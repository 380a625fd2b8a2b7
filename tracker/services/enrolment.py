"""A patient's enrolment: the clinical profile and, in the same transaction, the summary
row every page reads (one row per patient, so no page ever falls back to a diary). Every
patient is made here: an accepted invite, a move from another clinic, the demo clinic."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ..models import Patient, PatientSummary
from ..response import rule


@transaction.atomic
def enrol(**fields: Any) -> Patient:
    """A new patient from `fields` (Patient's), with their empty summary. Enrolled on their
    diary day, not the server's date: at 1 a.m. before a 04:00 boundary it is still
    yesterday for them, and a baseline dated tomorrow could not be answered."""
    patient = Patient(**fields)
    if "enrolled_on" not in fields:
        patient.enrolled_on = patient.diary_today()
    patient.save(force_insert=True)
    values = PatientSummary.values_from(rule.Facts(outcome=patient.primary_outcome))
    patient.summary = PatientSummary.objects.create(patient=patient, **values)  # type: ignore[attr-defined]
    from .questionnaires import set_default_bundle

    set_default_bundle(patient)  # the condition's questionnaires (SPEC §14)
    return patient
