"""Reminders to log the diary (SPEC §10, issue 10), with the clock pinned."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.core import mail

from tracker.models import Notification, Patient
from tracker.notifications import links
from tracker.notifications import outbox as notifications
from tracker.services import reminders

from .factories import EntryFactory, login

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def reminded(patient) -> Patient:
    """Ada wants a reminder at 21:00, London time."""
    reminders.choose(patient=patient, on=True, at=dt.time(21, 0))
    return patient


def every_five_minutes(first: dt.datetime, last: dt.datetime, capture) -> None:  # type: ignore[no-untyped-def]
    """The scheduler's runs between two instants, each sending what it queued."""
    at = first
    while at <= last:
        with time_machine.travel(at, tick=False), capture(execute=True):
            reminders.queue_due()
        at += dt.timedelta(minutes=5)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 3, 28), dt.date(2026, 3, 29),  # the clocks go forward on the 29th
        dt.date(2026, 10, 24), dt.date(2026, 10, 25),  # and back on the 25th
    ],
)  # fmt: skip
def test_the_reminder_is_sent_once_at_21_local_across_daylight_saving(
    reminded, day, django_capture_on_commit_callbacks
):
    every_five_minutes(
        local(day, 18), local(day + dt.timedelta(days=1), 3, 55), django_capture_on_commit_callbacks
    )
    (sent,) = Notification.objects.filter(kind="reminder")
    assert sent.status == "sent" and sent.for_date == day
    assert sent.sent_at.astimezone(LONDON).time() == dt.time(21, 0)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ada@example.org"]


def test_none_before_the_chosen_time(reminded, django_capture_on_commit_callbacks):
    day = dt.date(2026, 11, 18)
    every_five_minutes(local(day, 4), local(day, 20, 55), django_capture_on_commit_callbacks)
    assert not Notification.objects.exists() and not mail.outbox


def test_none_on_a_day_already_logged(reminded, django_capture_on_commit_callbacks):
    day = dt.date(2026, 11, 18)
    with time_machine.travel(local(day, 12), tick=False):
        EntryFactory(patient=reminded, date=day)
    every_five_minutes(local(day, 20), local(day, 23), django_capture_on_commit_callbacks)
    assert not Notification.objects.exists() and not mail.outbox


def test_a_day_logged_after_queueing_but_before_sending_is_not_reminded(
    reminded, django_capture_on_commit_callbacks
):
    day = dt.date(2026, 11, 18)
    with time_machine.travel(local(day, 21, 1), tick=False):
        reminders.queue_due()  # queued; the worker is slow today
        EntryFactory(patient=reminded, date=day)
        row = Notification.objects.get()
        notifications.deliver(row.pk)
    row.refresh_from_db()
    assert row.status == "cancelled" and not mail.outbox


def test_none_when_reminders_are_off(patient, django_capture_on_commit_callbacks):
    day = dt.date(2026, 11, 18)
    every_five_minutes(local(day, 20), local(day, 23), django_capture_on_commit_callbacks)
    assert not Notification.objects.exists()


def test_a_reminder_after_midnight_is_for_the_day_that_has_not_ended(
    reminded, django_capture_on_commit_callbacks
):
    """A 01:30 reminder belongs to the diary day before the 04:00 boundary."""
    reminders.choose(patient=reminded, on=True, at=dt.time(1, 30))
    every_five_minutes(
        local(dt.date(2026, 11, 19), 1),
        local(dt.date(2026, 11, 19), 2),
        django_capture_on_commit_callbacks,
    )
    assert Notification.objects.get().for_date == dt.date(2026, 11, 18)


def test_the_reminder_holds_no_health_value_and_a_stop_link(
    reminded, django_capture_on_commit_callbacks
):
    day = dt.date(2026, 11, 18)
    with time_machine.travel(local(day - dt.timedelta(days=1), 12), tick=False):
        EntryFactory(
            patient=reminded,
            date=day - dt.timedelta(days=1),
            pain=7,
            mood=3,
            opioid_taken=True,
            opioid_name="tramadol",
        )
    every_five_minutes(local(day, 21), local(day, 21), django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    text = f"{message.subject}\n{message.body}".lower()
    words = re.sub(r"https?://\S+", "", text)  # the links are not what the patient reads
    for word in ("pain", "mood", "tramadol", "opioid", "mg", "dose", "7", "3", "sleep"):
        assert word not in words, word
    assert "/diary/" in message.body
    stop = re.search(r"(/reminders/stop/\S+/)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{stop}>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_three_unanswered_days_are_said_once_then_reminders_stay_plain(
    reminded, django_capture_on_commit_callbacks
):
    first = dt.date(2026, 11, 10)
    with time_machine.travel(local(first, 12), tick=False):
        EntryFactory(patient=reminded, date=first)  # then nothing for 5 days
    for n in range(1, 6):
        day = first + dt.timedelta(days=n)
        every_five_minutes(local(day, 21), local(day, 21), django_capture_on_commit_callbacks)
    bodies = [m.body for m in mail.outbox]
    assert len(bodies) == 5
    said = ["no entry for 3 days" in body for body in bodies]
    assert said == [False, False, False, True, False]


def test_two_schedulers_at_once_queue_one_reminder(reminded, django_capture_on_commit_callbacks):
    at = local(dt.date(2026, 11, 18), 21, 2)
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        first = reminders.queue_due()
        second = reminders.queue_due()
    assert (first, second) == (1, 0)
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_a_repeated_delivery_sends_nothing_twice(reminded, django_capture_on_commit_callbacks):
    with time_machine.travel(local(dt.date(2026, 11, 18), 21, 2), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            reminders.queue_due()
        row = Notification.objects.get()
        assert notifications.deliver(row.pk) == "sent"  # again: already sent
    assert len(mail.outbox) == 1


# --- Choosing, on Today and in Settings ------------------------------------------------


def test_today_asks_once(patient_client, patient):
    assert "Would you like a daily reminder?" in patient_client.get("/diary/").content.decode()
    patient_client.post("/settings/reminders/", {"from": "today", "reminders": "no"})
    assert "Would you like a daily reminder?" not in patient_client.get("/diary/").content.decode()
    patient.refresh_from_db()
    assert (patient.reminders, patient.reminders_asked) == (False, True)


def test_saying_yes_on_today_with_htmx_swaps_the_question_for_the_answer(patient_client, patient):
    response = patient_client.post(
        "/settings/reminders/",
        {"from": "today", "reminders": "yes", "reminder_time": "20:30"},
        headers={"HX-Request": "true"},
    )
    assert "Reminders are on, at 20:30" in response.content.decode()
    patient.refresh_from_db()
    assert (patient.reminders, patient.reminder_time) == (True, dt.time(20, 30))


@pytest.mark.parametrize("bad", ["25:00", "21:61", "evening", "-1", "9" * 40, "21:00:00:00"])
def test_a_malformed_time_is_refused_with_a_message(patient_client, patient, bad):
    response = patient_client.post(
        "/settings/reminders/", {"reminders": "yes", "reminder_time": bad}
    )
    assert response.status_code == 200
    assert "Enter a time as HH:MM" in response.content.decode()
    patient.refresh_from_db()
    assert not patient.reminders and not patient.reminders_asked


def test_yes_without_a_time_asks_for_one(patient_client, patient):
    response = patient_client.post(
        "/settings/reminders/", {"reminders": "yes", "reminder_time": ""}
    )
    assert "Choose the time of your reminder" in response.content.decode()


def test_settings_show_and_change_the_reminder(patient_client, patient):
    page = patient_client.get("/settings/").content.decode()
    for link in (
        "/accounts/password/change/",
        "/accounts/email/",
        "/accounts/2fa/",
        "/accounts/sessions/",
    ):
        assert link in page
    patient_client.post("/settings/reminders/", {"reminders": "yes", "reminder_time": "07:15"})
    patient.refresh_from_db()
    assert (patient.reminders, patient.reminder_time) == (True, dt.time(7, 15))


# --- Stopping from the email, without signing in -----------------------------------------


def test_the_stop_link_asks_then_stops_without_signing_in(client, reminded):
    path = f"/reminders/stop/{links.stop_token(reminded)}/"
    assert "Stop diary reminders?" in client.get(path).content.decode()
    reminded.refresh_from_db()
    assert reminded.reminders  # opening the link (or a mail scanner) changes nothing
    assert "Reminders are off" in client.post(path).content.decode()
    reminded.refresh_from_db()
    assert not reminded.reminders


def test_a_mail_apps_one_click_post_stops_them(client, reminded):
    path = f"/reminders/stop/{links.stop_token(reminded)}/"
    client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    reminded.refresh_from_db()
    assert not reminded.reminders


def test_a_made_up_stop_link_does_nothing(client, reminded, other_patient):
    forged = links.stop_token(reminded)[:-4] + "abcd"
    assert client.post(f"/reminders/stop/{forged}/").status_code == 404
    reminded.refresh_from_db()
    assert reminded.reminders


def test_staff_can_choose_the_digest_only(client, clinician):
    login(client, clinician)
    assert "Only the daily digest" in client.get("/settings/").content.decode()
    client.post("/settings/notifications/", {"urgent_alert_emails": "no"})
    clinician.refresh_from_db()
    assert not clinician.urgent_alert_emails
