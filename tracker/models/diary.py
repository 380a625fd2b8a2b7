"""Prescriptions and the daily diary (SPEC §3). Every range of the diary is also a database
check constraint, so a value the form would refuse cannot be stored by code that skips it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Mod
from django.db.models.lookups import Exact, LessThanOrEqual
from django.utils import timezone

from ..response.days import Day
from .people import Patient

DOSE_MIN, DOSE_MAX = Decimal("0.1"), Decimal("12.0")
SLEEP_MIN, SLEEP_MAX = Decimal("0"), Decimal("24")
NOTE_MAX = 2000


class Timing(models.TextChoices):
    BEDTIME = "bedtime", "Bedtime"
    MORNING = "morning", "Morning"
    OTHER = "other", "Other"


class Formulation(models.TextChoices):
    CAPSULE = "capsule", "Capsule"
    LIQUID = "liquid", "Liquid"
    OTHER = "other", "Other"


class PrescriptionQuerySet(models.QuerySet["Prescription"]):
    def active(self) -> PrescriptionQuerySet:
        """Prescriptions not replaced by a later plan before they started."""
        return self.filter(replaced_at__isnull=True)

    def current_on(self, day: dt.date) -> Prescription | None:
        """The prescription in force on `day`: the latest active one started by then."""
        return self.active().filter(start_date__lte=day).order_by("-start_date", "-id").first()


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
    # For a liquid: how many mg one mL holds, so the patient can be told the volume.
    concentration_mg_per_ml = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    start_date = models.DateField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a newer plan replaced this one before it started; the row is kept as history.
    replaced_at = models.DateTimeField(null=True, blank=True)

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
            models.CheckConstraint(
                condition=~Q(formulation="liquid") | Q(concentration_mg_per_ml__gt=0),
                name="prescription_liquid_has_concentration",
            ),
            models.CheckConstraint(
                condition=Q(concentration_mg_per_ml__isnull=True)
                | Q(concentration_mg_per_ml__gt=0),
                name="prescription_concentration_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dose_mg} mg at {self.get_timing_display().lower()} from {self.start_date}"

    @property
    def dose_ml(self) -> Decimal | None:
        """The volume of a liquid dose, to 2 decimal places."""
        if self.formulation != Formulation.LIQUID or not self.concentration_mg_per_ml:
            return None
        return (self.dose_mg / self.concentration_mg_per_ml).quantize(Decimal("0.01"))


class Dreams(models.TextChoices):
    NONE = "none", "None"
    NORMAL = "normal", "Normal"
    VIVID = "vivid", "Vivid"
    NIGHTMARES = "nightmares", "Nightmares"


SLEEP_QUALITY = [(1, "Very poor"), (2, "Poor"), (3, "Fair"), (4, "Good"), (5, "Very good")]
SEVERITY_0_3 = [(0, "None"), (1, "Mild"), (2, "Moderate"), (3, "Severe")]
SCALE_0_10 = [(i, str(i)) for i in range(11)]


class EntryQuerySet(models.QuerySet["DailyEntry"]):
    def for_patient(self, patient: Patient) -> EntryQuerySet:
        return self.filter(patient=patient)

    def in_window(self, first: dt.date, last: dt.date) -> EntryQuerySet:
        return self.filter(date__gte=first, date__lte=last)

    def days(self) -> list[Day]:
        """The diary as the response rule and the alerts read it, oldest first."""
        rows = self.order_by("date").values_list(*Day.FIELDS)
        return [Day(*row) for row in rows]


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
