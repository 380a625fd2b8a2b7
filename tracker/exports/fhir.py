"""A patient's diary as a FHIR R4 Bundle of type `collection` (SPEC §8), for the clinic's
health record: the Patient; a MedicationRequest per prescription step (naltrexone, RxNorm
7243); a MedicationAdministration per diary day (completed with the mg and the time, or
not-done); an Observation per measured value (pain: LOINC 72514-3, sleep duration: LOINC
93832-4, the other scales in the product's own CodeSystem; units in UCUM; effective on the
diary date); a QuestionnaireResponse per PGIC answer; a MedicationDispense per supply.

The dose as measured (SPEC §3a): each MedicationRequest and MedicationDispense names its
medication as a contained Medication with the dose form (SNOMED CT: 385049006 capsule,
385023001 oral solution, 385018001 oral drops, 385099005 cream) and the strength as a
Ratio (mg per capsule, mL, drop or click). A MedicationAdministration's `dosage.dose`
stays in mg; what the patient measured (1.5 mL) is the extension MEASURED_AMOUNT on its
`dosage`, a Quantity in UCUM (mL, [drp], {capsule}, {click}).

Every resource id is a UUID made from what the resource is about (this patient, this diary
day, this measure), so a second export of the same data is identical byte for byte and a
health record can update what it imported before. Streamed, a diary day at a time."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ..models import DailyEntry, Patient
from ..response.explain import PGIC_CHOICES, stopped_words

NAMESPACE = uuid.UUID("8f6d2c1e-5b7a-4f0e-9a3c-2d1b0c9e8f7a")  # this product's, fixed
UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
DIARY = "https://fhir.ldn-tracker.example/CodeSystem/diary"
PGIC_SYSTEM = "https://fhir.ldn-tracker.example/CodeSystem/pgic"
PGIC_QUESTIONNAIRE = "https://fhir.ldn-tracker.example/Questionnaire/pgic"
PATIENT_ID_SYSTEM = "https://fhir.ldn-tracker.example/patient"
MEASURED_AMOUNT = "https://fhir.ldn-tracker.example/StructureDefinition/measured-amount"
SNOMED = "http://snomed.info/sct"
DOSE_FORMS = {
    "capsule": ("385049006", "Capsule"),
    "liquid": ("385023001", "Oral solution"),
    "drops": ("385018001", "Oral drops"),
    "cream": ("385099005", "Cream"),
}
# Each unit a patient measures, as UCUM writes it.
UCUM_UNITS = {"capsule": "{capsule}", "ml": "mL", "drop": "[drp]", "click": "{click}", "mg": "mg"}
CATEGORY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}
NALTREXONE = {
    "coding": [{"system": RXNORM, "code": "7243", "display": "naltrexone"}],
    "text": "Naltrexone (low dose)",
}
DREAM_LEVEL = {"none": 0, "normal": 1, "vivid": 2, "nightmares": 3}

# (diary field, code system, code, display, UCUM unit): what each Observation measures.
MEASURES = [
    ("pain", LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported", "{score}"),
    ("sleep_hours", LOINC, "93832-4", "Sleep duration", "h"),
    ("mood", DIARY, "mood", "Mood, 0 worst to 10 best", "{score}"),
    ("fatigue", DIARY, "fatigue", "Fatigue, 0 none to 10 worst", "{score}"),
    ("sleep_quality", DIARY, "sleep-quality", "Sleep quality, 1 very poor to 5 very good", "{score}"),
    ("dreams", DIARY, "dreams", "Dreams, 0 none, 1 normal, 2 vivid, 3 nightmares", "{score}"),
    ("headache", DIARY, "headache", "Headache, 0 none to 3 severe", "{score}"),
    ("nausea", DIARY, "nausea", "Nausea or stomach upset, 0 none to 3 severe", "{score}"),
    ("irritability", DIARY, "irritability", "Irritability or anxiety, 0 none to 3 severe", "{score}"),
    ("opioid_taken", DIARY, "opioid-taken", "Opioid taken (1 yes, 0 no)", "{yes/no}"),
    ("liver_signs", DIARY, "liver-signs", "Liver warning signs (1 yes, 0 no)", "{yes/no}"),
]  # fmt: skip


def resource_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def measured(entry: DailyEntry, field: str) -> Decimal | int | None:
    value = getattr(entry, field)
    if field == "dreams":
        return DREAM_LEVEL[value]
    if isinstance(value, bool):
        return int(value)
    return value


def _number(value: Decimal | int) -> int | float:
    return int(value) if value == int(value) else float(value)


def patient_resource(patient: Patient) -> dict[str, Any]:
    user = patient.user
    name = (
        {"family": user.last_name, "given": [user.first_name]}
        if user.last_name
        else {"given": [user.first_name]}
    )
    return {
        "resourceType": "Patient",
        "id": resource_id("patient", patient.pk),
        "identifier": [{"system": PATIENT_ID_SYSTEM, "value": str(patient.pk)}],
        "name": [name],
        "telecom": [{"system": "email", "value": user.email}],
    }


def quantity(amount: Decimal, unit: str) -> dict[str, Any]:
    code = UCUM_UNITS[unit]
    return {"value": _number(amount), "unit": code, "system": UCUM, "code": code}


def medication(formulation: str, unit: str, strength: Decimal, batch: str = "") -> dict[str, Any]:
    """The contained Medication: naltrexone, its dose form and its strength per unit."""
    resource: dict[str, Any] = {"resourceType": "Medication", "id": "med", "code": NALTREXONE}
    if formulation in DOSE_FORMS:
        code, display = DOSE_FORMS[formulation]
        resource["form"] = {"coding": [{"system": SNOMED, "code": code, "display": display}]}
    else:
        resource["form"] = {"text": "Other"}
    resource["ingredient"] = [
        {
            "itemCodeableConcept": NALTREXONE,
            "isActive": True,
            "strength": {
                "numerator": quantity(strength if unit != "mg" else Decimal(1), "mg"),
                "denominator": quantity(Decimal(1), unit),
            },
        }
    ]
    if batch:
        resource["batch"] = {"lotNumber": batch}
    return resource


def medication_requests(patient: Patient, subject: dict[str, str]) -> Iterator[dict[str, Any]]:
    """One per prescription step. While LDN is stopped (SPEC §4), the steps still in force
    are `stopped`, with the day and the reason."""
    today = patient.diary_today()
    steps = list(patient.prescriptions.order_by("start_date", "id"))
    active = [rx for rx in steps if rx.replaced_at is None]
    evaluation = patient.status(today)
    stopped = stopped_words(evaluation) if evaluation.stopped else ""
    for rx in steps:
        if rx.replaced_at is not None:
            status = "cancelled"
        elif any(
            later.start_date > rx.start_date and later.start_date <= today for later in active
        ):
            status = "completed"
        else:
            status = "stopped" if stopped else "active"
        dose = {"value": _number(rx.dose_mg), "unit": "mg", "system": UCUM, "code": "mg"}
        reason = {"statusReason": {"text": stopped}} if status == "stopped" else {}
        yield {
            "resourceType": "MedicationRequest",
            "id": resource_id("prescription", rx.pk),
            "status": status,
            **reason,
            "intent": "order",
            "contained": [medication(rx.formulation, rx.dose_unit, rx.strength_mg)],
            "medicationReference": {"reference": "#med"},
            "subject": subject,
            "authoredOn": rx.created_at.isoformat(timespec="seconds"),
            "dosageInstruction": [
                {
                    "text": f"{rx.meaning} once a day at {rx.get_timing_display().lower()} ({rx.usual_time:%H:%M}), {rx.get_formulation_display().lower()}",
                    "timing": {
                        "repeat": {
                            "boundsPeriod": {"start": rx.start_date.isoformat()},
                            "frequency": 1,
                            "period": 1,
                            "periodUnit": "d",
                            "timeOfDay": [rx.usual_time.strftime("%H:%M:%S")],
                        }
                    },
                    "doseAndRate": [{"doseQuantity": dose}],
                }
            ],
        }


def administration(patient: Patient, entry: DailyEntry, subject: dict[str, str]) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "id": resource_id("administration", entry.pk),
        "medicationCodeableConcept": NALTREXONE,
        "subject": subject,
    }
    if entry.dose_taken and entry.dose_mg is not None:
        when = entry.date.isoformat()
        if entry.time_taken is not None:
            local = dt.datetime.combine(entry.date, entry.time_taken, tzinfo=patient.zone)
            when = local.isoformat()
        measured_amount = (
            {"extension": [{"url": MEASURED_AMOUNT,
                            "valueQuantity": quantity(entry.dose_amount, entry.dose_unit)}]}
            if entry.dose_amount is not None and entry.dose_unit
            else {}
        )  # fmt: skip
        return resource | {
            "status": "completed",
            "effectiveDateTime": when,
            "dosage": measured_amount
            | {
                "dose": {
                    "value": _number(entry.dose_mg),
                    "unit": "mg",
                    "system": UCUM,
                    "code": "mg",
                },
                "route": {"text": "By mouth"},
            },
        }
    return resource | {
        "status": "not-done",
        "statusReason": [{"text": "Dose not taken (reported in the diary)"}],
        "effectiveDateTime": entry.date.isoformat(),
    }


def observations(entry: DailyEntry, subject: dict[str, str]) -> Iterator[dict[str, Any]]:
    for field, system, code, display, unit in MEASURES:
        value = measured(entry, field)
        if value is None:
            continue
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "id": resource_id("observation", entry.pk, code),
            "status": "final",
            "category": [CATEGORY],
            "code": {
                "coding": [{"system": system, "code": code, "display": display}],
                "text": display,
            },
            "subject": subject,
            "effectiveDateTime": entry.date.isoformat(),
            "valueQuantity": {"value": _number(value), "unit": unit, "system": UCUM, "code": unit},
        }
        if field == "opioid_taken" and entry.opioid_name:
            resource["note"] = [{"text": f"Which opioid: {entry.opioid_name}"}]
        if field == "dreams" and entry.nightmare_woke:
            resource["note"] = [{"text": "A nightmare woke the patient."}]
        yield resource


def pgic_responses(patient: Patient, subject: dict[str, str]) -> Iterator[dict[str, Any]]:
    labels = dict(PGIC_CHOICES)
    for answer in patient.pgic_answers.order_by("review_point"):
        yield {
            "resourceType": "QuestionnaireResponse",
            "id": resource_id("pgic", patient.pk, answer.review_point),
            "questionnaire": PGIC_QUESTIONNAIRE,
            "status": "completed",
            "subject": subject,
            "authored": answer.answered_at.isoformat(timespec="seconds"),
            "item": [
                {
                    "linkId": "pgic",
                    "text": "Since you started LDN, how would you describe the change in your condition?",
                    "answer": [
                        {
                            "valueCoding": {
                                "system": PGIC_SYSTEM,
                                "code": str(answer.value),
                                "display": str(labels[answer.value]),
                            }
                        }
                    ],
                }
            ],
        }


def dispenses(patient: Patient, subject: dict[str, str]) -> Iterator[dict[str, Any]]:
    """One MedicationDispense per supply recorded (SPEC §3a)."""
    formulations = dict(
        patient.prescriptions.order_by("start_date", "id").values_list("dose_unit", "formulation")
    )
    for d in patient.dispensings.order_by("dispensed_on", "id"):
        notes = [f"Filler: {d.get_filler_display()}"] if d.filler != "unknown" else []
        if d.slow_release:
            notes.append("Slow-release formulation")
        resource: dict[str, Any] = {
            "resourceType": "MedicationDispense",
            "id": resource_id("dispense", d.pk),
            "status": "completed",
            "contained": [
                medication(formulations.get(d.unit, "other"), d.unit, d.strength_mg, d.batch)
            ],
            "medicationReference": {"reference": "#med"},
            "subject": subject,
            "quantity": quantity(d.amount, d.unit),
            "whenHandedOver": d.dispensed_on.isoformat(),
        }
        if d.pharmacy:
            resource["performer"] = [{"actor": {"display": d.pharmacy}}]
        if notes:
            resource["note"] = [{"text": text} for text in notes]
        yield resource


TOTAL_CODES = {  # LOINC's total scores (SPEC §14); the product's own code otherwise
    "phq-9": (LOINC, "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
    "gad-7": (LOINC, "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"),
}  # fmt: skip
INSTRUMENTS_SYSTEM = "https://fhir.ldn-tracker.example/CodeSystem/instruments"


def questionnaire_resources(patient: Patient, subject: dict[str, str]) -> Iterator[str]:
    """The Questionnaire of each instrument answered, then per completed answer its
    QuestionnaireResponse (linked by its canonical) and its score as an Observation."""
    from .. import instruments
    from ..models import QuestionnaireAnswer

    rows = list(
        patient.questionnaire_answers.filter(status=QuestionnaireAnswer.Status.COMPLETED).order_by(
            "completed_at", "id"
        )
    )
    for key in sorted({r.instrument for r in rows}):
        instrument = instruments.get(key)
        yield json.dumps(
            {"fullUrl": instrument.url, "resource": instrument.resource}, ensure_ascii=False
        )
    for row in rows:
        instrument = instruments.get(row.instrument)
        response = questionnaire_response(instrument, row, subject)
        yield _entry(response)
        if row.score is not None:
            yield _entry(score_observation(instrument, row, subject, response["id"]))


def _answered_items(
    instrument: Any, raw_items: list[dict[str, Any]], answers: dict[str, int]
) -> list[dict[str, Any]]:
    out = []
    for raw in raw_items:
        if raw.get("type") == "group":
            inner = _answered_items(instrument, raw.get("item") or [], answers)
            if inner:
                out.append({"linkId": raw["linkId"], "text": raw.get("text", ""), "item": inner})
            continue
        if raw["linkId"] not in answers:
            continue
        item = instrument.item(raw["linkId"])
        option = next(o for o in item.options if o.score == answers[raw["linkId"]])
        coding = next(
            a["valueCoding"] for a in raw["answerOption"] if a["valueCoding"]["code"] == option.code
        )
        out.append(
            {"linkId": raw["linkId"], "text": raw["text"], "answer": [{"valueCoding": coding}]}
        )
    return out


def questionnaire_response(instrument: Any, row: Any, subject: dict[str, str]) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "id": resource_id("questionnaire-response", row.pk, row.version),
        "questionnaire": instrument.url,
        "status": "completed",
        "subject": subject,
        "authored": row.completed_at.isoformat(timespec="seconds"),
        "item": _answered_items(instrument, instrument.resource["item"], row.answers),
    }


def score_observation(
    instrument: Any, row: Any, subject: dict[str, str], response_id: str
) -> dict[str, Any]:
    system, code, display = TOTAL_CODES.get(
        instrument.key, (INSTRUMENTS_SYSTEM, f"{instrument.key}-score", f"{instrument.title} score")
    )
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": resource_id("questionnaire-score", row.pk, row.version),
        "status": "final",
        "category": [CATEGORY],
        "code": {"coding": [{"system": system, "code": code, "display": display}], "text": display},
        "subject": subject,
        "effectiveDateTime": (row.completed_on or row.due_on).isoformat(),
        "valueQuantity": {
            "value": _number(row.score),
            "unit": "{score}",
            "system": UCUM,
            "code": "{score}",
        },
        "derivedFrom": [{"reference": f"urn:uuid:{response_id}"}],
    }
    if row.band:
        resource["interpretation"] = [{"text": row.band.replace("_", " ")}]
    return resource


def _entry(resource: dict[str, Any]) -> str:
    return json.dumps(
        {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}, ensure_ascii=False
    )


def stream(patient: Patient) -> Iterator[str]:
    """The Bundle as JSON text, a diary day at a time."""
    person = patient_resource(patient)
    subject = {"reference": f"urn:uuid:{person['id']}"}
    yield json.dumps(
        {"resourceType": "Bundle", "id": resource_id("bundle", patient.pk), "type": "collection"}
    )[:-1]
    yield ', "entry": [' + _entry(person)
    for resource in medication_requests(patient, subject):
        yield "," + _entry(resource)
    for resource in pgic_responses(patient, subject):
        yield "," + _entry(resource)
    for resource in dispenses(patient, subject):
        yield "," + _entry(resource)
    for text in questionnaire_resources(patient, subject):
        yield "," + text
    for entry in DailyEntry.objects.for_patient(patient).order_by("date").iterator(chunk_size=1000):
        yield "," + _entry(administration(patient, entry, subject))
        for resource in observations(entry, subject):
            yield "," + _entry(resource)
    yield "]}"
