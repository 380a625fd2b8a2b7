"""What the clinic does with the diary: PGIC answers, alerts, reviews, notes, summaries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

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

    @property
    def is_urgent(self) -> bool:
        return self.priority == Priority.URGENT
