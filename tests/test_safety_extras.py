"""The sources' safety advice (SPEC §13, issue 13): the enrolment questions on the first
sign-in, the advice after stopping, the emergency card. Through the client, as Ada (the
patient) and Dr Okafor (her clinician) use them."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tracker.alerts.rule import Priority
from tracker.models import Alert, AuditEvent, Notification, Patient

from .factories import diary_until_review, login


@pytest.fixture
def new_patient(patient):
    """Ada before she has answered the enrolment questions."""
    Patient.objects.filter(pk=patient.pk).update(
        enrolment_answered_on=None, takes_opioids=None, pregnancy=""
    )
    patient.refresh_from_db()
    return patient


def test_the_first_sign_in_asks_the_enrolment_questions_first(client, new_patient):
    client.force_login(new_patient.user)
    assert client.get("/")["Location"] == "/enrolment/"
    page = client.get("/enrolment/").content.decode()
    assert "Do you take any opioid pain medicine?" in page
    assert "Are you pregnant or breastfeeding?" in page


def test_once_answered_the_patient_goes_straight_to_today(patient_client):
    assert patient_client.get("/")["Location"] == "/diary/"


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"pregnancy": "no"}, "takes_opioids", "Choose yes or no."),
        ({"takes_opioids": "no"}, "pregnancy", "Choose one."),
        ({"takes_opioids": "maybe", "pregnancy": "no"}, "takes_opioids", ""),
        ({"takes_opioids": "no", "pregnancy": "perhaps"}, "pregnancy", "Choose one."),
        ({"takes_opioids": "no", "pregnancy": "no", "medicines": "x" * 2001}, "medicines",
         "2,000 characters"),
    ],
)  # fmt: skip
def test_an_incomplete_answer_is_refused_next_to_its_field_and_saves_nothing(
    client, new_patient, post, field, message
):
    client.force_login(new_patient.user)
    response = client.post("/enrolment/", post)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    new_patient.refresh_from_db()
    assert new_patient.enrolment_answered_on is None
    assert not Alert.objects.filter(patient=new_patient).exists()


def test_an_opioid_at_enrolment_raises_the_urgent_alert_and_emails_the_clinician(
    client, new_patient, clinician, django_capture_on_commit_callbacks
):
    client.force_login(new_patient.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/enrolment/",
            {"takes_opioids": "yes", "pregnancy": "no", "medicines": "codeine 30 mg"},
        )
    assert response["Location"] == "/diary/"
    alert = Alert.objects.get(patient=new_patient)
    assert (alert.kind, alert.priority) == ("opioid", Priority.URGENT)
    (email,) = mail.outbox
    assert email.to == [clinician.email]
    assert "codeine" not in (email.subject + email.body).lower()
    assert AuditEvent.objects.filter(action="answer_enrolment", patient=new_patient).exists()

    # Answering again (from Settings) raises no second alert.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/enrolment/", {"takes_opioids": "yes", "pregnancy": "no"})
    assert Alert.objects.filter(patient=new_patient).count() == 1
    assert len(mail.outbox) == 1


def test_the_record_shows_pregnancy_and_opioids_as_to_discuss(client, new_patient, clinician):
    client.force_login(new_patient.user)
    client.post("/enrolment/", {"takes_opioids": "yes", "pregnancy": "yes", "medicines": ""})
    login(client, clinician)
    page = client.get(f"/clinic/patients/{new_patient.pk}/").content.decode()
    assert "Pregnant or breastfeeding:</strong> discuss" in page
    assert "Takes an opioid:</strong> discuss" in page


def test_no_opioid_and_no_pregnancy_raise_nothing(client, new_patient, clinician):
    client.force_login(new_patient.user)
    client.post("/enrolment/", {"takes_opioids": "no", "pregnancy": "na"})
    assert not Alert.objects.filter(patient=new_patient).exists()
    login(client, clinician)
    page = client.get(f"/clinic/patients/{new_patient.pk}/").content.decode()
    assert "discuss (little data on LDN)" not in page


def _stop(client, patient, clinician, capture):
    diary_until_review(patient)
    login(client, clinician)
    page = client.get(f"/clinic/patients/{patient.pk}/review/")
    point = page.context["form"]["point"].value()
    with capture(execute=True):
        response = client.post(
            f"/clinic/patients/{patient.pk}/review/",
            {"point": point, "outcome": "stop", "note": "", "next_week": ""},
        )
    assert response.status_code == 302, response.context["form"].errors
    client.logout()


def test_stopping_tells_the_patient_about_opioid_sensitivity_by_email_and_on_today(
    client, patient, clinician, django_capture_on_commit_callbacks
):
    _stop(client, patient, clinician, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(kind="stop_advice", recipient=patient.user).count() == 1
    (email,) = [m for m in mail.outbox if m.to == [patient.user.email]]
    assert "more sensitive to opioids" in email.body
    text = re.sub(r"https?://\S+", "", email.body)
    assert not re.search(r"\d", text)  # no dose, score or date: no health values in a message

    client.force_login(patient.user)
    today = client.get("/diary/").content.decode()
    assert "Important, now that LDN is stopped" in today
    assert client.post("/stop-advice/read/")["Location"] == "/diary/"
    assert "Important, now that LDN is stopped" not in client.get("/diary/").content.decode()
    assert AuditEvent.objects.filter(action="read_stop_advice", patient=patient).count() == 1
    # A second "read" changes nothing and records nothing more.
    client.post("/stop-advice/read/")
    assert AuditEvent.objects.filter(action="read_stop_advice", patient=patient).count() == 1


def test_continuing_sends_no_stop_advice(
    client, patient, clinician, django_capture_on_commit_callbacks
):
    diary_until_review(patient)
    login(client, clinician)
    point = client.get(f"/clinic/patients/{patient.pk}/review/").context["form"]["point"].value()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/clinic/patients/{patient.pk}/review/",
            {"point": point, "outcome": "continue", "note": "", "next_week": "12"},
        )
    assert not [m for m in mail.outbox if m.to == [patient.user.email]]
    client.force_login(patient.user)
    assert "now that LDN is stopped" not in client.get("/diary/").content.decode()


def test_the_emergency_card_names_the_medicine_the_dose_and_the_clinic(patient_client, patient):
    clinic = patient.user.clinic
    clinic.contact = "01632 960 123"
    clinic.save()
    page = patient_client.get("/card/").content.decode()
    assert "naltrexone" in page.lower()
    assert "1.5 mg" in page
    assert "01632 960 123" in page
    assert patient.user.get_full_name() in page
    assert "opioid" in page.lower()  # the warning the card exists for


def test_settings_link_to_the_card_and_the_enrolment_answers(patient_client):
    page = patient_client.get("/settings/").content.decode()
    assert 'href="/card/"' in page and 'href="/enrolment/"' in page
