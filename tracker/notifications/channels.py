"""How a message reaches someone: by email now, by push to the phone with Web Push. A
channel takes a composed message and an address; it raises when delivery failed, and the
caller (notifications/outbox.py) retries."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from ..models import Notification

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    url: str  # where the message's link (or a tap on the push) leads
    headers: dict[str, str] = field(default_factory=dict)


class Channel(Protocol):
    def send(self, notification: Notification, message: Message) -> None: ...


class EmailChannel:
    def send(self, notification: Notification, message: Message) -> None:
        address = notification.email or (
            notification.recipient.email if notification.recipient else ""
        )
        if not address:
            raise ValueError("no address to send to")
        EmailMessage(
            subject=message.subject, body=message.body, to=[address], headers=message.headers
        ).send()


CHANNELS: dict[str, Channel] = {"email": EmailChannel()}


def channel(name: str) -> Channel:
    return CHANNELS[name]


def vapid_public_key() -> str:
    """The key a browser subscribes with (applicationServerKey), base64url."""
    import base64

    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = _vapid().public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def vapid_private_key() -> str:
    """The server's VAPID key: the setting, or on a developer's machine one made on first
    use and kept in VAPID_DEV_KEY_FILE; "" when push is not offered."""
    if settings.VAPID_PRIVATE_KEY:
        return str(settings.VAPID_PRIVATE_KEY)
    path = settings.VAPID_DEV_KEY_FILE
    if path is None:
        return ""
    if not path.exists():
        from py_vapid import Vapid

        made = Vapid()
        made.generate_keys()
        path.write_bytes(made.private_pem())
    return str(path.read_text())


def _vapid():  # type: ignore[no-untyped-def]
    from py_vapid import Vapid

    key = vapid_private_key()
    return Vapid.from_pem(key.encode()) if "BEGIN" in key else Vapid.from_raw(key.encode())


class PushChannel:
    """Web Push to each of the recipient's phones. A subscription the push service says is
    gone (404, 410) is removed; with none left, the message goes by email instead, so a
    reminder is never lost for want of a phone."""

    def send(self, notification: Notification, message: Message) -> None:
        from pywebpush import WebPushException, webpush

        from ..models import PushSubscription

        user = notification.recipient
        devices = (
            list(PushSubscription.objects.filter(user=user)) if user and vapid_private_key() else []
        )
        payload = json.dumps(
            {"title": message.subject, "body": _first_line(message.body), "url": message.url}
        )
        delivered = 0
        for device in devices:
            try:
                webpush(
                    {
                        "endpoint": device.endpoint,
                        "keys": {"p256dh": device.p256dh, "auth": device.auth},
                    },
                    payload,
                    vapid_private_key=_vapid(),
                    vapid_claims={"sub": settings.VAPID_SUBJECT},
                    ttl=12 * 3600,
                    timeout=10,
                )
            except WebPushException as error:
                status = getattr(error.response, "status_code", None)
                if status in (404, 410):
                    device.delete()
                    log.info(
                        "push subscription gone", extra={"event": "push_gone", "device": device.pk}
                    )
                    continue
                raise
            delivered += 1
            PushSubscription.objects.filter(pk=device.pk).update(last_sent_at=timezone.now())
        if not delivered:
            EmailChannel().send(notification, message)


def _first_line(body: str) -> str:
    """The message's words for a notification: the paragraph after the greeting."""
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip() and "://" not in p]
    return paragraphs[1] if len(paragraphs) > 1 else (paragraphs[0] if paragraphs else "")


CHANNELS["push"] = PushChannel()
