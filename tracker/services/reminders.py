"""Reminders to log the diary (SPEC §10): off until the patient says yes (asked once on
Today), at the local time they chose, never for a day already logged, never holding a
health value. After 3 unanswered days the reminder says so once, then stays daily."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit
from ..channels import Message
from ..models import (
    AuditAction,
    DailyEntry,
    Notification,
    Patient,
    SendKind,
    SendStatus,
    diary_date_at,
)
from .notifications import link, queue_many

STOP_SALT = "ldn-reminders-stop"
QUIET_DAYS = 3


@transaction.atomic
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


def stop_token(patient: Patient) -> str:
    return signing.dumps(patient.pk, salt=STOP_SALT)


def patient_for(token: str) -> Patient | None:
    """The patient a stop link was made for (signed: it cannot be made up or changed)."""
    try:
        pk = signing.loads(token, salt=STOP_SALT)
    except signing.BadSignature:
        return None
    return Patient.objects.filter(pk=pk).first()


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


def compose(row: Notification) -> Message | None:
    user, day = row.recipient, row.for_date
    patient = Patient.objects.filter(user=user).select_related("summary").first()
    if patient is None or day is None or not patient.reminders or not user.is_active:  # type: ignore[union-attr]
        return None
    if DailyEntry.objects.filter(patient=patient, date=day).exists():
        return None  # logged meanwhile: nothing to remind of
    stop_url = link(reverse("reminders_stop", args=[stop_token(patient)]))
    url = link(reverse("diary"))
    context = {
        "name": user.first_name or _("there"),  # type: ignore[union-attr]
        "url": url,
        "stop_url": stop_url,
        "quiet_days": QUIET_DAYS if _quiet_for_three_days(patient, day) else 0,
    }
    return Message(
        subject=_("LDN Tracker: time for today's diary"),
        body=render_to_string("emails/reminder.txt", context),
        url=url,
        headers={
            "List-Unsubscribe": f"<{stop_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _quiet_for_three_days(patient: Patient, day: dt.date) -> bool:
    """The 3 days before `day` were reminded and not logged, and the day before them was:
    said once, on the 4th reminder; the reminders after it stay plain."""
    last = patient.summary.last_entry  # type: ignore[attr-defined]
    if last is None or (day - last).days != QUIET_DAYS + 1:
        return False
    reminded = Notification.objects.filter(
        kind=SendKind.REMINDER,
        recipient=patient.user,
        status=SendStatus.SENT,
        for_date__range=(day - dt.timedelta(days=QUIET_DAYS), day - dt.timedelta(days=1)),
    ).count()
    return reminded == QUIET_DAYS
