"""Treatment courses through the database (SPEC §4, issue 18): Ada (the patient) stops,
restarts and is asked about a gap; Dr Okafor (her clinician) records a stop at a review and
confirms the stop Ada reported; the panel, record, summary and exports show the courses."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tracker.models import (
    Alert,
    AuditEvent,
    ClinicalReview,
    DailyEntry,
    GapAnswer,
    Patient,
    PatientSummary,
    TreatmentStop,
)
from tracker.services.status import refresh_everyone, refresh_patient

from .factories import EntryFactory, diary_until_review, login, valid_form_data

DOSE_QUESTION = "Did you take your LDN dose?"


def fresh(patient):
    """Where the patient stands now, read again (a view changed the stored summary)."""
    return Patient.objects.get(pk=patient.pk).status()


def stop_at_review(client, clinician, patient, **extra):
    login(client, clinician)
    data = {"point": "1", "outcome": "stop", "note": "", "next_week": ""} | extra
    return client.post(f"/clinic/patients/{patient.pk}/review/", data)


def test_a_stop_at_the_review_ends_the_course_and_today_asks_no_dose(client, clinician, patient):
    diary_until_review(patient, days=41)  # the review day, today, not logged yet
    assert stop_at_review(client, clinician, patient).status_code == 302
    review = ClinicalReview.objects.get(patient=patient)
    assert review.next_week is None  # no next review point after stopping
    stop = TreatmentStop.objects.get(patient=patient)
    assert (stop.on, stop.reason, stop.review) == (patient.diary_today(), "review", review)
    evaluation = fresh(patient)
    assert evaluation.stopped and not evaluation.review_due

    client.force_login(patient.user)
    html = client.get("/diary/").content.decode()
    assert DOSE_QUESTION not in html
    assert "Week 7 on LDN" not in html and "review around" not in html
    assert "Stopped on" in html and "I have restarted LDN" in html
    assert "Important, now that LDN is stopped" in html  # the safety advice stays

    login(client, clinician)
    record = client.get(f"/clinic/patients/{patient.pk}/").content.decode()
    assert "Stopped on" in record and "week-13 review" not in record
    assert "LDN stopped: no next review." in record


def test_a_stop_date_in_the_future_or_before_a_logged_dose_is_refused(client, clinician, patient):
    diary_until_review(patient)
    today = patient.diary_today()
    for day, message in [
        (today + dt.timedelta(days=1), "hasn't happened yet"),
        (today - dt.timedelta(days=3), "the stop must be on or after that day"),
    ]:
        response = stop_at_review(client, clinician, patient, stop_on=day.isoformat())
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors["stop_on"])
    assert not ClinicalReview.objects.filter(patient=patient).exists()
    assert not TreatmentStop.objects.filter(patient=patient).exists()


def test_a_symptom_diary_is_kept_while_stopped_without_a_dose(client, clinician, patient):
    diary_until_review(patient, days=41)
    stop_at_review(client, clinician, patient)
    client.force_login(patient.user)
    tomorrow = patient.diary_today()
    data = valid_form_data(tomorrow, pain="4")
    for name in ("dose_taken", "dose_mg", "time_taken"):
        data.pop(name)
    assert client.post("/diary/", data).status_code == 302
    entry = DailyEntry.objects.get(patient=patient, date=tomorrow)
    assert (entry.pain, entry.dose_taken, entry.dose_mg) == (4, False, None)
    assert fresh(patient).stopped


def test_a_dose_logged_after_a_stop_starts_a_new_course(client, clinician, patient, _clock):
    diary_until_review(patient)
    stop_at_review(client, clinician, patient)
    _clock.shift(dt.timedelta(days=1))
    client.force_login(patient.user)
    assert client.post("/treatment/", {"action": "restart"}).status_code == 302
    assert DOSE_QUESTION in client.get("/diary/").content.decode()
    client.post("/diary/", valid_form_data(patient.diary_today()))
    evaluation = fresh(patient)
    assert (evaluation.course, evaluation.day, evaluation.stopped) == (2, 1, False)


def test_the_patient_reports_stopping_and_the_clinician_confirms(client, clinician, patient):
    diary_until_review(patient, days=20)
    today = patient.diary_today()
    client.force_login(patient.user)
    refused = client.post("/treatment/", {"action": "stop", "on": "2099-01-01"})
    assert "hasn't happened yet" in " ".join(refused.context["form"].errors["on"])
    assert not TreatmentStop.objects.exists()

    assert (
        client.post("/treatment/", {"action": "stop", "on": today.isoformat()}).status_code == 302
    )
    stop = TreatmentStop.objects.get(patient=patient)
    assert stop.reason == "patient" and not stop.confirmed
    alert = Alert.objects.get(patient=patient, kind="reported_stop")
    assert alert.acknowledged_at is None and "reports having stopped" in alert.text
    assert AuditEvent.objects.filter(action="report_stop", patient=patient).exists()

    login(client, clinician)
    record = client.get(f"/clinic/patients/{patient.pk}/").content.decode()
    assert "Confirm the stop" in record
    assert client.post(f"/clinic/stops/{stop.pk}/confirm/").status_code == 302
    stop.refresh_from_db()
    alert.refresh_from_db()
    assert stop.confirmed_by == clinician and alert.acknowledged_by == clinician
    still_open = Alert.objects.filter(patient=patient, acknowledged_at=None)
    assert "reported_stop" not in [a.kind for a in still_open]
    assert PatientSummary.objects.get(patient=patient).open_alerts == still_open.count()
    again = client.post(f"/clinic/stops/{stop.pk}/confirm/", follow=True)
    assert "already confirmed" in again.content.decode()


def test_another_clinicians_stop_cannot_be_confirmed(client, other_clinician, patient):
    stop = TreatmentStop.objects.create(
        patient=patient, on=patient.diary_today(), reason="patient", reported_by=patient.user
    )
    login(client, other_clinician)
    assert client.post(f"/clinic/stops/{stop.pk}/confirm/").status_code == 404
    stop.refresh_from_db()
    assert stop.confirmed_at is None


@pytest.fixture
def back_after_24_days(client, patient):
    """Ada logged doses until 25 days ago, then nothing: she opens Today again. Returns
    her last dose day."""
    today = patient.diary_today()
    DailyEntry.objects.bulk_create(
        EntryFactory.build(patient=patient, date=today - dt.timedelta(days=n))
        for n in range(25, 40)
    )
    refresh_patient(patient)
    client.force_login(patient.user)
    return today - dt.timedelta(days=25)


def test_today_first_asks_about_an_unlogged_gap_and_no_makes_it_a_lapse(
    client, patient, back_after_24_days
):
    html = client.get("/diary/").content.decode()
    assert "Did you keep taking LDN while you weren&#x27;t logging?" in html or (
        "Did you keep taking LDN while you weren't logging?" in html
    )
    last_dose = back_after_24_days
    bad = client.post("/treatment/gap/", {"after": last_dose.isoformat()}, follow=True)
    assert "Choose yes or no" in bad.content.decode()
    client.post("/treatment/gap/", {"after": last_dose.isoformat(), "kept_taking": "no"})
    assert GapAnswer.objects.get(patient=patient).kept_taking is False
    evaluation = fresh(patient)
    assert evaluation.stopped and evaluation.end_reason == "lapse"
    assert evaluation.stopped_on == last_dose
    assert DOSE_QUESTION not in client.get("/diary/").content.decode()


def test_answering_yes_keeps_the_course_going(client, patient, back_after_24_days):
    after = back_after_24_days.isoformat()
    client.post("/treatment/gap/", {"after": after, "kept_taking": "yes"})
    evaluation = fresh(patient)
    assert not evaluation.stopped and evaluation.gap_question is None
    assert DOSE_QUESTION in client.get("/diary/").content.decode()


def test_the_panel_has_a_stopped_filter_and_puts_stopped_patients_after_the_others(
    client, clinician, patient
):
    from .factories import PatientFactory

    diary_until_review(patient, days=10)
    TreatmentStop.objects.create(
        patient=patient, on=patient.diary_today(), reason="patient", reported_by=patient.user
    )
    Alert.objects.all().delete()
    refresh_patient(patient)
    Alert.objects.filter(kind="reported_stop").update(
        acknowledged_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), acknowledged_by=clinician
    )
    PatientSummary.objects.filter(patient=patient).update(open_alerts=0, urgent_alerts=0)
    still = PatientFactory(
        user__clinic=clinician.clinic, clinician=clinician, user__last_name="Zed"
    )
    EntryFactory(patient=still, date=still.diary_today())
    refresh_patient(still)
    login(client, clinician)
    rows = client.get("/clinic/").context["rows"]
    assert [r.patient for r in rows] == [still, patient]
    stopped = client.get("/clinic/?stopped=on").context["rows"]
    assert [r.patient for r in stopped] == [patient]
    assert "Stopped on" in client.get("/clinic/?stopped=on").content.decode()


def test_the_exports_show_the_courses_and_a_stopped_medication_request(client, clinician, patient):
    from fhir.resources.R4B.bundle import Bundle

    diary_until_review(patient)
    stop_at_review(client, clinician, patient)
    bundle = json.loads(
        b"".join(client.get(f"/clinic/patients/{patient.pk}/fhir.json").streaming_content)
    )
    Bundle.model_validate(bundle)
    requests = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "MedicationRequest"
    ]
    assert requests and all(r["status"] in ("stopped", "completed", "cancelled") for r in requests)
    assert any(
        r["status"] == "stopped" and "Stopped on" in r["statusReason"]["text"] for r in requests
    )

    client.force_login(patient.user)
    data = json.loads(b"".join(client.get("/export/diary.json").streaming_content))
    (course,) = data["courses"]
    assert (course["course"], course["end_reason"]) == (1, "review")
    assert data["stops"][0]["review"] == {"course": 1, "point": 1}
    assert data["reviews"][0]["next_week"] is None


def test_the_nightly_run_stops_a_course_that_lapsed_and_raises_no_not_logging(patient, _clock):
    today = patient.diary_today()
    rows = [
        EntryFactory.build(patient=patient, date=today - dt.timedelta(days=31 - n))
        for n in range(1, 11)
    ]
    rows += [
        EntryFactory.build(
            patient=patient, date=today - dt.timedelta(days=31 - n), dose_taken=False,
            dose_mg=None, time_taken=None,
        )
        for n in range(11, 32)
    ]  # fmt: skip
    DailyEntry.objects.bulk_create(rows)  # as if logged day by day, then the nightly run
    refresh_everyone()
    evaluation = fresh(patient)
    assert evaluation.stopped and evaluation.end_reason == "lapse"
    _clock.shift(dt.timedelta(days=6))
    refresh_everyone()
    assert not Alert.objects.filter(patient=patient, kind="not_logging").exists()


def test_outcomes_use_the_dose_on_the_review_day_and_count_stops_before_week_6(
    client, clinician, patient
):
    from tracker.outcomes import clinic_outcomes

    diary_until_review(patient, mg="1.5")
    today = patient.diary_today()
    # After the review day the dose rose to 3 mg: outcomes keep the 1.5 of the review day.
    for n in range(1, 9):
        EntryFactory(patient=patient, date=today + dt.timedelta(days=n), dose_mg=Decimal("3.0"))
    refresh_patient(patient, today + dt.timedelta(days=8))
    summary = PatientSummary.objects.get(patient=patient)
    assert (summary.dose_mg, summary.review_dose) == (Decimal("3.0"), Decimal("1.5"))
    found = clinic_outcomes(clinician.clinic, today + dt.timedelta(days=8))
    assert [g.name for g in found.points[0].by_dose] == ["1.5 mg"]
    # Another patient stopped on day 20: a share of their own at week 6.
    from .factories import PatientFactory

    other = PatientFactory(user__clinic=clinician.clinic, clinician=clinician)
    for n in range(20):
        EntryFactory(patient=other, date=today - dt.timedelta(days=40 - n))
    TreatmentStop.objects.create(
        patient=other, on=today - dt.timedelta(days=21), reason="patient", reported_by=other.user
    )
    refresh_patient(other)
    week6 = clinic_outcomes(clinician.clinic, today).points[0]
    shares = {s.verdict: s.count for s in week6.overall.shares}
    assert week6.overall.n == 2 and shares["stopped"] == 1
    assert "Stopped before week 6" in [s.label for s in week6.overall.shares]


def test_history_labels_each_course_and_the_days_off_ldn(client, patient):
    """After a stop and a restart, History counts the weeks of each course and shows the
    days between as off LDN, not as the baseline before the first dose."""
    today = patient.diary_today()
    rows = [
        EntryFactory.build(patient=patient, date=today - dt.timedelta(days=n))
        for n in range(30, 40)
    ]
    rows += [
        EntryFactory.build(
            patient=patient, date=today - dt.timedelta(days=n), dose_taken=False,
            dose_mg=None, time_taken=None,
        )
        for n in range(5, 30)
    ]  # fmt: skip
    rows += [
        EntryFactory.build(patient=patient, date=today - dt.timedelta(days=n)) for n in range(0, 5)
    ]
    DailyEntry.objects.bulk_create(rows)
    refresh_patient(patient)
    client.force_login(patient.user)
    html = client.get("/history/").content.decode()
    assert "course 2, wk 1" in html  # the restart 4 days ago
    assert "off LDN" in html and "Stopped" in html  # the lapse after day 30 ago
    assert "wk 2" in html  # the first course's second week, 30–33 days ago
