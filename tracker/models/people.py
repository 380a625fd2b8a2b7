"""Clinics and the people in them: accounts, roles and the patient's profile."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import zoneinfo
from collections.abc import Sequence
from typing import Any, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from ..response import rule

EDITABLE_DAYS = 7
INVITE_SALT = "ldn-tracker.invite"


def token_hash(token: str) -> str:
    """How an invite link's token is stored, and found."""
    return hashlib.sha256(token.encode()).hexdigest()


def _former_token(key: str, salt: str) -> str:
    """Invite tokens before they were signed (an HMAC of the salt): still honoured."""
    digest = hmac.new(key.encode(), f"ldn-invite:{salt}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/London).")


DEFAULT_CRISIS_TEXT = (
    "If you are thinking about harming yourself or feel you cannot keep yourself safe, "
    "call your local emergency number now (999 in the UK, 112 in Europe, 911 in the US) "
    "or go to the nearest emergency department. You can also call your clinic, or a "
    "crisis line such as Samaritans (116 123, UK) or 988 (US). Your clinic has been told "
    "and will contact you."
)


class Clinic(models.Model):
    name = models.CharField(max_length=200, unique=True)
    # Staff pages show times in it, and the nightly re-evaluation runs in its night.
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    # How patients reach the clinic, printed on their emergency card (SPEC §13).
    contact = models.CharField(max_length=200, blank=True)
    # Shown to a patient at once when PHQ-9 item 9 is above 0 (SPEC §14); empty: the
    # product's default, which names emergency services.
    crisis_text = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def crisis_words(self) -> str:
        return self.crisis_text or DEFAULT_CRISIS_TEXT

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class UserQuerySet(models.QuerySet["User"]):
    def select_for_update(
        self,
        nowait: bool = False,
        skip_locked: bool = False,
        of: Sequence[str] = (),
        no_key: bool = False,
    ) -> Self:
        """Lock the user row only: the clinic joined in by default is on the nullable side
        of an outer join, which PostgreSQL refuses to lock (allauth locks the user when it
        makes new recovery codes; issue 19)."""
        if not of and self.query.select_related:
            of = ("self",)
        return super().select_for_update(
            nowait=nowait, skip_locked=skip_locked, of=of, no_key=no_key
        )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_queryset(self) -> models.QuerySet[User]:
        # Every page needs the clinic (its time zone, its name): loaded with the user.
        return UserQuerySet(self.model, using=self._db).select_related("clinic")

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        # People type their email address in any case; it is stored in lower case.
        return self.get(email__iexact=username)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.CLINIC_ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """Everyone who signs in. The email address is the login."""

    class Role(models.TextChoices):
        PATIENT = "patient", "Patient"
        CLINICIAN = "clinician", "Clinician"
        CLINIC_ADMIN = "clinic_admin", "Clinic admin"

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PATIENT)
    # A clinician's choice: an email within minutes of an urgent alert for one of their
    # patients, or only the daily digest (SPEC §10).
    urgent_alert_emails = models.BooleanField(default=True)
    # Which of the record's sections a clinician has opened or closed ({"notes": false}):
    # the record remembers it on every patient and device (issue 23).
    record_folds = models.JSONField(default=dict, blank=True)
    # Null only for the platform operator, who belongs to no clinic.
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["patient", "clinician", "clinic_admin"]),
                name="user_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_patient(self) -> bool:
        return self.role == self.Role.PATIENT

    @property
    def is_clinician(self) -> bool:
        return self.role == self.Role.CLINICIAN

    @property
    def is_clinic_admin(self) -> bool:
        return self.role == self.Role.CLINIC_ADMIN


class Condition(models.TextChoices):
    FIBROMYALGIA = "fibromyalgia", "Fibromyalgia"
    CRPS = "crps", "Complex regional pain syndrome"
    NEUROPATHIC = "neuropathic_pain", "Neuropathic pain"
    MS = "ms", "Multiple sclerosis"
    IBD = "ibd", "Crohn's disease / IBD"
    HASHIMOTO = "hashimoto", "Hashimoto's thyroiditis"
    DEPRESSION = "depression", "Depression"
    ANXIETY = "anxiety", "Anxiety"
    LONG_COVID = "long_covid", "Long COVID / ME-CFS"
    OTHER = "other", "Other"


class Outcome(models.TextChoices):
    """The 0–10 scales a patient's response can be judged on (SPEC §4)."""

    PAIN = "pain", "Pain"
    MOOD = "mood", "Mood"
    FATIGUE = "fatigue", "Fatigue"


ZERO_TO_TEN = [MinValueValidator(0), MaxValueValidator(10)]


class PatientQuerySet(models.QuerySet["Patient"]):
    def visible_to(self, user: User) -> PatientQuerySet:
        """The patients whose health data `user` may read: themselves, or those assigned."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == User.Role.PATIENT:
            return self.filter(user=user)
        if user.role == User.Role.CLINICIAN:
            return self.filter(clinician=user, user__clinic_id=user.clinic_id)
        return self.none()

    def diary_changed(self) -> PatientQuerySet:
        """Each with `diary_since_summary`: whether a diary entry was saved after their
        summary was written (an edit that bypassed the refresh), so what the summary keeps
        may be behind the diary. One index probe each, (patient, updated_at)."""
        entries = self.model._meta.get_field("entries").related_model  # DailyEntry
        later = entries._default_manager.filter(  # type: ignore[union-attr]
            patient=OuterRef("pk"), updated_at__gt=OuterRef("summary__computed_at")
        )
        return self.annotate(diary_since_summary=Exists(later))


class Patient(models.Model):
    """A patient's clinical profile; the account itself is `user`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_patients",
        limit_choices_to={"role": "clinician"},
    )
    condition = models.CharField(max_length=30, choices=Condition.choices)
    primary_outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PAIN)
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    # Entries made after midnight but before this time belong to the previous day.
    day_boundary = models.TimeField(default=dt.time(4, 0))
    # Enrolment answers: "over the last 7 days, your average …" (SPEC §4, baseline fallback).
    baseline_pain = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    baseline_mood = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    baseline_fatigue = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ZERO_TO_TEN
    )
    enrolled_on = models.DateField(default=dt.date.today)
    # Reminders to log (SPEC §10): off until the patient says yes, asked once on Today.
    reminders = models.BooleanField(default=False)
    reminder_time = models.TimeField(default=dt.time(21, 0))
    reminder_channel = models.CharField(
        max_length=10, choices=[("email", "Email"), ("push", "Push to the phone")], default="email"
    )
    reminders_asked = models.BooleanField(default=False)
    # Asked at enrolment, on the first sign-in (SPEC §13): "yes" to either is to discuss,
    # and opioids raise the urgent opioid alert.
    medicines = models.TextField(max_length=2000, blank=True)
    takes_opioids = models.BooleanField(null=True, blank=True)
    pregnancy = models.CharField(
        max_length=3,
        blank=True,
        choices=[("yes", "Yes"), ("no", "No"), ("na", "Not applicable")],
    )
    enrolment_answered_on = models.DateField(null=True, blank=True)
    # "I have restarted LDN" (SPEC §4): brings the dose question back while stopped.
    restart_reported_on = models.DateField(null=True, blank=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_pain__isnull=True) | Q(baseline_pain__range=(0, 10)),
                name="patient_baseline_pain_range",
            ),
            models.CheckConstraint(
                condition=Q(baseline_mood__isnull=True) | Q(baseline_mood__range=(0, 10)),
                name="patient_baseline_mood_range",
            ),
            models.CheckConstraint(
                condition=Q(baseline_fatigue__isnull=True) | Q(baseline_fatigue__range=(0, 10)),
                name="patient_baseline_fatigue_range",
            ),
            models.CheckConstraint(
                condition=Q(primary_outcome__in=Outcome.values), name="patient_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(reminder_channel__in=["email", "push"]),
                name="patient_reminder_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(pregnancy__in=["", "yes", "no", "na"]), name="patient_pregnancy_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.user.display_name

    @property
    def clinic(self) -> Clinic | None:
        return self.user.clinic

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def to_discuss(self) -> list[str]:
        """What the enrolment answers put on the record to discuss (SPEC §13)."""
        found = []
        if self.takes_opioids:
            found.append("opioids")
        if self.pregnancy == "yes":
            found.append("pregnancy")
        return found

    @property
    def enrolment_answer(self) -> int | None:
        """The enrolment baseline answer for this patient's primary outcome."""
        return getattr(self, f"baseline_{self.primary_outcome}")

    def status(self, today: dt.date | None = None) -> rule.Evaluation:
        """Where this patient stands today (SPEC §4): the one reader of a patient's status.
        It reads the stored summary (one row), which is as fresh as the diary: it is
        rewritten with every change (services.status.refresh_patient)."""
        facts = self.summary.facts()  # type: ignore[attr-defined]
        return rule.status(facts, today or self.diary_today())

    def local_now(self, now: dt.datetime | None = None) -> dt.datetime:
        return (now or timezone.now()).astimezone(self.zone)

    def diary_today(self, now: dt.datetime | None = None) -> dt.date:
        """The diary date a new entry defaults to: before the day boundary it is still
        yesterday, so a 1 a.m. entry describes the day that has just ended."""
        local = self.local_now(now)
        return diary_date_at(local, self.day_boundary)

    def calendar_today(self, now: dt.datetime | None = None) -> dt.date:
        return self.local_now(now).date()

    def editable_days(self, now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
        """(earliest, latest) dates the patient may log or change: up to 7 days back from the
        diary date, and never a calendar date that has not begun yet."""
        return self.diary_today(now) - dt.timedelta(days=EDITABLE_DAYS), self.calendar_today(now)


def diary_date_at(local: dt.datetime, boundary: dt.time) -> dt.date:
    if local.time() < boundary:
        return local.date() - dt.timedelta(days=1)
    return local.date()


class InviteQuerySet(models.QuerySet["Invite"]):
    def pending(self) -> InviteQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invite(models.Model):
    """An invitation to join a clinic: a single-use link, valid for 72 hours, where the
    invitee sets a password. Only a hash of the link's token is stored."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="invites")
    email = models.EmailField()
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=User.Role.choices)
    # For a patient: who looks after them and what they are treated for.
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    condition = models.CharField(max_length=30, choices=Condition.choices, blank=True)
    primary_outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PAIN)
    # The link's token is never stored: it is an HMAC of this salt under the secret key,
    # so the queue can remake it to send the email, and a copy of the database cannot.
    token_salt = models.CharField(max_length=64, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InviteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["patient", "clinician", "clinic_admin"]),
                name="invite_role_valid",
            ),
            models.CheckConstraint(
                condition=~Q(role="patient") | ~Q(condition=""),
                name="invite_patient_has_condition",
            ),
        ]

    def __str__(self) -> str:
        return f"Invite for {self.email} ({self.role})"

    def token(self) -> str:
        """The link's token for this invite's salt: Django's signature under the secret key
        (only its hash is stored, so no stored row holds a working link)."""
        return signing.Signer(salt=INVITE_SALT).signature(self.token_salt)

    def current_token(self) -> str | None:
        """The token of the link last sent, remade: under the secret key or one it
        replaced (SECRET_KEY_FALLBACKS, so rotating the key keeps pending invites), or the
        HMAC an invite made before signing was used. None when no key makes it."""
        keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
        candidates = [
            signing.Signer(key=k, salt=INVITE_SALT).signature(self.token_salt) for k in keys
        ]
        candidates += [_former_token(str(k), self.token_salt) for k in keys]
        return next((t for t in candidates if token_hash(t) == self.token_hash), None)

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
