"""Validated questionnaires through the client (SPEC §14, issue 22): the bundle set at
enrolment, answering one screen at a time, revisions and double taps, PHQ-9 item 9, the
licences and the crisis text, the record, the review, the exports and the outcomes."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine

from tracker.models import (
    Alert,
    AuditEvent,
    ClinicLicence,
    Notification,
    PatientInstrument,
    QuestionnaireAnswer,
)

from .factories import PatientFactory, diary_until_review, login

URL = "/questionnaires/phq-9/baseline/"


def answer_all(client, key="phq-9", occasion="baseline", values=(1,) * 9, prefix="phq9"):
    url = f"/questionnaires/{key}/{occasion}/"
    for n, value in enumerate(values, 1):
        client.post(url, {"item": f"{prefix}-{n}", "value": str(value)})
    return client.post(url, {"action": "submit"})


def test_a_new_patient_gets_their_conditions_bundle(clinic, clinician):
    pain = PatientFactory(user__clinic=clinic, clinician=clinician, condition="crps")
    assert set(pain.instruments.values_list("instrument", "at_reviews")) == {
        ("phq-9", False), ("peg-3", True),
    }  # fmt: skip
    ClinicLicence.objects.create(clinic=clinic, instrument="fiqr", holder="Riverside")
    fibro = PatientFactory(user__clinic=clinic, clinician=clinician, condition="fibromyalgia")
    assert set(fibro.instruments.values_list("instrument", flat=True)) == {"phq-9", "fiqr"}


def test_enrolled_after_midnight_before_the_day_boundary_the_baseline_opens_at_once(
    clinic, clinician, client
):
    """At 01:30 in London the diary day is still yesterday: enrolled then, the patient
    answers their baseline there and then (was dated tomorrow: a 404 until 04:00)."""
    with time_machine.travel(dt.datetime(2026, 12, 3, 1, 30, tzinfo=dt.UTC), tick=False):
        late = PatientFactory(user__clinic=clinic, clinician=clinician)
        assert late.enrolled_on == dt.date(2026, 12, 2) == late.diary_today()
        login(client, late.user)
        assert client.get(URL).status_code == 200


def test_today_shows_the_baseline_questionnaire_due(patient_client, patient):
    html = patient_client.get("/diary/").content.decode()
    assert "2 questionnaires are due" in html  # PHQ-9 for everyone, PEG-3 for the pain
    assert URL in html and "/questionnaires/peg-3/baseline/" in html


def test_a_phq9_is_answered_a_screen_at_a_time_and_scored(patient_client, patient):
    first = patient_client.get(URL)
    assert first.context["position"] == 1 and "Question 1 of 9" in first.content.decode()
    response = patient_client.post(URL, {"item": "phq9-1", "value": "2"})
    assert response.status_code == 302 and response["Location"].endswith("?item=2")
    # Resumable: a fresh open goes to the first question not answered yet.
    assert patient_client.get(URL).context["position"] == 2
    for n in range(2, 10):
        patient_client.post(URL, {"item": f"phq9-{n}", "value": "1" if n < 9 else "0"})
    assert patient_client.get(URL).context["item"] is None  # the send screen
    assert patient_client.post(URL, {"action": "submit"}).status_code == 302
    row = QuestionnaireAnswer.objects.get(patient=patient)
    assert (row.status, row.score, row.band) == ("completed", Decimal(9), "mild")
    assert AuditEvent.objects.filter(action="answer_questionnaire", patient=patient).exists()
    today = patient_client.get("/diary/").content.decode()
    assert URL not in today and "A questionnaire is due" in today  # PEG-3 still is


def test_a_double_tap_is_one_answer_and_a_re_answer_is_a_revision(patient_client, patient):
    answer_all(patient_client)
    answer_all(patient_client)  # the same taps again: nothing changes
    row = QuestionnaireAnswer.objects.get(patient=patient)
    assert (row.version, row.revisions) == (1, [])
    patient_client.post(URL, {"item": "phq9-1", "value": "3"})
    patient_client.post(URL, {"action": "submit"})
    row.refresh_from_db()
    assert (row.version, row.score, row.status) == (2, Decimal(11), "completed")
    assert row.revisions[0]["answers"]["phq9-1"] == 1 and row.revisions[0]["score"] == "9.00"
    assert QuestionnaireAnswer.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "status"),
    [({"item": "phq9-1", "value": "7"}, 400), ({"item": "phq9-99", "value": "1"}, 400),
     ({"item": "phq9-1", "value": "x"}, 400), ({"item": "phq9-1"}, 400)],
)  # fmt: skip
def test_an_answer_that_is_not_an_option_is_refused(patient_client, patient, data, status):
    response = patient_client.post(URL, data)
    assert response.status_code == status
    assert "Choose one of the answers" in response.content.decode()
    assert not QuestionnaireAnswer.objects.filter(answers__has_key="phq9-1").exists()


def test_a_questionnaire_not_open_or_not_real_is_not_found(patient_client, patient):
    assert patient_client.get("/questionnaires/gad-7/baseline/").status_code == 404  # not theirs
    assert patient_client.get("/questionnaires/nope/baseline/").status_code == 404
    assert patient_client.get("/questionnaires/phq-9/review-1-1/").status_code == 404


def test_item_nine_raises_an_urgent_alert_at_once_and_shows_the_crisis_text(
    patient_client, patient, clinic
):
    response = patient_client.post(URL, {"item": "phq9-9", "value": "1"}, follow=True)
    html = response.content.decode()
    assert "Help now" in html and "emergency" in html
    alert = Alert.objects.get(patient=patient, kind="self_harm")
    assert alert.priority == 0 and alert.acknowledged_at is None
    patient.summary.refresh_from_db()
    assert patient.summary.urgent_alerts == 1
    sent = Notification.objects.get(kind="urgent_alert", alert=alert)
    from tracker.notifications.messages import compose

    body = compose(sent).body
    assert "PHQ" not in body and "self" not in body.lower()  # no health values in the email
    # Answering it again (a double tap) raises nothing more; the clinic's own text shows.
    clinic.crisis_text = "Call the Riverside crisis team on 0100 000 000."
    clinic.save()
    again = patient_client.post(URL, {"item": "phq9-9", "value": "1"}, follow=True)
    assert "Riverside crisis team" in again.content.decode()
    assert Alert.objects.filter(patient=patient, kind="self_harm").count() == 1


def test_the_clinician_chooses_the_patients_questionnaires(
    client, clinician, patient, other_clinician
):
    url = f"/clinic/patients/{patient.pk}/questionnaires/"
    login(client, other_clinician)
    assert client.get(url).status_code == 404
    login(client, clinician)
    page = client.get(url).content.decode()
    assert "GAD-7" in page and "FIQR" not in page  # no licence recorded yet
    client.post(url, {"use-gad-7": "1", "every-gad-7": "4", "use-phq-9": "1", "every-phq-9": "0"})
    assert dict(patient.instruments.values_list("instrument", "every_weeks")) == {
        "gad-7": 4, "phq-9": 0,
    }  # fmt: skip
    bad = client.post(url, {"use-gad-7": "1", "every-gad-7": "3"})
    assert bad.status_code == 400 and "every 2 weeks" in bad.content.decode()


def test_the_clinic_admin_records_a_licence_and_the_crisis_text(client, clinic_admin, clinic):
    login(client, clinic_admin)
    url = "/clinic-admin/questionnaires/"
    assert (
        client.post(url, {"action": "licence", "instrument": "fiqr", "holder": ""}).status_code
        == 400
    )
    assert (
        client.post(url, {"action": "licence", "instrument": "phq-9", "holder": "x"}).status_code
        == 400
    )
    client.post(url, {"action": "licence", "instrument": "fiqr", "holder": "Dr Okafor, licence 77"})
    licence = ClinicLicence.objects.get(clinic=clinic, instrument="fiqr")
    assert (licence.holder, licence.recorded_by) == ("Dr Okafor, licence 77", clinic_admin)
    assert AuditEvent.objects.filter(action="record_licence").exists()
    client.post(url, {"action": "crisis", "crisis_text": "Ring 999, then us."})
    clinic.refresh_from_db()
    assert clinic.crisis_words == "Ring 999, then us."
    assert "Held by Dr Okafor" in client.get(url).content.decode()


def test_the_review_point_asks_its_bundle_and_the_record_shows_the_change(
    client, clinician, patient
):
    patient.instruments.filter(instrument="phq-9").update(at_reviews=True)
    client.force_login(patient.user)
    answer_all(client, values=(2,) * 9)  # baseline 18: moderately severe
    diary_until_review(patient)
    occasion = "review-1-1"
    assert client.get(f"/questionnaires/phq-9/{occasion}/").status_code == 200
    answer_all(client, occasion=occasion, values=(1,) * 9)  # 9: 9 points better
    login(client, clinician)
    record = client.get(f"/clinic/patients/{patient.pk}/").content.decode()
    assert "meaningful change" in record and "moderately severe" in record
    assert '<svg class="score-chart"' in record
    summary = client.get(f"/clinic/patients/{patient.pk}/summary/").content.decode()
    assert "a meaningful change" in summary
    client.post(f"/clinic/patients/{patient.pk}/review/",
                {"point": "1", "outcome": "continue", "note": "", "next_week": "12"})  # fmt: skip
    snapshot = patient.reviews.get().snapshot
    assert snapshot["questionnaires"][0] | {} == {
        "instrument": "phq-9", "occasion": occasion, "score": "9.00", "band": "mild",
        "change": "-9.00", "meaningful": True,
    }  # fmt: skip


def test_the_exports_carry_the_questionnaires(client, clinician, patient):
    client.force_login(patient.user)
    answer_all(client, values=(1, 1, 1, 1, 1, 1, 1, 1, 0))
    csv_text = b"".join(client.get("/export/questionnaires.csv").streaming_content).decode()
    header, row = csv_text.splitlines()
    assert header.startswith("instrument,occasion") and row.startswith("phq-9,baseline,")
    assert ",8,mild,1," in row and "phq9-9=0" in row
    data = json.loads(b"".join(client.get("/export/diary.json").streaming_content))
    (answer,) = data["questionnaires"]
    assert (answer["instrument"], answer["score"], answer["answers"]["phq9-1"]) == ("phq-9", "8", 1)
    login(client, clinician)
    bundle = b"".join(client.get(f"/clinic/patients/{patient.pk}/fhir.json").streaming_content)
    from fhir.resources.R4B.bundle import Bundle

    from .fhir_validation import validate_r4

    Bundle.model_validate_json(bundle)
    result = validate_r4(bundle.decode())
    assert result["schema"] == [] and result["fhirjs"] == [], result
    resources = [e["resource"] for e in json.loads(bundle)["entry"]]
    questionnaire = next(r for r in resources if r["resourceType"] == "Questionnaire")
    response = next(r for r in resources if r.get("questionnaire") == questionnaire["url"])
    assert len(response["item"]) == 9
    assert response["item"][0]["answer"][0]["valueCoding"]["code"] == "LA6569-3"
    score = next(r for r in resources if r["resourceType"] == "Observation"
                 and r["code"]["coding"][0]["code"] == "44261-6")  # fmt: skip
    assert score["valueQuantity"]["value"] == 8
    assert score["derivedFrom"] == [{"reference": f"urn:uuid:{response['id']}"}]


def test_the_import_keeps_the_answers(client, patient, clinic):
    from tracker.exports.importing import import_patient

    client.force_login(patient.user)
    answer_all(client)
    data = json.loads(b"".join(client.get("/export/diary.json").streaming_content))
    moved = import_patient(data, clinic=clinic, email="moved@example.org")
    assert list(moved.questionnaire_answers.values_list("instrument", "occasion", "score")) == [
        ("phq-9", "baseline", Decimal(9))
    ]


def test_the_diary_reminder_says_a_questionnaire_waits_without_naming_it(patient):
    from tracker.models import SendKind
    from tracker.notifications.messages import compose

    patient.reminders = True
    patient.save()
    row = Notification.objects.create(kind=SendKind.REMINDER, key="r1", recipient=patient.user,
                                      for_date=patient.diary_today())  # fmt: skip
    body = compose(row).body
    assert "questionnaire from your clinic is waiting" in body and "PHQ" not in body


def test_nothing_is_due_while_stopped(patient_client, patient):
    from tracker.models import TreatmentStop
    from tracker.services.status import refresh_patient

    diary_until_review(patient)
    TreatmentStop.objects.create(patient=patient, on=patient.diary_today(), reason="patient",
                                 reported_by=patient.user)  # fmt: skip
    refresh_patient(patient)
    assert patient_client.get(URL).status_code == 404
    assert "A questionnaire is due" not in patient_client.get("/diary/").content.decode()


def test_the_record_and_outcomes_stay_within_budget_with_many_answers(
    client, clinician, patient, django_assert_max_num_queries
):
    today = patient.diary_today()
    keys = ["phq-9", "gad-7", "peg-3", "dsq-pem", "fss"]
    PatientInstrument.objects.bulk_create(
        [PatientInstrument(patient=patient, instrument=k) for k in keys], ignore_conflicts=True
    )
    QuestionnaireAnswer.objects.bulk_create(
        QuestionnaireAnswer(patient=patient, instrument=k, occasion=f"week-1-{n}",
                            due_on=today - dt.timedelta(days=n), status="completed",
                            score=Decimal(n), completed_at=dt.datetime.now(dt.UTC),
                            completed_on=today - dt.timedelta(days=n))
        for k in keys for n in range(10)
    )  # fmt: skip
    login(client, clinician)
    with django_assert_max_num_queries(17):
        assert client.get(f"/clinic/patients/{patient.pk}/").status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get("/clinic/outcomes/").status_code == 200


def test_patients_enrolled_before_the_questionnaires_get_their_bundle(clinic, clinician):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("tracker.migrations.0025_bundles_for_existing_patients")
    anxious = PatientFactory(user__clinic=clinic, clinician=clinician, condition="anxiety")
    low = PatientFactory(user__clinic=clinic, clinician=clinician, condition="depression")
    PatientInstrument.objects.all().delete()  # as they were before the questionnaires
    migration.bundles(apps, None)
    assert set(anxious.instruments.values_list("instrument", "at_reviews")) == {
        ("phq-9", False), ("gad-7", True),
    }  # fmt: skip
    assert list(low.instruments.values_list("instrument", "at_reviews")) == [("phq-9", True)]
    migration.bundles(apps, None)  # twice is once
    assert PatientInstrument.objects.count() == 3
