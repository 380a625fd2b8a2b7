"""How a message reaches someone: by email now, by push to the phone with Web Push. A
channel takes a composed message and an address; it raises when delivery failed, and the
caller (services/notifications.py) retries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.core.mail import EmailMessage

from .models import Notification


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
