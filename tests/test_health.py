"""`/health/` watches the background (issue 19): the scheduler's and the workers' heartbeats
and the oldest unsent message, "degraded" (503) when the scheduler is silent; the reasons
for a failure only for the operator's token."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tracker.models import Heartbeat, Notification

from .test_errors import database_down


@pytest.fixture
def queued(settings):
    settings.TASKS_BACKEND = "database"  # a scheduler and workers to watch
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def beat(name: str, ago: dt.timedelta) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now() - ago})


def test_fresh_heartbeats_are_ok(client, db, queued):
    beat("scheduler", dt.timedelta(seconds=5))
    beat("worker", dt.timedelta(seconds=40))
    response = client.get("/health/")
    assert response.status_code == 200
    found = response.json()
    assert (found["status"], found["scheduler"], found["workers"]) == ("ok", "ok", "ok")
    assert found["heartbeats"]["scheduler"] is not None


def test_a_silent_scheduler_makes_health_degraded(client, db, queued):
    beat("scheduler", dt.timedelta(minutes=3))  # the shortest interval is 2 minutes
    beat("worker", dt.timedelta(seconds=30))
    response = client.get("/health/")
    assert response.status_code == 503
    found = response.json()
    assert found["status"] == "degraded"
    assert found["scheduler"] == "degraded: silent for 3 min"
    # The web itself still serves: the load balancer's probe says so.
    assert client.get("/health/?probe=web").status_code == 200


def test_a_scheduler_never_seen_and_no_worker_are_reported(client, db, queued):
    found = client.get("/health/").json()
    assert found["scheduler"] == "degraded: never seen"
    assert found["workers"] == "degraded: never seen"


def test_the_oldest_unsent_message_is_reported_and_an_overdue_one_degrades(
    client, db, queued, clinician
):
    beat("scheduler", dt.timedelta(seconds=1))
    beat("worker", dt.timedelta(seconds=1))
    long_ago = timezone.now() - dt.timedelta(minutes=30)
    Notification.objects.create(
        kind="digest", key="stuck", recipient=clinician, created_at=long_ago,
        next_attempt_at=long_ago,
    )  # fmt: skip
    found = client.get("/health/").json()
    assert found["oldest_unsent"] == long_ago.isoformat()
    assert found["outbox"] == "degraded: messages overdue"


def test_why_a_part_failed_is_only_for_the_operator(db, settings):
    settings.HEALTH_TOKEN = "operator-secret"
    with database_down():
        anyone = Client(raise_request_exception=False).get("/health/")
        operator = Client(raise_request_exception=False).get(
            "/health/", headers={"Authorization": "Bearer operator-secret"}
        )
        wrong = Client(raise_request_exception=False).get("/health/?token=guess")
    assert anyone.status_code == operator.status_code == 503
    assert anyone.json()["database"] == "down" == wrong.json()["database"]
    assert operator.json()["database"].startswith("down: ")
