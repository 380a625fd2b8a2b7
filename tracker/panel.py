"""The clinician's panel: their patients, most in need of attention first (SPEC §5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from .alerts.rule import NOT_LOGGING_DAYS, Priority
from .models import Patient, User
from .review.rule import Evaluation


@dataclass(frozen=True)
class PanelRow:
    patient: Patient
    status: Evaluation
    open_alerts: int
    urgent_alerts: int

    @property
    def silent_days(self) -> int | None:
        """Days since the last entry (None: never logged)."""
        last = self.status.last_entry
        return None if last is None else (self.status.today - last).days

    @property
    def not_logging(self) -> bool:
        return self.silent_days is None or self.silent_days >= NOT_LOGGING_DAYS

    def sort_key(self) -> tuple[int, int, dt.date, str, str, int]:
        """Urgent alerts first, then review due, then the longest silence (SPEC §5); ties
        by name, then by id, so the order never changes between two requests."""
        user = self.patient.user
        return (
            0 if self.urgent_alerts else 1,
            0 if self.status.review_due else 1,
            self.status.last_entry or dt.date.min,
            user.last_name.lower(),
            user.first_name.lower(),
            self.patient.pk,
        )


def panel(clinician: User, *, q: str = "", **filters: Any) -> list[PanelRow]:
    """The clinician's patients as the panel lists them: one query, whatever their number
    (each patient's status comes from their stored summary, not their whole diary)."""
    open_alert = Q(alerts__acknowledged_at__isnull=True)
    patients = (
        Patient.objects.visible_to(clinician)
        .select_related("user", "summary")
        .annotate(
            open_alerts=Count("alerts", filter=open_alert),
            urgent_alerts=Count("alerts", filter=open_alert & Q(alerts__priority=Priority.URGENT)),
        )
    )
    for word in q.split():
        patients = patients.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    rows = [
        PanelRow(p, p.status(), p.open_alerts, p.urgent_alerts)  # type: ignore[attr-defined]
        for p in patients
    ]
    if filters.get("alerts"):
        rows = [r for r in rows if r.open_alerts]
    if filters.get("review"):
        rows = [r for r in rows if r.status.review_due]
    if filters.get("silent"):
        rows = [r for r in rows if r.not_logging]
    return sorted(rows, key=PanelRow.sort_key)
