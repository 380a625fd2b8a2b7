"""What the clinic does with the diary: PGIC answers, alerts, reviews, notes, summaries."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from .. import review
from ..alerts import KIND_LABELS, Kind, Priority
from .people import Patient, User


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


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", "Continue"
    INCREASE_DOSE = "increase_dose", "Increase dose"
    CHANGE_TIMING = "change_timing", "Change timing"
    REDUCE_DOSE = "reduce_dose", "Reduce dose"
    STOP = "stop", "Stop"
    REFER = "refer", "Refer"


class ClinicalReview(models.Model):
    """A review a clinician recorded at a review point, with the evaluation as it was."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="reviews")
    point = models.PositiveSmallIntegerField()  # 1 = the 6-week review, 2 = the next, …
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices)
    note = models.TextField(max_length=4000, blank=True)
    snapshot = models.JSONField()
    next_week = models.PositiveSmallIntegerField(default=review.NEXT_REVIEW_WEEK)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-point"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "point"], name="review_once_per_point"),
            models.CheckConstraint(
                condition=Q(outcome__in=ReviewOutcome.values), name="review_outcome_valid"
            ),
            models.CheckConstraint(condition=Q(point__gte=1), name="review_point_positive"),
            models.CheckConstraint(
                condition=Q(next_week__gte=1, next_week__lte=104), name="review_next_week_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} · review {self.point}: {self.get_outcome_display()}"


class ClinicianNote(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="clinician_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text="") & Q(LessThanOrEqual(Length("text"), 4000)),
                name="note_text_length",
            ),
        ]

    def __str__(self) -> str:
        return f"Note on {self.patient} by {self.author}"


def _fraction(value: str) -> Fraction | None:
    return Fraction(value) if value else None


class PatientSummary(models.Model):
    """The facts of a patient's diary (review.Facts), kept so the clinician's panel reads one
    row per patient. Rewritten in the same transaction as every change that alters them:
    a diary entry, a PGIC answer, a review (services.refresh_patient)."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="summary")
    outcome = models.CharField(max_length=10)
    day_one = models.DateField(null=True)
    dose_mg = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    dose_since = models.DateField(null=True)
    taken_days = models.PositiveIntegerField(default=0)
    last_entry = models.DateField(null=True)
    review_point = models.PositiveSmallIntegerField(default=1)
    review_week = models.PositiveSmallIntegerField(default=review.REVIEW_WEEK)
    nominal = models.DateField(null=True)
    review_on = models.DateField(null=True)
    verdict = models.CharField(max_length=20, blank=True)
    substantial = models.BooleanField(default=False)
    points = models.CharField(max_length=40, blank=True)  # an exact fraction, "13/14"
    fraction = models.CharField(max_length=40, blank=True)
    pgic = models.PositiveSmallIntegerField(null=True)
    verdict_text = models.TextField(blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Summary of {self.patient}"

    SIMPLE = (
        "outcome", "day_one", "dose_mg", "dose_since", "taken_days", "last_entry",
        "review_point", "review_week", "nominal", "review_on", "substantial", "pgic",
        "verdict_text",
    )  # fmt: skip

    @classmethod
    def values_from(cls, facts: review.Facts) -> dict[str, Any]:
        values = {name: getattr(facts, name) for name in cls.SIMPLE}
        values["verdict"] = facts.verdict.value if facts.verdict else ""
        values["points"] = str(facts.points) if facts.points is not None else ""
        values["fraction"] = str(facts.fraction) if facts.fraction is not None else ""
        return values

    def facts(self) -> review.Facts:
        return review.Facts(
            **{name: getattr(self, name) for name in self.SIMPLE},
            verdict=review.Verdict(self.verdict) if self.verdict else None,
            points=_fraction(self.points),
            fraction=_fraction(self.fraction),
        )
