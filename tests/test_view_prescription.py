"""Prescriptions and titration plans; the patient's Today prefill follows them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tracker.models import AuditEvent, Prescription

from .factories import login


def form(day, **overrides):
    data = {
        "dose_mg": "3.0",
        "start_date": day.isoformat(),
        "timing": "bedtime",
        "usual_time": "21:30",
        "formulation": "capsule",
        "concentration": "",
        "step-TOTAL_FORMS": "4",
        "step-INITIAL_FORMS": "0",
        "step-MIN_NUM_FORMS": "0",
        "step-MAX_NUM_FORMS": "8",
    }
    data.update(overrides)
    return data


def test_a_new_dose_is_prefilled_on_the_patients_today(client, clinician, patient):
    login(client, clinician)
    today = patient.diary_today()
    response = client.post(f"/clinic/patients/{patient.pk}/prescription/", form(today))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="change_prescription", patient=patient).exists()
    client.force_login(patient.user)
    initial = client.get("/diary/").context["form"].initial
    assert (initial["dose_mg"], initial["time_taken"]) == (Decimal("3.0"), dt.time(21, 30))


def test_a_titration_plan_is_followed_step_by_step(client, clinician, patient):
    login(client, clinician)
    today = patient.diary_today()
    steps = {
        "step-0-start_date": (today + dt.timedelta(days=7)).isoformat(),
        "step-0-dose_mg": "3.0",
        "step-1-start_date": (today + dt.timedelta(days=14)).isoformat(),
        "step-1-dose_mg": "4.5",
    }
    client.post(f"/clinic/patients/{patient.pk}/prescription/", form(today, dose_mg="1.5", **steps))
    rx = Prescription.objects.filter(patient=patient)
    assert rx.current_on(today).dose_mg == Decimal("1.5")
    assert rx.current_on(today + dt.timedelta(days=8)).dose_mg == Decimal("3.0")
    assert rx.current_on(today + dt.timedelta(days=30)).dose_mg == Decimal("4.5")


def test_a_new_plan_replaces_steps_not_yet_started_and_keeps_the_history(
    client, clinician, patient
):
    login(client, clinician)
    today = patient.diary_today()
    later = {
        "step-0-start_date": (today + dt.timedelta(days=7)).isoformat(),
        "step-0-dose_mg": "6.0",
    }
    client.post(f"/clinic/patients/{patient.pk}/prescription/", form(today, **later))
    client.post(f"/clinic/patients/{patient.pk}/prescription/", form(today, dose_mg="2.0"))
    active = patient.prescriptions.active().order_by("start_date")
    assert list(active.values_list("dose_mg", flat=True)) == [Decimal("1.5"), Decimal("2.0")]
    # Nothing is deleted: the replaced 3.0 mg and 6.0 mg plan stays, marked replaced.
    replaced = patient.prescriptions.filter(replaced_at__isnull=False).order_by("start_date")
    assert list(replaced.values_list("dose_mg", flat=True)) == [Decimal("3.0"), Decimal("6.0")]
    assert patient.prescriptions.current_on(today + dt.timedelta(days=30)).dose_mg == Decimal("2.0")


def test_a_liquid_needs_its_concentration_and_shows_millilitres(client, clinician, patient):
    login(client, clinician)
    today = patient.diary_today()
    url = f"/clinic/patients/{patient.pk}/prescription/"
    response = client.post(url, form(today, formulation="liquid"))
    assert "concentration" in response.context["form"].errors
    client.post(url, form(today, formulation="liquid", dose_mg="4.5", concentration="1.5"))
    rx = patient.prescriptions.current_on(today)
    assert rx.dose_amount == Decimal("3.00")
    assert "3 mL of 1.5 mg/mL" in client.get(f"/clinic/patients/{patient.pk}/").content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"dose_mg": "0"}, "between 0.1 and 12.0 mg"),
        ({"dose_mg": "4.555"}, "2 decimal places"),
        ({"usual_time": "25:00"}, "Enter a time"),
        ({"timing": "noon"}, "Select a valid choice"),
        ({"start_date": "2000-01-01"}, "starts today or later"),
        ({"step-0-start_date": "2000-01-01", "step-0-dose_mg": "3.0"}, "after the first dose"),
        ({"step-0-dose_mg": "3.0"}, "Choose the date of this step"),
    ],
)
def test_bad_prescriptions_are_explained_and_change_nothing(
    client, clinician, patient, overrides, message
):
    login(client, clinician)
    before = list(Prescription.objects.values_list("id", "dose_mg"))
    response = client.post(
        f"/clinic/patients/{patient.pk}/prescription/", form(patient.diary_today(), **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(Prescription.objects.values_list("id", "dose_mg")) == before


def test_the_form_fills_in_the_planned_steps_and_says_what_saving_replaces(
    client, clinician, patient
):
    login(client, clinician)
    today = patient.diary_today()
    steps = {
        "step-0-start_date": (today + dt.timedelta(days=7)).isoformat(),
        "step-0-dose_mg": "3.0",
        "step-1-start_date": (today + dt.timedelta(days=14)).isoformat(),
        "step-1-dose_mg": "4.5",
    }
    client.post(f"/clinic/patients/{patient.pk}/prescription/", form(today, dose_mg="1.5", **steps))
    page = client.get(f"/clinic/patients/{patient.pk}/prescription/")
    planned = [(f["start_date"].value(), f["dose_mg"].value()) for f in page.context["steps"]]
    assert planned[:2] == [
        (today + dt.timedelta(days=7), Decimal("3.0")),
        (today + dt.timedelta(days=14), Decimal("4.5")),
    ]
    assert [rx.dose_mg for rx in page.context["replaces"]] == [
        Decimal("1.5"), Decimal("3.0"), Decimal("4.5"),
    ]  # fmt: skip
    html = page.content.decode()
    assert "Saving replaces what starts on or after" in html
    assert "4.5 mg at bedtime" in html

    # Saving the form as filled in keeps the plan as it was.
    data = form(today, dose_mg="1.5", **steps) | {"step-INITIAL_FORMS": "2"}
    client.post(f"/clinic/patients/{patient.pk}/prescription/", data)
    rx = Prescription.objects.filter(patient=patient)
    assert rx.current_on(today + dt.timedelta(days=30)).dose_mg == Decimal("4.5")
    assert rx.active().filter(start_date__gte=today).count() == 3


def test_nothing_is_replaced_by_a_prescription_after_all_the_others(client, clinician, patient):
    login(client, clinician)
    later = patient.diary_today() + dt.timedelta(days=3)
    page = client.post(f"/clinic/patients/{patient.pk}/prescription/", form(later, dose_mg="0.1x"))
    assert page.status_code == 200
    assert "Nothing is replaced" in page.content.decode()


@pytest.mark.parametrize("value", ["sNaN", "NaN", "-sNaN", "Infinity", "1e999999"])
def test_a_step_dose_that_is_not_a_number_is_refused_beside_its_field(
    client, clinician, patient, value
):
    """The plan's steps are filled in from what is planned (the formset's initial values):
    a not-a-number dose typed over one used to be compared with it, a 500 (issue 19)."""
    login(client, clinician)
    today = patient.diary_today()
    steps = {
        "step-0-start_date": (today + dt.timedelta(days=7)).isoformat(),
        "step-0-dose_mg": "3.0",
    }
    client.post(f"/clinic/patients/{patient.pk}/prescription/", form(today, dose_mg="1.5", **steps))
    before = Prescription.objects.count()
    data = form(today, dose_mg="1.5", **(steps | {"step-0-dose_mg": value})) | {
        "step-INITIAL_FORMS": "1"
    }
    response = client.post(f"/clinic/patients/{patient.pk}/prescription/", data)
    assert response.status_code == 200
    assert response.context["steps"].forms[0].errors["dose_mg"]
    assert Prescription.objects.count() == before
