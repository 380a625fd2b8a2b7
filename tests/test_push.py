"""Push reminders (SPEC §10–11, issue 12): Web Push with the server's VAPID key, one
subscription per phone, removed when the push service says it is gone."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core import mail

from tracker.models import Notification, PushSubscription
from tracker.services import reminders

from .factories import login
from .push_service import Phone, PushService


@pytest.fixture
def push_service():
    service = PushService()
    yield service
    service.close()


def subscribe(client, endpoint: str, phone: Phone):  # type: ignore[no-untyped-def]
    body = {"endpoint": endpoint, "keys": {"p256dh": phone.p256dh, "auth": phone.auth.hex()}}
    from .push_service import b64

    body["keys"]["auth"] = b64(phone.auth)
    return client.post("/push/subscribe/", json.dumps(body), content_type="application/json")


def remind_now(patient, capture):  # type: ignore[no-untyped-def]
    reminders.choose(patient=patient, on=True, at=dt.time(21, 0), channel="push")
    at = dt.datetime(2026, 11, 18, 21, 1, tzinfo=patient.zone)
    with time_machine.travel(at, tick=False), capture(execute=True):
        reminders.queue_due()


def test_a_phone_subscribes_and_gets_the_reminder_encrypted_and_signed(
    patient_client, patient, push_service, django_capture_on_commit_callbacks
):
    phone = Phone()
    response = subscribe(patient_client, push_service.endpoint("ada"), phone)
    assert response.json() == {"subscribed": True, "devices": 1}
    remind_now(patient, django_capture_on_commit_callbacks)
    ((path, headers, body),) = push_service.received
    assert path == "/push/ada"
    headers = {k.lower(): v for k, v in headers.items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["authorization"].startswith("vapid t=")  # signed with the server's key
    message = json.loads(phone.read(body))  # only this phone can read it
    assert message["url"].endswith("/diary/")
    assert "diary" in message["body"].lower()
    for private in ("pain", "mood", "mg", "opioid"):
        assert private not in json.dumps(message).lower()
    assert not mail.outbox  # it went to the phone
    assert Notification.objects.get().status == "sent"


def test_a_subscription_the_push_service_says_is_gone_is_removed_and_email_steps_in(
    patient_client, patient, push_service, django_capture_on_commit_callbacks
):
    subscribe(patient_client, push_service.endpoint("old-phone"), Phone())
    push_service.answer = 410
    remind_now(patient, django_capture_on_commit_callbacks)
    assert not PushSubscription.objects.exists()
    assert len(mail.outbox) == 1  # the reminder still arrived
    assert Notification.objects.get().status == "sent"


def test_each_phone_is_its_own_subscription(
    patient_client, patient, push_service, django_capture_on_commit_callbacks
):
    subscribe(patient_client, push_service.endpoint("phone"), Phone())
    subscribe(patient_client, push_service.endpoint("tablet"), Phone())
    remind_now(patient, django_capture_on_commit_callbacks)
    assert sorted(path for path, _, _ in push_service.received) == ["/push/phone", "/push/tablet"]


def test_subscribing_is_for_the_signed_in_patient_only(
    client, patient, other_patient, push_service
):
    login(client, other_patient.user)
    subscribe(client, push_service.endpoint("ben"), Phone())
    assert PushSubscription.objects.get().user == other_patient.user
    # Someone who knows Ben's endpoint can neither take it over nor remove it (issue 19);
    # signing out clears the phone's subscription, so the next account makes its own.
    login(client, patient.user)
    taken = subscribe(client, push_service.endpoint("ben"), Phone())
    assert taken.status_code == 409 and "another account" in taken.json()["error"]
    gone = client.post(
        "/push/unsubscribe/",
        json.dumps({"endpoint": push_service.endpoint("ben")}),
        content_type="application/json",
    )
    assert gone.status_code == 200
    assert PushSubscription.objects.get().user == other_patient.user


# Not a request of either kind: not JSON, too deep, not an object, no usable endpoint.
BROKEN = [
    "",
    "not json",
    "[]",
    '{"keys": {}}',
    json.dumps({"endpoint": "e" * 2000, "keys": {"p256dh": "a", "auth": "b"}}),
    "[" * 100_000 + "]" * 100_000,  # nested past Python's recursion limit
    json.dumps({"endpoint": "https://push.example/\x00a", "keys": {"p256dh": "a", "auth": "b"}}),
    json.dumps({"endpoint": ["https://push.example/a"], "keys": {"p256dh": "a", "auth": "b"}}),
    b"\xff\xfe not utf-8",
]
# And not a subscription: the endpoint alone, or keys that cannot be stored.
NOT_A_SUBSCRIPTION = [
    '{"endpoint": "x"}',
    json.dumps({"endpoint": "https://push.example/a", "keys": {"p256dh": "a\x00", "auth": "b"}}),
    json.dumps({"endpoint": "https://push.example/a", "keys": "p256dh"}),
]


@pytest.mark.parametrize(
    ("path", "body"),
    [("/push/subscribe/", b) for b in BROKEN + NOT_A_SUBSCRIPTION]
    + [("/push/unsubscribe/", b) for b in BROKEN],
)
def test_a_malformed_request_is_refused_with_a_json_400(patient_client, path, body):
    response = patient_client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_unsubscribing_removes_this_phone_only(patient_client, patient, push_service):
    subscribe(patient_client, push_service.endpoint("phone"), Phone())
    subscribe(patient_client, push_service.endpoint("tablet"), Phone())
    patient_client.post(
        "/push/unsubscribe/",
        json.dumps({"endpoint": push_service.endpoint("phone")}),
        content_type="application/json",
    )
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        push_service.endpoint("tablet")
    ]


def test_settings_offer_push_with_the_servers_public_key(patient_client):
    from tracker.notifications.channels import vapid_public_key

    page = patient_client.get("/settings/").content.decode()
    assert f'data-key="{vapid_public_key()}"' in page
    assert "To my phone (push)" in page
