"""Reminders to log the diary (SPEC §10): off until the patient says yes (asked once on
Today), at the local time they chose, never for a day already logged, never holding a
health value. After 3 unanswered days the reminder says so once, then stays daily (its
words: notifications/messages.py)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .. import audit
from ..models import AuditAction, Notification, Patient, SendKind, diary_date_at
from ..notifications.outbox import queue_many


@transaction.atomic
def choose(
    *,
    patient: Patient,
    on: bool,
    at: dt.time | None = None,
    channel: str = "email",
    ip: str | None = None,
) -> None:
    """The patient's answer: reminders on or off, when, and how (audited, issue 19)."""
    patient.reminders = on
    patient.reminders_asked = True
    if at is not None:
        patient.reminder_time = at
    patient.reminder_channel = channel
    patient.save(
        update_fields=["reminders", "reminders_asked", "reminder_time", "reminder_channel"]
    )
    audit.record(actor=patient.user, action=AuditAction.CHANGE_REMINDERS, patient=patient, ip=ip)


@transaction.atomic
def stop(patient: Patient, ip: str | None = None) -> None:
    """The stop link in a reminder: reminders off, audited as the patient's own change."""
    Patient.objects.filter(pk=patient.pk).update(reminders=False, reminders_asked=True)
    audit.record(actor=patient.user, action=AuditAction.CHANGE_REMINDERS, patient=patient, ip=ip)


def queue_due(now: dt.datetime | None = None) -> int:
    """Write a row for every reminder whose time has come and whose day is not logged yet,
    and queue their sending. Safe to run as often and as many times at once as you like:
    there is one row per patient per diary day."""
    now = now or timezone.now()
    wanting = Patient.objects.filter(reminders=True, user__is_active=True)
    queued = 0
    for zone, boundary in wanting.values_list("time_zone", "day_boundary").distinct():
        local = now.astimezone(zoneinfo.ZoneInfo(zone))
        day = diary_date_at(local, boundary)
        if local.date() == day:  # the evening side of the day: times from the boundary on
            window = Q(reminder_time__gte=boundary, reminder_time__lte=local.time())
        else:  # after midnight, before the boundary: the diary day is still yesterday's
            window = Q(reminder_time__gte=boundary) | Q(reminder_time__lte=local.time())
        due = (
            wanting.filter(window, time_zone=zone, day_boundary=boundary)
            .exclude(entries__date=day)
            .exclude(
                Exists(
                    Notification.objects.filter(
                        recipient=OuterRef("user"), kind=SendKind.REMINDER, for_date=day
                    )
                )
            )
            .values_list("pk", "user_id", "user__clinic_id", "reminder_channel")
        )
        queued += queue_many(
            [
                Notification(
                    kind=SendKind.REMINDER,
                    key=f"{pk}:{day.isoformat()}",
                    recipient_id=user,
                    clinic_id=clinic,
                    channel=channel,
                    for_date=day,
                )
                for pk, user, clinic, channel in due
            ]
        )
    return queued
