"""Sending on the queue (issue 10): retried with growing pauses, then "not delivered" where
the admin sees it; what a dead worker claimed is tried again; never a 500 to anyone."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from tracker.models import Invite, Notification
from tracker.notifications import channels
from tracker.notifications import outbox as notifications
from tracker.services import invites

from .factories import login


class Refusing:
    """An SMTP server that says no."""

    calls = 0

    def send(self, notification, message):  # type: ignore[no-untyped-def]
        Refusing.calls += 1
        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no")})


@pytest.fixture
def smtp_refuses(monkeypatch):
    Refusing.calls = 0
    monkeypatch.setitem(channels.CHANNELS, "email", Refusing())


def invite_someone(clinic, clinic_admin, capture) -> Invite:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        pending, _ = invites.invite(
            clinic=clinic, by=clinic_admin, email="new@example.org", role="clinician",
            first_name="New",
        )  # fmt: skip
    return pending


def test_an_invite_email_is_sent_from_the_queue(
    clinic, clinic_admin, django_capture_on_commit_callbacks
):
    pending = invite_someone(clinic, clinic_admin, django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.to == ["new@example.org"]
    row = Notification.objects.get(invite=pending)
    assert (row.kind, row.status, row.attempts) == ("invite", "sent", 1)


def test_the_queue_never_holds_a_link_that_works(
    clinic, clinic_admin, django_capture_on_commit_callbacks
):
    """The token is remade from a salt under the secret key; neither the database row nor
    the task's arguments hold it."""
    pending = invite_someone(clinic, clinic_admin, django_capture_on_commit_callbacks)
    token = pending.token()
    assert token in mail.outbox[0].body
    stored = " ".join(str(v) for v in Invite.objects.values().get().values())
    stored += " ".join(str(v) for v in Notification.objects.values().get().values())
    assert token not in stored


def test_a_refused_send_is_retried_with_growing_pauses_then_not_delivered(
    clinic, clinic_admin, smtp_refuses, django_capture_on_commit_callbacks
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        pending = invite_someone(clinic, clinic_admin, django_capture_on_commit_callbacks)
    row = Notification.objects.get(invite=pending)
    waits = []
    for _ in range(4):
        assert row.status == "pending" and row.error == "SMTPRecipientsRefused"
        waits.append(round((row.next_attempt_at - start).total_seconds()))
        start = row.next_attempt_at
        with time_machine.travel(start, tick=False):
            notifications.deliver(row.pk)
        row.refresh_from_db()
    assert waits == [60, 300, 1800, 7200]
    assert (row.status, row.attempts, Refusing.calls) == ("failed", 5, 5)


def test_not_delivered_shows_on_the_accounts_list_with_a_resend_button(
    client, clinic, clinic_admin, smtp_refuses, django_capture_on_commit_callbacks
):
    pending = invite_someone(clinic, clinic_admin, django_capture_on_commit_callbacks)
    Notification.objects.filter(invite=pending).update(status="failed")
    login(client, clinic_admin)
    page = client.get("/clinic-admin/").content.decode()
    assert "Email not delivered" in page
    assert f"/clinic-admin/invites/{pending.pk}/resend/" in page


def test_an_smtp_failure_is_never_a_500_to_the_admin(
    client, clinic_admin, clinician, smtp_refuses, django_capture_on_commit_callbacks
):
    login(client, clinic_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/clinic-admin/invite/",
            {
                "role": "clinician",
                "first_name": "Nia",
                "email": "nia@example.org",
                "primary_outcome": "pain",
            },
        )
    assert response.status_code == 302
    assert Notification.objects.get().status == "pending"  # it will be tried again


def test_a_queue_that_is_down_keeps_the_request_working_and_the_row_waiting(
    client, clinic_admin, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("the queue is unreachable")

    monkeypatch.setattr(notifications, "enqueue", down)
    login(client, clinic_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/clinic-admin/invite/",
            {
                "role": "clinician",
                "first_name": "Nia",
                "email": "nia@example.org",
                "primary_outcome": "pain",
            },
        )
    assert response.status_code == 302
    assert Notification.objects.get().status == "pending"
    monkeypatch.undo()
    later = timezone.now() + dt.timedelta(minutes=5)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert notifications.requeue_overdue() == 1
    assert Notification.objects.get().status == "sent"


def test_a_send_a_dead_worker_claimed_is_tried_again(
    clinic, clinic_admin, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=False):  # queued, no worker yet
        pending, _ = invites.invite(
            clinic=clinic,
            by=clinic_admin,
            email="new@example.org",
            role="clinician",
            first_name="N",
        )
    row = Notification.objects.get(invite=pending)
    claimed = timezone.now()
    Notification.objects.filter(pk=row.pk).update(status="sending", attempts=1, claimed_at=claimed)
    notifications.requeue_overdue()  # too soon to call it dead
    assert Notification.objects.get().status == "sending"
    later = claimed + dt.timedelta(seconds=settings.SEND_STALE_SECONDS + 60)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        notifications.requeue_overdue()
    assert Notification.objects.get().status == "sent" and len(mail.outbox) == 1


def test_a_password_reset_email_goes_through_the_queue(
    client, patient, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "ada@example.org"})
        client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    kinds = sorted(Notification.objects.values_list("kind", "status"))
    assert kinds == [("password_reset", "sent"), ("unknown_account", "sent")]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


# --- /health/ ----------------------------------------------------------------------------


def test_health_says_what_answers(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    found = response.json()
    parts = ("database", "cache", "queue", "scheduler", "workers", "outbox", "status")
    assert {k: found[k] for k in parts} == dict.fromkeys(parts, "ok")
    assert found["oldest_unsent"] is None
    assert "no-cache" in response["Cache-Control"]


def test_health_is_503_when_the_database_is_down(db):
    from .test_errors import database_down

    with database_down():
        response = Client(raise_request_exception=False).get("/health/")
    assert response.status_code == 503
    assert response.json()["database"].startswith("down")


def test_with_redis_down_pages_still_answer_and_health_says_so(client, patient, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "tracker.cache.RedisWithDatabaseFallback",
            "LOCATION": "redis://127.0.0.1:6399/0",  # nothing listens here
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    from django.core.management import call_command

    call_command("createcachetable", "ldn_cache")
    health = client.get("/health/")
    assert health.status_code == 503  # the web serves, but what Redis does is not done
    assert health.json()["cache"].startswith("degraded")
    assert health.json()["status"] == "degraded"
    assert client.get("/health/?probe=web").status_code == 200
    response = client.post(
        "/accounts/login/", {"login": "ada@example.org", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert client.get("/diary/").status_code == 200


def test_a_pending_invite_survives_a_secret_key_rotation(
    clinic, clinic_admin, settings, django_capture_on_commit_callbacks, client
):
    """The invite link is Django's signature: with the old key in SECRET_KEY_FALLBACKS, a
    message still waiting in the outbox is sent with the link that works (issue 20)."""
    with django_capture_on_commit_callbacks(execute=False):
        pending, token = invites.invite(
            clinic=clinic, by=clinic_admin, email="late@example.org", role="clinician",
            first_name="Late",
        )  # fmt: skip
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-" + "x" * 40
    notifications.deliver(Notification.objects.get(invite=pending).pk)
    (email,) = mail.outbox
    assert token in email.body
    assert client.get(f"/invite/{token}/").status_code == 200
    settings.SECRET_KEY_FALLBACKS = []  # the old key retired: the queued link cannot be remade
    assert Invite.objects.get(pk=pending.pk).current_token() is None
