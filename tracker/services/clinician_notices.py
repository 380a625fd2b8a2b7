"""What reaches clinicians outside the app (SPEC §10): an email within minutes of an urgent
alert for one of their patients (unless they chose the daily digest only), and a morning
digest of reviews due. Neither names a patient or a health value: they say there is
something to see, and link to sign in."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..alerts.rule import Priority
from ..models import Alert, Clinic, Notification, Patient, SendKind, User
from ..notifications.outbox import queue, queue_many

DIGEST_HOUR = 7  # the clinic's local morning
RECENT = dt.timedelta(days=2)  # an older alert is history, not news


def _unannounced_urgent_alerts():  # type: ignore[no-untyped-def]
    announced = Notification.objects.filter(kind=SendKind.URGENT_ALERT, alert=OuterRef("pk"))
    return (
        Alert.objects.open()
        .filter(
            priority=Priority.URGENT,
            raised_at__gte=timezone.now() - RECENT,
            patient__clinician__isnull=False,
            patient__clinician__is_active=True,
            patient__clinician__urgent_alert_emails=True,
        )
        .exclude(Exists(announced))
    )


def announce_urgent(patient: Patient) -> int:
    """Queue an email to the patient's clinician for each new urgent alert of theirs; in the
    transaction that raised the alerts, so they are sent once it commits."""
    fresh = _unannounced_urgent_alerts().filter(patient=patient).select_related("patient__user")
    count = 0
    for alert in fresh:
        if _announce(alert):
            count += 1
    return count


def announce_missed() -> int:
    """The same for every patient: alerts raised by the nightly run, or whose email was lost."""
    missed = _unannounced_urgent_alerts().select_related("patient__user")
    return sum(1 for alert in missed if _announce(alert))


def _announce(alert: Alert) -> bool:
    clinician_id = alert.patient.clinician_id
    row = queue(
        kind=SendKind.URGENT_ALERT,
        key=f"alert {alert.pk} to {clinician_id}",
        recipient_id=clinician_id,
        clinic_id=alert.patient.user.clinic_id,
        alert=alert,
    )
    return row is not None


def queue_digests(now: dt.datetime | None = None) -> int:
    """At each clinic's local morning, a digest for each of its clinicians (sent only when
    there is something in it)."""
    now = now or timezone.now()
    rows = []
    for clinic in Clinic.objects.all():
        local = now.astimezone(clinic.zone)
        if local.hour != DIGEST_HOUR:
            continue
        for clinician in User.objects.filter(
            clinic=clinic, role=User.Role.CLINICIAN, is_active=True
        ):
            rows.append(
                Notification(
                    kind=SendKind.DIGEST,
                    key=f"{clinician.pk}:{local.date().isoformat()}",
                    recipient=clinician,
                    clinic=clinic,
                    for_date=local.date(),
                )
            )
    return queue_many(rows)
