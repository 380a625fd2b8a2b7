"""What the clinic does with the diary: PGIC answers, alerts, reviews, notes, summaries."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from ..alerts import explain as alert_words
from ..alerts.rule import Kind, Priority
from ..response import rule
from ..response.courses import End, Stop
from ..response.explain import PGIC_CHOICES
from .people import Patient, User


class PGICAnswer(models.Model):
    """The Patient Global Impression of Change, asked once per review point (SPEC §4)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="pgic_answers")
    course = models.PositiveSmallIntegerField(default=1)  # the treatment course (SPEC §4)
    review_point = models.PositiveSmallIntegerField()  # 1 = the 6-week review, 2 = the next
    value = models.PositiveSmallIntegerField(choices=PGIC_CHOICES)
    answered_on = models.DateField()
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "course", "review_point"], name="pgic_once_per_point"
            ),
            models.CheckConstraint(condition=Q(value__range=(1, 7)), name="pgic_value_range"),
            models.CheckConstraint(condition=Q(review_point__gte=1), name="pgic_point_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} · review {self.review_point}: {self.value}"


class AlertQuerySet(models.QuerySet["Alert"]):
    def open(self) -> AlertQuerySet:
        """Still asking for a clinician: not acknowledged, and not an episode that ended
        by itself (a not-logging run the patient ended by logging again)."""
        return self.filter(acknowledged_at__isnull=True, ended_on__isnull=True)

    def visible_to(self, user: User) -> AlertQuerySet:
        return self.filter(patient__in=Patient.objects.visible_to(user))


class Alert(models.Model):
    """A safety or follow-up signal (SPEC §5), kept after it is acknowledged."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(
        max_length=20, choices=[(k.value, alert_words.KIND_LABELS[k]) for k in Kind]
    )
    priority = models.PositiveSmallIntegerField(
        choices=[(p.value, alert_words.PRIORITY_LABELS[p]) for p in Priority]
    )
    on = models.DateField(help_text="The day: for an episode, the day it began.")
    until = models.DateField(null=True, blank=True, help_text="An episode's last day so far.")
    # Which source raised it (SPEC §5): "enrolment" for the enrolment answer, else "".
    source = models.CharField(max_length=10, blank=True, default="")
    # What the sentence needs (an opioid's name, a gap's length): worded when shown.
    params = models.JSONField(default=dict, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A not-logging episode the patient ended by logging again (or by stopping): the day
    # after its last empty day. Kept in the history; no longer open (issue 23).
    ended_on = models.DateField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "-on", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind", "source", "on"], name="alert_once_per_source"
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
    def urgent(self) -> bool:
        return self.priority == Priority.URGENT

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None and self.ended_on is None

    @property
    def text(self) -> str:
        return alert_words.text(self.kind, self.on, self.params)


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
    course = models.PositiveSmallIntegerField(default=1)  # the treatment course (SPEC §4)
    point = models.PositiveSmallIntegerField()  # 1 = the 6-week review, 2 = the next, …
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices)
    note = models.TextField(max_length=4000, blank=True)
    snapshot = models.JSONField()
    # The week of the next review point; none after a review that stopped LDN.
    next_week = models.PositiveSmallIntegerField(
        null=True, blank=True, default=rule.NEXT_REVIEW_WEEK
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A review recorded at the patient's previous clinic (moved with import_patient_json).
    recorded_elsewhere = models.CharField(max_length=200, blank=True)
    # For a review that stopped LDN: when the patient confirmed reading the safety advice.
    patient_told_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-course", "-point"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "course", "point"], name="review_once_per_point"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=ReviewOutcome.values), name="review_outcome_valid"
            ),
            models.CheckConstraint(condition=Q(point__gte=1), name="review_point_positive"),
            models.CheckConstraint(
                condition=Q(next_week__isnull=True) | Q(next_week__gte=1, next_week__lte=104),
                name="review_next_week_range",
            ),
            models.CheckConstraint(
                condition=Q(next_week__isnull=False) | Q(outcome="stop"),
                name="review_next_week_unless_stop",
            ),
            models.CheckConstraint(
                condition=Q(recorded_by__isnull=False) | ~Q(recorded_elsewhere=""),
                name="review_recorded_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} · review {self.point}: {self.get_outcome_display()}"


class StopReason(models.TextChoices):
    REVIEW = "review", "A review"
    PATIENT = "patient", "The patient's report"


class TreatmentStop(models.Model):
    """LDN stopped from `on` (SPEC §4): by a review with outcome "stop", or reported by the
    patient, which the clinician confirms. The course it ends is worked out from the diary."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="stops")
    on = models.DateField()
    reason = models.CharField(max_length=10, choices=StopReason.choices)
    review = models.OneToOneField(
        ClinicalReview, null=True, blank=True, on_delete=models.CASCADE, related_name="stop"
    )
    reported_by = models.ForeignKey(  # None: a review recorded at a previous clinic
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=StopReason.values), name="stop_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(reason="patient") | Q(review__isnull=False), name="stop_review_has_one"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(confirmed_by__isnull=False),
                name="stop_confirmed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} stopped on {self.on} ({self.reason})"

    @property
    def confirmed(self) -> bool:
        return self.reason == StopReason.REVIEW or self.confirmed_at is not None

    def as_rule(self) -> Stop:
        return Stop(self.on, End(self.reason))


class GapAnswer(models.Model):
    """The patient's answer to "did you keep taking LDN while you weren't logging?" about
    the unlogged gap after the dose day `after` (SPEC §4)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="gap_answers")
    after = models.DateField()
    kept_taking = models.BooleanField()
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "after"], name="gap_answered_once"),
        ]

    def __str__(self) -> str:
        return f"{self.patient} · gap after {self.after}: {self.kept_taking}"


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


def _text(value: Fraction | None) -> str:
    return "" if value is None else str(value)  # exact, e.g. "39/5"


class PatientSummary(models.Model):
    """The complete facts of a patient's diary (rule.Facts, baseline and window included),
    kept so any page reads one row per patient instead of a diary. Created with the patient
    and rewritten in the same transaction as every change that alters them: a diary entry,
    a PGIC answer, a review (services.status.refresh_patient), and nightly."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="summary")
    outcome = models.CharField(max_length=10)
    day_one = models.DateField(null=True)
    dose_mg = models.DecimalField(max_digits=4, decimal_places=2, null=True)
    dose_since = models.DateField(null=True)
    taken_days = models.PositiveIntegerField(default=0)
    last_entry = models.DateField(null=True)
    review_point = models.PositiveSmallIntegerField(default=1)
    review_week = models.PositiveSmallIntegerField(default=rule.REVIEW_WEEK)
    nominal = models.DateField(null=True)
    review_on = models.DateField(null=True)
    baseline_mean = models.CharField(max_length=40, blank=True)  # exact severity, "39/5"
    baseline_source = models.CharField(max_length=20, blank=True)  # "first_course" is 12
    baseline_logged = models.PositiveSmallIntegerField(default=0)
    window_first = models.DateField(null=True)
    window_last = models.DateField(null=True)
    window_logged_first = models.PositiveSmallIntegerField(default=0)
    window_logged_second = models.PositiveSmallIntegerField(default=0)
    window_mean = models.CharField(max_length=40, blank=True)
    verdict = models.CharField(max_length=20, blank=True)
    substantial = models.BooleanField(default=False)
    points = models.CharField(max_length=40, blank=True)  # an exact fraction, "13/14"
    fraction = models.CharField(max_length=40, blank=True)
    pgic = models.PositiveSmallIntegerField(null=True)
    judged = models.CharField(max_length=20, blank=True)  # the verdict before a discordance
    # As of the day it was computed (every change, and nightly): for the clinic's outcomes
    # and for Today, so neither reads a diary.
    adherence = models.DecimalField(max_digits=5, decimal_places=4, null=True)
    stable_after_days = models.PositiveIntegerField(null=True)  # day 1 to a 28-day dose
    side_effects = models.JSONField(default=list, blank=True)  # [{"effect", "state"}] today
    # For the panel, so a page of it reads one row per patient (issue 14): the primary
    # outcome over the 28 days ending `recent_until` (None: not logged), and the patient's
    # open alerts and last review, rewritten whenever an alert or a review changes.
    recent = models.JSONField(default=list, blank=True)
    recent_until = models.DateField(null=True, blank=True)
    open_alerts = models.PositiveIntegerField(default=0)
    urgent_alerts = models.PositiveIntegerField(default=0)
    last_review_at = models.DateTimeField(null=True, blank=True)
    # The current (or last) treatment course (SPEC §4).
    course = models.PositiveSmallIntegerField(default=0)
    last_dose = models.DateField(null=True)
    ended_on = models.DateField(null=True)  # stopped since: the course ended
    end_reason = models.CharField(max_length=10, blank=True)
    paused_since = models.DateField(null=True)
    gap_before = models.PositiveIntegerField(null=True)
    retitration = models.BooleanField(default=False)
    gap_question = models.DateField(null=True)
    review_dose = models.DecimalField(max_digits=4, decimal_places=2, null=True)  # SPEC §12
    # Every course as [day 1, last day or null] (ISO dates), for History's week labels.
    course_spans = models.JSONField(default=list, blank=True)
    # Trends' bedtime-or-morning comparison over every night of the diary (charts.py), kept
    # so the default Trends reads only its range (issue 24); None until first computed.
    timing_nights = models.JSONField(null=True, blank=True)
    # Where the side effects' settledness stood on `recent_until` (side_effects.settling_on:
    # {"course": false}, or {"course": true, "since": ISO date or null, "timing": …}), so a
    # night with nothing new carries it on without the diary (services/incremental.py).
    settling = models.JSONField(null=True, blank=True)
    # Every course in full (response.courses.as_json), oldest first, so the record's
    # default view shows them without the diary (issue 24); None until first computed.
    courses = models.JSONField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Summary of {self.patient}"

    SIMPLE = (
        "outcome", "day_one", "dose_mg", "dose_since", "taken_days", "last_entry",
        "review_point", "review_week", "nominal", "review_on", "substantial", "pgic",
        "course", "last_dose", "ended_on", "end_reason", "paused_since", "gap_before",
        "retitration", "gap_question", "review_dose",
    )  # fmt: skip

    @classmethod
    def values_from(cls, facts: rule.Facts) -> dict[str, Any]:
        """The row's columns for `facts`."""
        values = {name: getattr(facts, name) for name in cls.SIMPLE}
        b, w = facts.baseline, facts.window
        values |= {
            "verdict": facts.verdict.value if facts.verdict else "",
            "judged": facts.judged.value if facts.judged else "",
            "points": _text(facts.points),
            "fraction": _text(facts.fraction),
            "baseline_mean": _text(b.value) if b else "",
            "baseline_source": b.source if b else "",
            "baseline_logged": b.logged_days if b else 0,
            "window_first": w.first if w else None,
            "window_last": w.last if w else None,
            "window_logged_first": w.logged[0] if w else 0,
            "window_logged_second": w.logged[1] if w else 0,
            "window_mean": _text(w.mean) if w else "",
        }
        return values

    def facts(self) -> rule.Facts:
        baseline = window = None
        if self.baseline_source:
            baseline = rule.Baseline(
                Fraction(self.baseline_mean), self.baseline_source, self.baseline_logged
            )
        if self.window_first and self.window_last:
            window = rule.Window(
                self.window_first,
                self.window_last,
                (self.window_logged_first, self.window_logged_second),
                _fraction(self.window_mean),
            )
        return rule.Facts(
            **{name: getattr(self, name) for name in self.SIMPLE},
            baseline=baseline,
            window=window,
            verdict=rule.Verdict(self.verdict) if self.verdict else None,
            points=_fraction(self.points),
            fraction=_fraction(self.fraction),
            judged=rule.Verdict(self.judged) if self.judged else None,
        )
