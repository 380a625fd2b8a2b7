"""The clinic, its people, prescriptions and the daily diary (SPEC §2–3).

Every range of the diary is also a database check constraint, so a value the form would refuse
cannot be stored by code that skips the form either."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Mod
from django.db.models.lookups import Exact, LessThanOrEqual
from django.utils import timezone

from . import review
from .alerts import KIND_LABELS, Kind, Priority

DOSE_MIN, DOSE_MAX = Decimal("0.1"), Decimal("12.0")
SLEEP_MIN, SLEEP_MAX = Decimal("0"), Decimal("24")
NOTE_MAX = 2000
EDITABLE_DAYS = 7


class Clinic(models.Model):
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

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
    # Null only for the platform operator, who belongs to no clinic.
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

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


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/London).")


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
    def enrolment_answer(self) -> int | None:
        """The enrolment baseline answer for this patient's primary outcome."""
        return getattr(self, f"baseline_{self.primary_outcome}")

    def evaluate(
        self, *, days: list[review.Day] | None = None, today: dt.date | None = None
    ) -> review.Evaluation:
        """SPEC §4 for this patient today (two queries: the diary and the PGIC answers)."""
        if days is None:
            days = DailyEntry.objects.for_patient(self).days()
        pgic = dict(self.pgic_answers.values_list("review_point", "value"))
        return review.evaluate(
            days,
            today=today or self.diary_today(),
            outcome=self.primary_outcome,
            enrolment_answer=self.enrolment_answer,
            pgic=pgic,
        )

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


class Timing(models.TextChoices):
    BEDTIME = "bedtime", "Bedtime"
    MORNING = "morning", "Morning"
    OTHER = "other", "Other"


class Formulation(models.TextChoices):
    CAPSULE = "capsule", "Capsule"
    LIQUID = "liquid", "Liquid"
    OTHER = "other", "Other"


class PrescriptionQuerySet(models.QuerySet["Prescription"]):
    def current_on(self, day: dt.date) -> Prescription | None:
        """The prescription in force on `day`: the latest one started by then."""
        return self.filter(start_date__lte=day).order_by("-start_date", "-id").first()


class Prescription(models.Model):
    """What the clinician prescribed from `start_date`. A change is a new row, so the
    history of doses is never overwritten."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="prescriptions")
    dose_mg = models.DecimalField(max_digits=3, decimal_places=1)
    usual_time = models.TimeField(default=dt.time(22, 0))
    timing = models.CharField(max_length=10, choices=Timing.choices, default=Timing.BEDTIME)
    formulation = models.CharField(
        max_length=10, choices=Formulation.choices, default=Formulation.CAPSULE
    )
    start_date = models.DateField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PrescriptionQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dose_mg__gte=DOSE_MIN, dose_mg__lte=DOSE_MAX),
                name="prescription_dose_range",
            ),
            models.CheckConstraint(
                condition=Q(timing__in=Timing.values), name="prescription_timing_valid"
            ),
            models.CheckConstraint(
                condition=Q(formulation__in=Formulation.values),
                name="prescription_formulation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dose_mg} mg at {self.get_timing_display().lower()} from {self.start_date}"


class Dreams(models.TextChoices):
    NONE = "none", "None"
    NORMAL = "normal", "Normal"
    VIVID = "vivid", "Vivid"
    NIGHTMARES = "nightmares", "Nightmares"


SLEEP_QUALITY = [(1, "Very poor"), (2, "Poor"), (3, "Fair"), (4, "Good"), (5, "Very good")]
SEVERITY_0_3 = [(0, "None"), (1, "Mild"), (2, "Moderate"), (3, "Severe")]
SCALE_0_10 = [(i, str(i)) for i in range(11)]


class EntryQuerySet(models.QuerySet["DailyEntry"]):
    def visible_to(self, user: User) -> EntryQuerySet:
        return self.filter(patient__in=Patient.objects.visible_to(user))

    def for_patient(self, patient: Patient) -> EntryQuerySet:
        return self.filter(patient=patient)

    def in_window(self, first: dt.date, last: dt.date) -> EntryQuerySet:
        return self.filter(date__gte=first, date__lte=last)

    def days(self) -> list[review.Day]:
        """The diary as the response rule and the alerts read it, oldest first."""
        rows = self.order_by("date").values_list(*review.Day.FIELDS)
        return [review.Day(*row) for row in rows]

    def doses(self) -> list[tuple[dt.date, Decimal]]:
        """(date, mg) of every dose taken, oldest first: what the response rule reads."""
        rows = self.filter(dose_taken=True, dose_mg__isnull=False).order_by("date")
        return list(rows.values_list("date", "dose_mg"))


def _range(field: str, low: Any, high: Any, *, optional: bool = False) -> models.CheckConstraint:
    condition = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    if optional:
        condition = Q(**{f"{field}__isnull": True}) | condition
    return models.CheckConstraint(condition=condition, name=f"entry_{field}_range")


class DailyEntry(models.Model):
    """One patient's diary for one local calendar date (SPEC §3)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="entries")
    date = models.DateField()

    dose_taken = models.BooleanField()
    dose_mg = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    time_taken = models.TimeField(null=True, blank=True)
    sleep_hours = models.DecimalField(max_digits=4, decimal_places=2)
    sleep_quality = models.PositiveSmallIntegerField(choices=SLEEP_QUALITY)
    dreams = models.CharField(max_length=10, choices=Dreams.choices)
    nightmare_woke = models.BooleanField(default=False)
    headache = models.PositiveSmallIntegerField(choices=SEVERITY_0_3)
    pain = models.PositiveSmallIntegerField(choices=SCALE_0_10)
    mood = models.PositiveSmallIntegerField(choices=SCALE_0_10)
    fatigue = models.PositiveSmallIntegerField(choices=SCALE_0_10, null=True, blank=True)
    nausea = models.PositiveSmallIntegerField(choices=SEVERITY_0_3, null=True, blank=True)
    irritability = models.PositiveSmallIntegerField(choices=SEVERITY_0_3, null=True, blank=True)
    opioid_taken = models.BooleanField(default=False)
    opioid_name = models.CharField(max_length=200, blank=True)
    liver_signs = models.BooleanField(default=False)
    note = models.TextField(max_length=NOTE_MAX, blank=True)

    # Optimistic locking: an edit names the version it started from (see services.save_entry).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EntryQuerySet.as_manager()

    # The values a patient records; what a revision keeps and an edit compares.
    VALUE_FIELDS = (
        "dose_taken",
        "dose_mg",
        "time_taken",
        "sleep_hours",
        "sleep_quality",
        "dreams",
        "nightmare_woke",
        "headache",
        "pain",
        "mood",
        "fatigue",
        "nausea",
        "irritability",
        "opioid_taken",
        "opioid_name",
        "liver_signs",
        "note",
    )

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="entry_one_per_day"),
            _range("dose_mg", DOSE_MIN, DOSE_MAX, optional=True),
            models.CheckConstraint(
                condition=Q(dose_taken=False) | Q(dose_mg__isnull=False),
                name="entry_dose_taken_has_mg",
            ),
            _range("sleep_hours", SLEEP_MIN, SLEEP_MAX),
            models.CheckConstraint(
                condition=Exact(Mod(F("sleep_hours") * 4, 1), 0),
                name="entry_sleep_hours_quarter_step",
            ),
            _range("sleep_quality", 1, 5),
            models.CheckConstraint(
                condition=Q(dreams__in=Dreams.values), name="entry_dreams_valid"
            ),
            models.CheckConstraint(
                condition=Q(nightmare_woke=False) | Q(dreams=Dreams.NIGHTMARES),
                name="entry_nightmare_woke_needs_nightmares",
            ),
            _range("headache", 0, 3),
            _range("pain", 0, 10),
            _range("mood", 0, 10),
            _range("fatigue", 0, 10, optional=True),
            _range("nausea", 0, 3, optional=True),
            _range("irritability", 0, 3, optional=True),
            models.CheckConstraint(
                condition=Q(opioid_taken=True) | Q(opioid_name=""),
                name="entry_opioid_name_needs_opioid",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("note"), NOTE_MAX), name="entry_note_length"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="entry_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} · {self.date}"

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.VALUE_FIELDS}

    def snapshot(self) -> dict[str, Any]:
        """The recorded values as JSON-safe data, for the revision history."""
        out: dict[str, Any] = {}
        for name, value in self.values().items():
            if isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, dt.time):
                value = value.isoformat(timespec="minutes")
            out[name] = value
        return out


class EntryRevision(models.Model):
    """A previous version of a diary entry, kept when the entry is edited."""

    entry = models.ForeignKey(DailyEntry, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["entry", "version"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "version"], name="revision_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.entry} v{self.version}"


class PGICAnswer(models.Model):
    """The Patient Global Impression of Change, asked once per review point (SPEC §4)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="pgic_answers")
    review_point = models.PositiveSmallIntegerField()  # 1 = the 6-week review, 2 = the next
    value = models.PositiveSmallIntegerField(choices=review.PGIC_CHOICES)
    answered_on = models.DateField()
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "review_point"], name="pgic_once_per_point"),
            models.CheckConstraint(condition=Q(value__range=(1, 7)), name="pgic_value_range"),
            models.CheckConstraint(condition=Q(review_point__gte=1), name="pgic_point_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} · review {self.review_point}: {self.value}"


class AlertQuerySet(models.QuerySet["Alert"]):
    def open(self) -> AlertQuerySet:
        return self.filter(acknowledged_at__isnull=True)

    def visible_to(self, user: User) -> AlertQuerySet:
        return self.filter(patient__in=Patient.objects.visible_to(user))


class Alert(models.Model):
    """A safety or follow-up signal (SPEC §5), kept after it is acknowledged."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=[(k.value, KIND_LABELS[k]) for k in Kind])
    priority = models.PositiveSmallIntegerField(
        choices=[(p.value, p.name.title()) for p in Priority]
    )
    on = models.DateField(help_text="The day the episode began.")
    message = models.TextField()
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "-on"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind", "on"], name="alert_once_per_episode"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in Kind]), name="alert_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=[p.value for p in Priority]), name="alert_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_by__isnull=False),
                name="alert_acknowledged_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.patient} · {self.on}"

    @property
    def is_urgent(self) -> bool:
        return self.priority == Priority.URGENT
