"""Prescriptions and the daily diary (SPEC §3). Every range of the diary is also a database
check constraint, so a value the form would refuse cannot be stored by code that skips it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Subquery
from django.db.models.functions import Length, Mod
from django.db.models.lookups import Exact, LessThanOrEqual
from django.utils import timezone

from .. import dosing
from ..dosing import DOSE_MAX, DOSE_MIN, Unit
from ..response.days import Day
from .people import Patient

SLEEP_MIN, SLEEP_MAX = Decimal("0"), Decimal("24")
NOTE_MAX = 2000


class Timing(models.TextChoices):
    BEDTIME = "bedtime", "Bedtime"
    MORNING = "morning", "Morning"
    OTHER = "other", "Other"


class Formulation(models.TextChoices):
    CAPSULE = "capsule", "Capsule"
    LIQUID = "liquid", "Liquid"
    DROPS = "drops", "Drops"
    CREAM = "cream", "Cream"
    OTHER = "other", "Other"


# The units each form is measured in (SPEC §3a): a cream by clicks or by mL.
FORM_UNITS = {
    Formulation.CAPSULE: (Unit.CAPSULE,),
    Formulation.LIQUID: (Unit.ML,),
    Formulation.DROPS: (Unit.DROP,),
    Formulation.CREAM: (Unit.CLICK, Unit.ML),
    Formulation.OTHER: (Unit.MG,),
}


class PrescriptionQuerySet(models.QuerySet["Prescription"]):
    def active(self) -> PrescriptionQuerySet:
        """Prescriptions not replaced by a later plan before they started."""
        return self.filter(replaced_at__isnull=True)

    def current_on(self, day: dt.date) -> Prescription | None:
        """The prescription in force on `day`: the latest active one started by then."""
        return self.active().filter(start_date__lte=day).order_by("-start_date", "-id").first()


def in_force(prescriptions: list[Prescription], day: dt.date) -> Prescription | None:
    """`current_on` for prescriptions already read: the latest active one started by `day`."""
    started = [rx for rx in prescriptions if rx.replaced_at is None and rx.start_date <= day]
    return max(started, key=lambda rx: (rx.start_date, rx.pk or 0), default=None)


class Prescription(models.Model):
    """What the clinician prescribed from `start_date`. A change is a new row, so the
    history of doses is never overwritten."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="prescriptions")
    dose_mg = models.DecimalField(max_digits=4, decimal_places=2)
    usual_time = models.TimeField(default=dt.time(22, 0))
    timing = models.CharField(max_length=10, choices=Timing.choices, default=Timing.BEDTIME)
    formulation = models.CharField(
        max_length=10, choices=Formulation.choices, default=Formulation.OTHER
    )
    # What the patient measures (SPEC §3a) and how many mg one of it holds: mg per
    # capsule, per mL, per drop or per click (1 for a dose measured in mg). A new strength
    # is a new prescription, so earlier entries keep the mg they were taken at.
    dose_unit = models.CharField(max_length=10, choices=dosing.UNIT_CHOICES, default=Unit.MG.value)
    strength_mg = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(1))
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
                condition=Q(strength_mg__gt=0), name="prescription_strength_positive"
            ),
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(formulation=form.value, dose_unit__in=[u.value for u in units])
                        for form, units in FORM_UNITS.items()
                    ],
                    _connector=Q.OR,
                ),
                name="prescription_unit_fits_form",
            ),
            models.CheckConstraint(
                condition=~Q(dose_unit=Unit.MG.value) | Q(strength_mg=1),
                name="prescription_mg_strength_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dose_mg} mg at {self.get_timing_display().lower()} from {self.start_date}"

    @property
    def dose_amount(self) -> Decimal | None:
        """The dose in the patient's unit (3 mL), or None when no whole step makes it."""
        return dosing.to_amount(self.dose_mg, self.strength_mg, self.dose_unit)

    @property
    def meaning(self) -> str:
        """ "3 mg = 3 mL of 1 mg per mL"."""
        return dosing.meaning(self.dose_mg, self.strength_mg, self.dose_unit)

    def amount_of(self, mg: Decimal) -> Decimal | None:
        return dosing.to_amount(mg, self.strength_mg, self.dose_unit)


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

    def for_range(self, first: dt.date, last: dt.date, *also: tuple[dt.date, dt.date]) -> list[Day]:
        """What a chart of `first`…`last` needs (charts.trends), in one query whatever the
        diary's length: its days, and before them the last entry (the diary began earlier),
        the last dose taken (the dose in force, and whether the first one in range is a
        change) and the last dose at a known time (the same for timing); and the days of
        the ranges `also` (the record's baseline week and evaluation window)."""
        earlier = self.filter(date__lt=first).order_by("-date")
        before = earlier.values("date")[:1]
        dose = earlier.filter(dose_taken=True, dose_mg__isnull=False).values("date")[:1]
        timed = earlier.filter(dose_taken=True, time_taken__isnull=False).values("date")[:1]
        wanted = (
            Q(date__gte=first, date__lte=last)
            | Q(date=Subquery(before))
            | Q(date=Subquery(dose))
            | Q(date=Subquery(timed))
        )
        for low, high in also:
            wanted |= Q(date__gte=low, date__lte=high)
        return self.filter(wanted).days()


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
    dose_mg = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    # What the patient measured (SPEC §3a): 1.5 mL, 2 drops, 1 capsule; `dose_mg` is what
    # it made, which every reader of doses uses.
    dose_amount = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    dose_unit = models.CharField(max_length=10, choices=dosing.UNIT_CHOICES, blank=True)
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
        "dose_amount",
        "dose_unit",
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
        # The nightly run asks which patients' entries changed since their summary: a
        # look at the last day's changes, not a scan of every diary (issue 24).
        indexes = [models.Index(fields=["patient", "updated_at"], name="entry_changed")]
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="entry_one_per_day"),
            _range("dose_mg", DOSE_MIN, DOSE_MAX, optional=True),
            models.CheckConstraint(
                condition=Q(dose_taken=False) | Q(dose_mg__isnull=False),
                name="entry_dose_taken_has_mg",
            ),
            models.CheckConstraint(
                condition=(Q(dose_amount__isnull=True) & Q(dose_unit=""))
                | (Q(dose_amount__gt=0) & Q(dose_unit__in=[u.value for u in Unit])),
                name="entry_amount_has_unit",
            ),
            models.CheckConstraint(
                condition=Q(dose_mg__isnull=False) | Q(dose_amount__isnull=True),
                name="entry_amount_has_mg",
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
                value = dosing.plain(value)
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
