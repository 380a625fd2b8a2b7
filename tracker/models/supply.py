"""Holds of the titration plan and the medicine dispensed (SPEC §3a)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from .. import dosing
from ..dosing import Unit
from .people import Patient

REASON_MAX = 500
HOLD_MAX_DAYS = 28


class DoseHold(models.Model):
    """The patient or the clinician held the plan's next step (side effects): every step
    still to come moved `days` later. The steps' rows are replaced, never edited."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="holds")
    on = models.DateField()
    days = models.PositiveSmallIntegerField()
    reason = models.TextField(max_length=REASON_MAX)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    held_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=HOLD_MAX_DAYS), name="hold_days_range"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("reason"), REASON_MAX) & ~Q(reason=""),
                name="hold_reason_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} · held {self.days} d on {self.on}"


class Filler(models.TextChoices):
    UNKNOWN = "unknown", "Not known"
    CELLULOSE = "cellulose", "Microcrystalline cellulose"
    CALCIUM_CARBONATE = "calcium_carbonate", "Calcium carbonate"
    OTHER = "other", "Other"


class Dispensing(models.Model):
    """A supply of LDN handed to the patient: how much, in the prescription's unit, and the
    mg it holds (its strength copied, so a later bottle at another strength changes nothing)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="dispensings")
    dispensed_on = models.DateField()
    amount = models.DecimalField(max_digits=7, decimal_places=1)
    unit = models.CharField(max_length=10, choices=dosing.UNIT_CHOICES)
    strength_mg = models.DecimalField(max_digits=6, decimal_places=2)
    pharmacy = models.CharField(max_length=200, blank=True)
    batch = models.CharField(max_length=100, blank=True)
    filler = models.CharField(max_length=20, choices=Filler.choices, default=Filler.UNKNOWN)
    slow_release = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dispensed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, amount__lte=100000), name="dispensing_amount_range"
            ),
            models.CheckConstraint(
                condition=Q(strength_mg__gt=0), name="dispensing_strength_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit__in=[u.value for u in Unit]), name="dispensing_unit_valid"
            ),
            models.CheckConstraint(
                condition=Q(filler__in=Filler.values), name="dispensing_filler_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} · {self.amount} {self.unit} on {self.dispensed_on}"

    @property
    def mg(self):  # type: ignore[no-untyped-def]
        return dosing.to_mg(self.amount, self.strength_mg)

    @property
    def words(self) -> str:
        return dosing.unit_words(self.amount, self.unit)

    @property
    def advice(self) -> list[str]:
        return dosing.filler_advice(self.filler, self.slow_release)
