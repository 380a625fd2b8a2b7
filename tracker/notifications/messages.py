"""Every message kind's words (SPEC §10), made at the moment of sending from the objects the
row names, never stored; None when the message is no longer needed (the day was logged, the
alert acknowledged, the invite used). No message names a health value."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..alerts.rule import Priority
from ..models import (
    Alert,
    DailyEntry,
    Notification,
    Patient,
    PatientSummary,
    SendKind,
    SendStatus,
)
from .channels import Message
from .links import link, stop_token

QUIET_DAYS = 3  # reminders unanswered this many days running: said once, then plain


def compose(row: Notification) -> Message | None:
    """The message for `row` as things stand now."""
    match row.kind:
        case SendKind.REMINDER:
            return reminder(row)
        case SendKind.URGENT_ALERT:
            return urgent_alert(row)
        case SendKind.DIGEST:
            return digest(row)
        case SendKind.INVITE:
            return invite(row)
        case SendKind.STOP_ADVICE:
            return stop_advice(row)
        case SendKind.SUPPLY:
            return supply_reminder(row)
        case SendKind.PASSWORD_RESET:
            return password_reset(row)
        case SendKind.UNKNOWN_ACCOUNT:
            return Message(
                subject=_("LDN Tracker: password reset"),
                body=render_to_string("emails/unknown_account.txt"),
                url=link("/"),
            )
    return None


# --- To patients -------------------------------------------------------------------------


def reminder(row: Notification) -> Message | None:
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
        "questionnaire_due": _questionnaire_due(patient),
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


def _questionnaire_due(patient: Patient) -> bool:
    """A questionnaire is due (SPEC §14): said with the diary's reminder, never which."""
    from ..instruments.due import occasions

    return any(o.state == "due" for o in occasions(patient))


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


def stop_advice(row: Notification) -> Message | None:
    """The safety advice after a review stopped LDN (SPEC §13)."""
    user = row.recipient
    if user is None or not user.is_active:
        return None
    return Message(
        subject=_("LDN Tracker: important advice after stopping LDN"),
        body=render_to_string(
            "emails/stop_advice.txt", {"name": user.first_name, "url": link(reverse("diary"))}
        ),
        url=link(reverse("diary")),
    )


def supply_reminder(row: Notification) -> Message | None:
    """ "Time to order your next supply" (SPEC §3a): no dose, no amount, no health value.
    Not sent once a newer supply is recorded or LDN is stopped."""
    user = row.recipient
    if user is None or not user.is_active:
        return None
    patient = Patient.objects.filter(user=user).select_related("summary").first()
    if patient is None or getattr(patient, "summary", None) is None:
        return None
    if patient.summary.ended_on is not None:  # type: ignore[attr-defined]
        return None
    supply_id = row.key.partition(":")[2]
    if patient.dispensings.filter(pk__gt=int(supply_id or 0)).exists():
        return None  # a newer supply came meanwhile
    url = link(reverse("plan"))
    return Message(
        subject=_("LDN Tracker: time to order your next supply"),
        body=render_to_string(
            "emails/supply.txt", {"name": user.first_name or _("there"), "url": url}
        ),
        url=url,
    )


# --- To clinicians -----------------------------------------------------------------------


def urgent_alert(row: Notification) -> Message | None:
    clinician = row.recipient
    if clinician is None or not clinician.is_active:
        return None
    if row.alert is None or row.alert.acknowledged_at is not None:
        return None  # already seen to
    url = link(reverse("clinician_panel"))
    context = {"name": clinician.first_name or clinician.email, "url": url}
    return Message(
        subject=_("LDN Tracker: an urgent alert needs your attention"),
        body=render_to_string("emails/urgent_alert.txt", context),
        url=url,
    )


def digest(row: Notification) -> Message | None:
    clinician = row.recipient
    if clinician is None or not clinician.is_active:
        return None
    url = link(reverse("clinician_panel"))
    day = row.for_date or timezone.localdate()
    summaries = PatientSummary.objects.filter(
        patient__in=Patient.objects.visible_to(clinician), review_on__lte=day
    )
    due = summaries.count()
    new = summaries.filter(review_on=day).count()  # due from today: not in yesterday's
    urgent = 0
    if not clinician.urgent_alert_emails:  # digest only: the urgent alerts are in here too
        urgent = Alert.objects.visible_to(clinician).open().filter(priority=Priority.URGENT).count()
    if not due and not urgent:
        return None
    context = {
        "name": clinician.first_name or clinician.email,
        "url": url,
        "reviews_due": due,
        "new_reviews": new,
        "urgent": urgent,
    }
    return Message(
        subject=_("LDN Tracker: your daily digest"),
        body=render_to_string("emails/digest.txt", context),
        url=url,
    )


# --- To people joining or signing in -----------------------------------------------------


def invite(row: Notification) -> Message | None:
    """The invite email, if the invite can still be used and its link remade."""
    pending = row.invite
    if pending is None or pending.status != "pending" or not pending.token_salt:
        return None
    token = pending.current_token()
    if token is None:
        return None  # resent since: this message's link would not work
    url = link(reverse("accept_invite", args=[token]))
    context = {
        "name": pending.first_name,
        "clinic": pending.clinic.name,
        "url": url,
        "hours": settings.INVITE_VALID_HOURS,
    }
    return Message(
        subject=_("LDN Tracker: your invitation from %(clinic)s") % {"clinic": pending.clinic.name},
        body=render_to_string("emails/invite.txt", context),
        url=url,
    )


def password_reset(row: Notification) -> Message | None:
    """A fresh reset link, made now from the account (Django's token: valid for 3 days,
    dead once the password changes), so no link ever waits in the queue."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    user = row.recipient
    if user is None or not user.is_active:
        return None
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return Message(
        subject=_("LDN Tracker: reset your password"),
        body=render_to_string("emails/password_reset.txt", {"url": link(path)}),
        url=link(path),
    )
