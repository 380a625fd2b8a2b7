"""The dose as the patient measures it (SPEC §3a, issue 21), through the client: the
prescription's form and strength, Today in the patient's unit, the plan with its holds, the
supply and its reminder, and what the exports carry."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tracker.models import (
    Alert,
    AuditEvent,
    DailyEntry,
    Dispensing,
    DoseHold,
    Notification,
    Prescription,
)

from .factories import PrescriptionFactory, login, valid_form_data


def liquid(patient, *, mg="3", strength="1", start=None, **more):
    return PrescriptionFactory(
        patient=patient, dose_mg=Decimal(mg), formulation="liquid", dose_unit="ml",
        strength_mg=Decimal(strength),
        start_date=start or patient.diary_today() - dt.timedelta(days=30), **more,
    )  # fmt: skip


def measured(day, amount, unit="ml", **more):
    data = valid_form_data(day, dose_amount=amount, dose_unit=unit, **more)
    data.pop("dose_mg")
    return data


# --- Today in the patient's unit -----------------------------------------------------------


def test_today_asks_a_liquid_dose_in_ml_prefilled_from_the_plan_with_its_mg(
    patient_client, patient
):
    liquid(patient, mg="3")
    html = patient_client.get("/diary/").content.decode()
    assert 'name="dose_amount"' in html and 'name="dose_mg"' not in html
    assert 'step="0.1"' in html
    assert 'value="3"' in html  # 3 mg at 1 mg/mL: 3 mL
    assert "Dose (mL)" in html
    assert "3 mL = 3 mg" in html
    assert 'name="dose_unit" value="ml"' in html


def test_a_measured_dose_is_stored_with_its_unit_and_the_exact_mg(patient_client, patient):
    liquid(patient, mg="0.75", strength="0.5")
    day = patient.diary_today()
    response = patient_client.post("/diary/", measured(day, "1.5"))
    assert response.status_code == 302
    entry = DailyEntry.objects.get(patient=patient, date=day)
    assert (entry.dose_amount, entry.dose_unit, entry.dose_mg) == (
        Decimal("1.5"), "ml", Decimal("0.75"),
    )  # fmt: skip
    assert str(entry.dose_mg) == "0.75"
    history = patient_client.get("/history/").content.decode()
    assert "1.5 mL = 0.75 mg" in history
    # The rule reads the stored mg: the summary's dose is 0.75 exactly.
    patient.refresh_from_db()
    assert patient.summary.dose_mg == Decimal("0.75")


@pytest.mark.parametrize(
    ("rx", "amount", "unit", "message"),
    [
        ("capsule", "1.5", "capsule", "whole number of capsules"),
        ("drops", "2.5", "drop", "whole number of drops"),
        ("liquid", "2.55", "ml", "steps of 0.1 mL"),
        ("liquid", "13", "ml", "between 0.1 and 12 mg"),
        ("liquid", "0", "ml", "more than 0"),
        ("liquid", "3", "drop", "measured in mL"),
        ("liquid", "3", "gallon", "not a unit"),
        ("liquid", "lots", "ml", "as a number"),
        ("liquid", "", "ml", "Enter the dose you took, in mL"),
        ("drops", "30", "drop", "between 0.1 and 12 mg"),  # 30 × 0.5 = 15 mg
        ("liquid", "1e999999", "ml", "far more than a dose"),  # once a 500 in the preview
        ("liquid", "99999", "ml", "far more than a dose"),
    ],
)
def test_an_amount_that_is_not_a_dose_is_explained_and_saves_nothing(
    patient_client, patient, rx, amount, unit, message
):
    unit_of = {"capsule": "capsule", "drops": "drop", "liquid": "ml"}[rx]
    strength = {"capsule": "1.5", "drops": "0.5", "liquid": "1"}[rx]
    PrescriptionFactory(
        patient=patient, dose_mg=Decimal("1.5"), formulation=rx, dose_unit=unit_of,
        strength_mg=Decimal(strength), start_date=patient.diary_today() - dt.timedelta(days=3),
    )  # fmt: skip
    response = patient_client.post("/diary/", measured(patient.diary_today(), amount, unit))
    assert response.status_code == 200
    errors = response.context["form"].errors
    field = "dose_unit" if unit == "gallon" else "dose_amount"
    assert message in " ".join(errors[field]), errors
    if field == "dose_amount":
        assert 'id="id_dose_amount_error"' in response.content.decode()
    assert not DailyEntry.objects.filter(patient=patient).exists()


def test_a_client_that_sends_mg_gets_the_amount_in_the_prescriptions_unit(patient_client, patient):
    liquid(patient, mg="3")
    day = patient.diary_today()
    patient_client.post("/diary/", valid_form_data(day, dose_mg="2.5"))
    entry = DailyEntry.objects.get(patient=patient, date=day)
    assert (entry.dose_amount, entry.dose_unit, entry.dose_mg) == (
        Decimal("2.5"), "ml", Decimal("2.5"),
    )  # fmt: skip
    # An mg that no whole step makes is kept in mg, never rounded into a false amount.
    patient_client.post("/diary/", valid_form_data(day, dose_mg="2.55", version="1"))
    entry.refresh_from_db()
    assert (entry.dose_amount, entry.dose_unit) == (Decimal("2.55"), "mg")


def test_an_amount_and_an_mg_that_disagree_are_refused(patient_client, patient):
    liquid(patient, mg="3", strength="0.5")
    data = measured(patient.diary_today(), "2") | {"dose_mg": "2"}  # 2 mL of 0.5 mg/mL: 1 mg
    response = patient_client.post("/diary/", data)
    assert "makes 1 mg" in " ".join(response.context["form"].errors["dose_amount"])
    assert not DailyEntry.objects.exists()


# --- The prescription's form and strength ----------------------------------------------------


def rx_form(today, **overrides):
    data = {
        "dose_mg": "3", "start_date": today.isoformat(), "timing": "bedtime",
        "usual_time": "22:00", "form": "liquid", "strength": "1",
        "step-TOTAL_FORMS": "0", "step-INITIAL_FORMS": "0",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_clinician_prescribes_a_form_and_strength_and_sees_what_it_means(
    client, clinician, patient
):
    login(client, clinician)
    url = f"/clinic/patients/{patient.pk}/prescription/"
    today = patient.diary_today()
    assert client.post(url, rx_form(today)).status_code == 302
    rx = Prescription.objects.filter(patient=patient).latest("id")
    assert (rx.formulation, rx.dose_unit, rx.strength_mg) == ("liquid", "ml", Decimal("1"))
    assert "3 mg = 3 mL of 1 mg/mL" in client.get(url).content.decode()
    client.post(url, rx_form(today, form="drops", strength="0.5", dose_mg="1.5"))
    rx = Prescription.objects.filter(patient=patient).latest("id")
    assert rx.meaning == "1.5 mg = 3 drops of 0.5 mg per drop"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"form": "capsule", "strength": "2"}, "dose_mg", "not a whole number of capsules"),
        ({"form": "liquid", "strength": ""}, "strength", "mg in one mL"),
        ({"form": "liquid", "strength": "0"}, "strength", "more than 0"),
        ({"form": "liquid", "strength": "abc"}, "strength", "as a number"),
        ({"form": "spray"}, "form", "one of the forms"),
        ({"form": "liquid", "dose_mg": "0.75"}, "dose_mg", "not a whole number of mL"),
        ({"form": "liquid", "dose_mg": "4.555"}, "dose_mg", "2 decimal places"),
    ],
)
def test_a_prescription_that_cannot_be_measured_is_explained(
    client, clinician, patient, overrides, field, message
):
    login(client, clinician)
    before = Prescription.objects.count()
    response = client.post(
        f"/clinic/patients/{patient.pk}/prescription/", rx_form(patient.diary_today(), **overrides)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Prescription.objects.count() == before


def test_a_schedule_fills_in_the_steps_to_check_before_saving(client, clinician, patient):
    login(client, clinician)
    url = f"/clinic/patients/{patient.pk}/prescription/"
    today = patient.diary_today()
    data = rx_form(
        today, fill="1", **{"schedule-preset": "half", "schedule-first": today.isoformat()}
    )
    before = Prescription.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200 and Prescription.objects.count() == before
    steps = response.context["steps"]
    assert [f.initial["dose_mg"] for f in steps.forms[:8]] == [
        Decimal("0.5") * n for n in range(2, 10)
    ]
    assert response.context["form"].initial["dose_mg"] == Decimal("0.5")
    custom = rx_form(today, fill="1", **{
        "schedule-preset": "custom", "schedule-first": today.isoformat(),
        "schedule-start_mg": "1", "schedule-step_mg": "", "schedule-interval": "0",
        "schedule-target_mg": "0.5",
    })  # fmt: skip
    errors = client.post(url, custom).context["schedule"].errors
    assert set(errors) == {"step_mg", "interval", "target_mg"}


# --- The plan on Today, holds -------------------------------------------------------------


@pytest.fixture
def plan(patient):
    today = patient.diary_today()
    return [
        liquid(patient, mg="1", start=today - dt.timedelta(days=10)),
        liquid(patient, mg="2", start=today + dt.timedelta(days=4)),
        liquid(patient, mg="3", start=today + dt.timedelta(days=11)),
    ]


def test_today_and_settings_show_the_next_step_in_the_patients_unit(patient_client, plan):
    step = plan[1].start_date
    html = patient_client.get("/diary/").content.decode()
    assert f"Next step of your plan on {step:%a} {step.day} {step:%b}: 2 mg = 2 mL" in html
    settings = patient_client.get("/settings/").content.decode()
    assert "2 mg = 2 mL of 1 mg/mL" in settings and "3 mg = 3 mL of 1 mg/mL" in settings


def test_the_patient_holds_a_step_and_the_clinician_sees_why(
    patient_client, patient, plan, client, clinician
):
    response = patient_client.post(
        "/plan/", {"action": "hold", "days": "7", "reason": "Vivid dreams every night"}
    )
    assert response.status_code == 302
    active = list(
        patient.prescriptions.active()
        .filter(start_date__gte=plan[0].start_date)
        .order_by("start_date")
    )
    assert [rx.start_date for rx in active] == [
        plan[0].start_date,
        plan[1].start_date + dt.timedelta(days=7),
        plan[2].start_date + dt.timedelta(days=7),
    ]
    # The moved steps replace the old rows, which stay as history.
    assert (
        Prescription.objects.filter(
            pk__in=[plan[1].pk, plan[2].pk], replaced_at__isnull=False
        ).count()
        == 2
    )
    hold = DoseHold.objects.get(patient=patient)
    assert (hold.days, hold.reason, hold.held_by) == (7, "Vivid dreams every night", patient.user)
    alert = Alert.objects.get(patient=patient, kind="step_held")
    assert alert.priority == 2 and "Vivid dreams every night" in alert.text
    assert AuditEvent.objects.filter(action="hold_step", patient=patient).exists()
    login(client, clinician)
    assert (
        "Vivid dreams every night" in client.get(f"/clinic/patients/{patient.pk}/").content.decode()
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"days": "7", "reason": "   "}, "reason", "Say why"),
        ({"days": "7", "reason": "x" * 501}, "reason", "500 characters"),
        ({"days": "30", "reason": "dreams"}, "days", "3, 7 or 14"),
        ({"days": "", "reason": "dreams"}, "days", "how long"),
    ],
)
def test_a_hold_without_its_reason_or_length_is_explained(
    patient_client, patient, plan, data, field, message
):
    response = patient_client.post("/plan/", {"action": "hold", **data})
    assert response.status_code == 200
    assert message in " ".join(response.context["hold_form"].errors[field])
    assert not DoseHold.objects.exists()


def test_no_step_to_hold_says_so(patient_client, patient):
    liquid(patient)
    response = patient_client.post("/plan/", {"action": "hold", "days": "7", "reason": "dreams"})
    assert "no later step to hold" in response.content.decode()
    assert not DoseHold.objects.exists()


def test_the_clinician_holds_a_step_for_their_patient_only(
    client, clinician, other_clinician, patient, plan
):
    login(client, other_clinician)
    url = f"/clinic/patients/{patient.pk}/plan/"
    assert (
        client.post(url, {"action": "hold", "days": "3", "reason": "headache"}).status_code == 404
    )
    login(client, clinician)
    assert (
        client.post(url, {"action": "hold", "days": "3", "reason": "headache"}).status_code == 302
    )
    alert = Alert.objects.get(patient=patient, kind="step_held")
    assert clinician.display_name in alert.text


def test_a_dose_off_the_plan_three_days_running_alerts_the_clinician(patient_client, patient):
    liquid(patient, mg="2")
    today = patient.diary_today()
    for back in (2, 1, 0):
        patient_client.post("/diary/", measured(today - dt.timedelta(days=back), "3"))
    alert = Alert.objects.get(patient=patient, kind="off_plan")
    assert (alert.on, alert.until, alert.priority) == (today - dt.timedelta(days=2), today, 2)
    assert "3 mg taken instead of the planned 2 mg" in alert.text


# --- Supply --------------------------------------------------------------------------------


def test_a_supply_gives_a_run_out_date_on_the_record(patient_client, patient, client, clinician):
    liquid(patient, mg="1")
    today = patient.diary_today()
    response = patient_client.post("/plan/", {
        "action": "supply", "dispensed_on": today.isoformat(), "amount": "30",
        "pharmacy": "Riverside Compounding", "batch": "B-204", "filler": "calcium_carbonate",
    })  # fmt: skip
    assert response.status_code == 302
    supply = Dispensing.objects.get(patient=patient)
    assert (supply.amount, supply.unit, supply.strength_mg) == (Decimal(30), "ml", Decimal(1))
    page = patient_client.get("/plan/").content.decode()
    runs_out = today + dt.timedelta(days=30)
    assert f"Runs out about {runs_out:%A} {runs_out.day} {runs_out:%B}" in page
    assert "Calcium carbonate as a filler" in page
    login(client, clinician)
    record = client.get(f"/clinic/patients/{patient.pk}/").content.decode()
    assert f"Supply runs out about {runs_out.day} {runs_out:%b %Y}" in record
    assert "Calcium carbonate as a filler" in record


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": ""}, "amount", "how much"),
        ({"amount": "-1"}, "amount", "more than 0"),
        ({"amount": "1e9"}, "amount", "100,000"),
        ({"amount": "NaN"}, "amount", "as a number"),
        ({"dispensed_on": "2099-01-01"}, "dispensed_on", "hasn't happened"),
        ({"dispensed_on": "soon"}, "dispensed_on", "Enter a date"),
        ({"filler": "chalk"}, "filler", "one of the fillers"),
        ({"pharmacy": "x" * 201}, "pharmacy", "at most 200"),
    ],
)
def test_a_bad_supply_is_explained_and_saves_nothing(
    patient_client, patient, overrides, field, message
):
    liquid(patient)
    data = {"action": "supply", "dispensed_on": patient.diary_today().isoformat(),
            "amount": "30", "filler": "unknown", **overrides}  # fmt: skip
    response = patient_client.post("/plan/", data)
    assert response.status_code == 200
    assert message in " ".join(response.context["supply_form"].errors[field])
    assert not Dispensing.objects.exists()


def test_capsules_are_dispensed_whole(patient_client, patient):
    PrescriptionFactory(patient=patient, formulation="capsule", dose_unit="capsule",
                        strength_mg=Decimal("1.5"))  # fmt: skip
    data = {"action": "supply", "dispensed_on": patient.diary_today().isoformat(),
            "amount": "30.5", "filler": "unknown"}  # fmt: skip
    response = patient_client.post("/plan/", data)
    assert "whole number of capsules" in " ".join(response.context["supply_form"].errors["amount"])


def test_the_patient_is_reminded_a_week_before_the_supply_runs_out_once(patient, settings):
    from tracker.notifications.messages import compose
    from tracker.services import plan as plan_service

    liquid(patient, mg="1")
    today = patient.diary_today()
    Dispensing.objects.create(patient=patient, dispensed_on=today - dt.timedelta(days=25),
                              amount=Decimal(30), unit="ml", strength_mg=Decimal(1))  # fmt: skip
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=patient.zone)
    assert plan_service.queue_supply_reminders(noon) == 1
    assert plan_service.queue_supply_reminders(noon) == 0  # once per supply
    row = Notification.objects.get(kind="supply")
    assert row.for_date == today + dt.timedelta(days=5)  # 30 mL at 1 mL a day
    message = compose(row)
    assert "run out in about a week" in message.body
    assert not any(ch.isdigit() for ch in message.body.replace(message.url, ""))  # no values
    # A new bottle recorded meanwhile: the reminder is no longer needed.
    Dispensing.objects.create(patient=patient, dispensed_on=today, amount=Decimal(30),
                              unit="ml", strength_mg=Decimal(1))  # fmt: skip
    assert compose(row) is None


def test_no_supply_reminder_at_night_or_far_from_the_run_out(patient):
    from tracker.services import plan as plan_service

    liquid(patient, mg="1")
    today = patient.diary_today()
    Dispensing.objects.create(patient=patient, dispensed_on=today - dt.timedelta(days=20),
                              amount=Decimal(30), unit="ml", strength_mg=Decimal(1))  # fmt: skip
    night = dt.datetime.combine(today, dt.time(3), tzinfo=patient.zone)
    assert plan_service.queue_supply_reminders(night) == 0
    Dispensing.objects.create(patient=patient, dispensed_on=today, amount=Decimal(60),
                              unit="ml", strength_mg=Decimal(1))  # fmt: skip
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=patient.zone)
    assert plan_service.queue_supply_reminders(noon) == 0


def test_todays_queries_stay_constant_with_a_long_plan_and_many_supplies(
    patient_client, patient, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    liquid(patient)
    with CaptureQueriesContext(connection) as few:
        patient_client.get("/diary/")
    today = patient.diary_today()
    for n in range(20):
        liquid(patient, mg=str(1 + n * 0.25), start=today + dt.timedelta(days=7 * (n + 1)))
    Dispensing.objects.bulk_create(
        Dispensing(patient=patient, dispensed_on=today - dt.timedelta(days=n), amount=Decimal(30),
                   unit="ml", strength_mg=Decimal(1))
        for n in range(50)
    )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        assert patient_client.get("/diary/").status_code == 200
    assert len(many) == len(few) <= 8


# --- Exports and import ----------------------------------------------------------------------


@pytest.fixture
def measured_patient(patient_client, patient):
    liquid(patient, mg="1.5", strength="0.5", start=patient.diary_today() - dt.timedelta(days=10))
    today = patient.diary_today()
    for back in range(3):
        patient_client.post("/diary/", measured(today - dt.timedelta(days=back), "3"))
    patient_client.post("/plan/", {
        "action": "supply", "dispensed_on": today.isoformat(), "amount": "60",
        "pharmacy": "Riverside", "batch": "B-7", "filler": "cellulose",
    })  # fmt: skip
    return patient


def test_the_csv_and_json_carry_the_measured_amount_and_unit(patient_client, measured_patient):
    csv_text = b"".join(patient_client.get("/export/diary.csv").streaming_content).decode()
    header, first, *_ = csv_text.splitlines()
    columns = header.split(",")
    row = dict(zip(columns, first.split(","), strict=True))
    assert (row["dose_amount"], row["dose_unit"], row["dose_mg"]) == ("3", "ml", "1.5")
    data = json.loads(b"".join(patient_client.get("/export/diary.json").streaming_content))
    day = data["diary"][-1]
    assert (day["dose_amount"], day["dose_unit"], day["dose_mg"]) == ("3", "ml", "1.5")
    assert {"dose_unit": "ml", "strength_mg": "0.5"}.items() <= data["prescriptions"][-1].items()
    assert data["dispensings"][0]["amount"] == "60" and data["dispensings"][0]["batch"] == "B-7"


def test_the_import_reproduces_the_measured_amounts_and_supplies(
    patient_client, measured_patient, clinic
):
    from tracker.exports.importing import import_patient

    data = json.loads(b"".join(patient_client.get("/export/diary.json").streaming_content))
    moved = import_patient(data, clinic=clinic, email="ada.moved@example.org")
    ours = list(measured_patient.entries.values_list("date", "dose_amount", "dose_unit", "dose_mg"))
    theirs = list(moved.entries.values_list("date", "dose_amount", "dose_unit", "dose_mg"))
    assert ours == theirs
    rx = moved.prescriptions.latest("start_date")
    assert (rx.formulation, rx.dose_unit, rx.strength_mg) == ("liquid", "ml", Decimal("0.5"))
    assert list(moved.dispensings.values_list("amount", "unit", "batch")) == [
        (Decimal(60), "ml", "B-7")
    ]


@pytest.fixture
def fhir_bundle(client, clinician, measured_patient):
    login(client, clinician)
    response = client.get(f"/clinic/patients/{measured_patient.pk}/fhir.json")
    return b"".join(response.streaming_content).decode()


def test_fhir_carries_the_dose_form_strength_measured_amount_and_dispense(fhir_bundle):
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate_json(fhir_bundle)  # R4B, by an independent library
    resources = [e["resource"] for e in json.loads(fhir_bundle)["entry"]]
    request = [r for r in resources if r["resourceType"] == "MedicationRequest"][-1]
    medication = request["contained"][0]
    assert request["medicationReference"] == {"reference": "#med"}
    assert medication["form"]["coding"] == [
        {"system": "http://snomed.info/sct", "code": "385023001", "display": "Oral solution"}
    ]
    strength = medication["ingredient"][0]["strength"]
    assert strength["numerator"]["value"] == 0.5 and strength["denominator"]["code"] == "mL"
    given = [r for r in resources if r["resourceType"] == "MedicationAdministration"][-1]
    assert given["dosage"]["dose"]["code"] == "mg" and given["dosage"]["dose"]["value"] == 1.5
    extension = given["dosage"]["extension"][0]
    assert extension["url"].endswith("/StructureDefinition/measured-amount")
    assert {"value": 3, "code": "mL"}.items() <= extension["valueQuantity"].items()
    dispense = next(r for r in resources if r["resourceType"] == "MedicationDispense")
    assert dispense["quantity"]["value"] == 60 and dispense["status"] == "completed"
    assert dispense["contained"][0]["batch"] == {"lotNumber": "B-7"}


def test_the_bundle_validates_with_the_offline_npm_validators(fhir_bundle):
    from .fhir_validation import validate_r4

    result = validate_r4(fhir_bundle)
    assert result["schema"] == [], result["schema"][:5]
    assert result["fhirjs"] == [], result["fhirjs"][:5]
