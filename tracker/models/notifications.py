"""What the product sends (SPEC §10): one row per message, written before it is sent, so a
restart, a second scheduler or a second worker never sends it twice. The row is the send
log the clinic admin reads: who, what kind, when, and how it went; never the message's
content, which is made at the moment of sending from the objects it is about."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .people import Clinic, Invite


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PUSH = "push", "Push to the phone"


class SendKind(models.TextChoices):
    REMINDER = "reminder", "Diary reminder"
    URGENT_ALERT = "urgent_alert", "Urgent alert"
    DIGEST = "digest", "Daily digest"
    INVITE = "invite", "Invite"
    PASSWORD_RESET = "password_reset", "Password reset"
    UNKNOWN_ACCOUNT = "unknown_account", "Password reset for an unknown address"
    STOP_ADVICE = "stop_advice", "Advice after stopping LDN"
    SUPPLY = "supply", "Supply running out"


class SendStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not delivered"
    CANCELLED = "cancelled", "Not needed any more"


class Notification(models.Model):
    kind = models.CharField(max_length=20, choices=SendKind.choices)
    # With the kind, what makes a message unique: e.g. "patient 12, 2026-12-01".
    key = models.CharField(max_length=120)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(
        max_length=10, choices=SendStatus.choices, default=SendStatus.PENDING, db_index=True
    )
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    email = models.EmailField(blank=True)  # where an email goes (an invitee has no account)
    invite = models.ForeignKey(
        Invite, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    alert = models.ForeignKey(
        "tracker.Alert", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    for_date = models.DateField(null=True, blank=True)  # the diary day or digest day
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Why the last attempt failed, as the kind of error only (never an address or content).
    error = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="notification_once_per_key"),
            models.CheckConstraint(
                condition=Q(kind__in=SendKind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SendStatus.values), name="notification_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="notification_channel_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["clinic", "-created_at"], name="notification_clinic_time"),
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} ({self.status})"


class PushSubscription(models.Model):
    """One phone (or browser) that said yes to push messages, as the Web Push standard
    gives it: the push service's address for it, and the keys to encrypt for it. Removed
    when the push service says it is gone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Push subscription of {self.user}"


class Heartbeat(models.Model):
    """The last sign of life of a background process (issue 19): the scheduler beats while
    it holds the schedule, a worker each time it runs the scheduler's heartbeat task.
    `/health/` reads them, so a silent scheduler or no worker is seen, not guessed."""

    name = models.CharField(max_length=20, primary_key=True)  # "scheduler" or "worker"
    beat_at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)  # e.g. the host and process id

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, name: str, detail: str = "") -> None:
        cls.objects.update_or_create(
            name=name, defaults={"beat_at": timezone.now(), "detail": detail[:200]}
        )


class NightlyBatch(models.Model):
    """One share of a clinic's nightly re-evaluation (issue 24): a range of its patients,
    queued as one task so every worker takes batches. The row is the ledger: a worker
    claims it (`started_at`) and marks it done; a batch claimed by a worker that died, or
    queued and never taken, is queued again by the sweep. Re-evaluating is idempotent, so
    a batch run twice raises no alert twice."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    night = models.DateField()  # the clinic's date of the night it ran for
    first_patient = models.PositiveIntegerField()  # patient ids, both ends included
    last_patient = models.PositiveIntegerField()
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "night", "first_patient"], name="nightly_batch_once"
            ),
            models.CheckConstraint(
                condition=Q(first_patient__lte=models.F("last_patient")),
                name="nightly_batch_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinic_id} {self.night} patients {self.first_patient}–{self.last_patient}"
