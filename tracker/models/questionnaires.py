"""Validated questionnaires (SPEC §14): the clinic's licences, each patient's instruments,
and their answers, kept with every revision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .people import Clinic, Patient


class ClinicLicence(models.Model):
    """The clinic admin's record that the clinic holds a licence for an instrument that
    needs one (FIQR, the Fatigue Severity Scale): who holds it, who recorded it, when."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="licences")
    instrument = models.CharField(max_length=20)
    holder = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "instrument"], name="licence_once"),
            models.CheckConstraint(condition=~Q(holder=""), name="licence_has_holder"),
        ]

    def __str__(self) -> str:
        return f"{self.clinic} · {self.instrument}"


class PatientInstrument(models.Model):
    """An instrument in a patient's bundle: asked at baseline, at every review point unless
    `at_reviews` is off (PHQ-9 for everyone at baseline), and every 2 or 4 weeks if set."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="instruments")
    instrument = models.CharField(max_length=20)
    at_reviews = models.BooleanField(default=True)
    every_weeks = models.PositiveSmallIntegerField(default=0)  # 0, 2 or 4
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "instrument"], name="instrument_once"),
            models.CheckConstraint(
                condition=Q(every_weeks__in=[0, 2, 4]), name="instrument_every_weeks_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} · {self.instrument}"


class QuestionnaireAnswer(models.Model):
    """One patient's answers to one instrument on one occasion ("baseline", "review-1-1"
    for course 1's first review point, "week-1-4" for its week 4), saved as each item is
    answered (resumable), scored when complete. A re-answer inside the occasion's window is
    a new version; the versions before it are kept in `revisions`."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="questionnaire_answers"
    )
    instrument = models.CharField(max_length=20)
    occasion = models.CharField(max_length=30)
    due_on = models.DateField()  # the occasion's day: baseline's first day, the review day
    answers = models.JSONField(default=dict)  # {linkId: the chosen option's score}
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    band = models.CharField(max_length=30, blank=True)
    flags = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    revisions = models.JSONField(default=list, blank=True)  # earlier versions, oldest first
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)  # the patient's diary date

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "instrument", "occasion"], name="answer_once_per_occasion"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["in_progress", "completed"]), name="answer_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(completed_at__isnull=False),
                name="answer_completed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} · {self.instrument} · {self.occasion}"
