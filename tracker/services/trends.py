"""What the Trends charts read (issue 24): for a range of 4 or 12 weeks, only its days (and
the last entries before it, `EntryQuerySet.for_range`) and the stored summary's comparison
of every night, so the page costs the same whatever the diary's length; "all" reads all."""

from __future__ import annotations

from collections.abc import Sequence

from .. import charts
from ..models import DailyEntry, Patient
from ..response.doses import Step
from ..response.rule import Evaluation


def trends(
    patient: Patient, evaluation: Evaluation, chosen: str, plan: Sequence[Step] = ()
) -> charts.Trends:
    entries = DailyEntry.objects.for_patient(patient)
    first = charts.window_start(chosen, evaluation.today)
    stored = getattr(patient, "summary", None)
    nights = stored.timing_nights if stored is not None else None
    if first is None or nights is None:  # "all", or a summary from before it kept them
        return charts.trends(entries.days(), evaluation, chosen, plan=plan)
    return charts.trends(
        entries.for_range(first, evaluation.today), evaluation, chosen, plan=plan,
        comparison=[charts.TimingGroup(**group) for group in nights],
    )  # fmt: skip
