"""What reaches clinicians outside the app (SPEC §10, issue 10): an email soon after an
urgent alert, a morning digest of reviews due; neither names a patient or a value."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import time_machine
from django.core import mail

from tracker.models import Alert, Notification
from tracker.services import clinical, clinician_notices

from .factories import diary_until_review, login, valid_form_data

LONDON = zoneinfo.ZoneInfo("Europe/London")


def test_an_opioid_entry_emails_the_clinician_without_patient_data(
    patient_client, patient, clinician, django_capture_on_commit_callbacks
):
    day = patient.diary_today()
    with django_capture_on_commit_callbacks(execute=True):
        patient_client.post(
            "/diary/", valid_form_data(day, opioid_taken="yes", opioid_name="tramadol", pain="8")
        )
    (email,) = mail.outbox
    assert email.to == [clinician.email]
    assert "An urgent alert needs your attention in LDN Tracker" in email.body
    assert "/clinic/" in email.body
    text = re.sub(r"https?://\S+", "", (email.subject + email.body).lower())
    for private in ("ada", "tramadol", "opioid", "pain", "8", patient.user.last_name.lower()):
        assert private not in text, private
    assert Notification.objects.get().status == "sent"


def test_saving_the_same_day_again_sends_no_second_email(
    patient_client, patient, django_capture_on_commit_callbacks
):
    day = patient.diary_today()
    with django_capture_on_commit_callbacks(execute=True):
        patient_client.post("/diary/", valid_form_data(day, liver_signs="yes"))
        patient_client.post(
            "/diary/", valid_form_data(day, liver_signs="yes", pain="4", version="1")
        )
    assert len(mail.outbox) == 1


def test_a_clinician_on_the_digest_only_gets_no_immediate_email(
    patient_client, patient, clinician, django_capture_on_commit_callbacks
):
    clinician.urgent_alert_emails = False
    clinician.save()
    with django_capture_on_commit_callbacks(execute=True):
        patient_client.post("/diary/", valid_form_data(patient.diary_today(), liver_signs="yes"))
    assert not mail.outbox
    assert Alert.objects.filter(kind="liver").exists()


def test_an_alert_acknowledged_before_sending_is_not_emailed(
    patient_client, patient, clinician, django_capture_on_commit_callbacks
):
    patient_client.post("/diary/", valid_form_data(patient.diary_today(), liver_signs="yes"))
    row = Notification.objects.get()  # queued; the worker has not run yet
    clinical.acknowledge_alert(alert=Alert.objects.get(), by=clinician)
    from tracker.notifications import outbox as notifications

    assert notifications.deliver(row.pk) == "cancelled"
    assert not mail.outbox


def test_alerts_raised_without_a_save_are_announced_by_the_sweep(
    patient, clinician, django_capture_on_commit_callbacks
):
    Alert.objects.create(patient=patient, kind="liver", priority=0, on=patient.diary_today())
    with django_capture_on_commit_callbacks(execute=True):
        assert clinician_notices.announce_missed() == 1
        assert clinician_notices.announce_missed() == 0
    assert len(mail.outbox) == 1


def test_the_morning_digest_counts_reviews_due(
    patient, clinician, django_capture_on_commit_callbacks
):
    diary_until_review(patient)  # the 6-week review falls due today
    today = patient.diary_today()
    seven = dt.datetime.combine(today, dt.time(7, 5), tzinfo=LONDON)
    with time_machine.travel(seven, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert clinician_notices.queue_digests() == 1
        assert clinician_notices.queue_digests() == 0  # the same morning: once
    (email,) = mail.outbox
    assert email.to == [clinician.email]
    assert "1 review is due in LDN Tracker. 1 fell due since yesterday." in email.body
    assert patient.user.first_name not in email.body


def test_no_digest_when_there_is_nothing_in_it(clinician, django_capture_on_commit_callbacks):
    seven = dt.datetime(2026, 11, 18, 7, 5, tzinfo=LONDON)
    with time_machine.travel(seven, tick=False), django_capture_on_commit_callbacks(execute=True):
        clinician_notices.queue_digests()
    assert not mail.outbox
    assert Notification.objects.get().status == "cancelled"


def test_digests_wait_for_each_clinics_morning(
    clinician, clinic, django_capture_on_commit_callbacks
):
    clinic.time_zone = "America/New_York"
    clinic.save()
    london_seven = dt.datetime(2026, 11, 18, 7, 5, tzinfo=LONDON)
    with time_machine.travel(london_seven, tick=False):
        assert clinician_notices.queue_digests() == 0  # 02:05 in New York
    with time_machine.travel(london_seven + dt.timedelta(hours=5), tick=False):
        assert clinician_notices.queue_digests() == 1


def test_the_admin_sees_what_was_sent_but_not_what_it_said(
    client, clinic_admin, patient_client, patient, foreign_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        patient_client.post("/diary/", valid_form_data(patient.diary_today(), liver_signs="yes"))
    login(client, clinic_admin)
    page = client.get("/clinic-admin/sends/").content.decode()
    assert "Urgent alert" in page and "Sent" in page
    assert patient.clinician.display_name in page  # who it went to
    assert "An urgent alert needs your attention" not in page  # what it said is not kept
    login(client, foreign_admin)
    assert "Urgent alert" not in client.get("/clinic-admin/sends/").content.decode()
