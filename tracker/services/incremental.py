"""The nightly re-evaluation of patients nothing has changed for since their last one
(issue 24): the work is the days that rolled into the windows, not the whole diary.

Every change to what the rules read (a diary entry, a review, a stop, a PGIC answer, a
prescription) re-evaluates the patient in full as it is saved (status.refresh_patient), so
on a night with nothing new only the date has moved. What the date moves, with no entry
after the last evaluation's day (`recent_until`, here "then"):

- `rule.status(facts, today)`: the facts are the stored ones (the course, its day 1, the
  review point and the verdict are fixed by the diary) except the "did you keep taking
  LDN?" question about the gap since the last dose, which needs 21 days without one: a
  patient that close to it is evaluated in full;
- the not-logging run from the last entry to yesterday (`alert_rule.gaps`);
- the persistent side effects of the days after "then": each day's 14-day count from the
  last 28 days, its settledness from where it stood then (`PatientSummary.settling`: no
  dose was taken since, so it only ripens), and the run that was going on then, whose
  first day is the stored alert's;
- the review falling due, today's side effects, adherence, the 28 days of the panel's
  sparkline and the day a dose was first kept for 28 days.

Anything else (a summary from before `settling`, an entry saved after the summary, a stop
dated after "then", more than `MAX_NIGHTS` since, a stored alert that does not match the
stored summary) is evaluated in full, so the result is always the full one:
tests/test_incremental.py compares both, field by field and alert by alert, on the demo
clinic and a generated one."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, Q
from django.utils import timezone

from ..alerts import rule as alert_rule
from ..models import Alert, DailyEntry, Patient, PatientSummary, TreatmentStop
from ..response import courses as course_rule
from ..response import rule, side_effects
from ..response.days import Day
from .status import (
    RECENT_DAYS,
    AlertChanges,
    Run,
    adherence,
    logged_run,
    match_alerts,
    recent,
    refresh_each,
    today_effects,
)  # fmt: skip

log = logging.getLogger(__name__)

MAX_NIGHTS = 14  # the tail read (28 days) covers the 14-day windows of this many nights
BATCH = 250  # patients carried on in one transaction (a nightly batch is no larger)
URGENT = alert_rule.Priority.URGENT
ONE_DAY = dt.timedelta(days=1)
MOVING = (
    "recent", "recent_until", "side_effects", "adherence", "stable_after_days",
    "open_alerts", "urgent_alerts", "settling",
)  # fmt: skip


@dataclass(frozen=True)
class Then:
    """What the last evaluation left that the next nights carry on."""

    on: dt.date  # the day it was evaluated for (PatientSummary.recent_until)
    facts: rule.Facts
    spans: list[tuple[dt.date, dt.date | None]]
    settling: side_effects.Settling  # on `on`
    stable_after_days: int | None
    runs: dict[side_effects.Effect, tuple[dt.date, str]]  # persistent on `on`: first day, timing


@dataclass(frozen=True)
class Advanced:
    signals: list[alert_rule.Signal]
    values: dict[str, Any]  # the summary's columns that move with the date, but the alerts'


def advance(then: Then, tail: Sequence[Day], today: dt.date) -> Advanced | None:
    """The signals and the moving summary columns on `today`, from `then` and the diary's
    last 28 days (`tail`, none after `then.on`); None when only a full evaluation can say."""
    f = then.facts
    nights = (today - then.on).days
    if not 0 < nights <= MAX_NIGHTS or any(d.date > then.on for d in tail):
        return None
    running = f.day_one is not None and f.ended_on is None
    if running and f.last_dose is not None and (today - f.last_dose).days >= course_rule.LAPSE_DAYS:
        return None  # the gap since the last dose may now ask "did you keep taking LDN?"
    if then.spans and (last := then.spans[-1][1]) is not None and last > then.on:
        return None  # a course ending after `then` (a stop dated ahead)
    if running and then.settling is None:
        return None  # the summary disagrees with itself: only the diary can say
    # With no dose since, today is inside a course only if the last one still runs (a
    # course that ended on `then.on`, a stop dated that day, is over from the next).
    now = then.settling if running else None
    in_course = now is not None
    since, timing = now or (None, None)
    evaluation = rule.status(f, today)

    signals: list[alert_rule.Signal] = []
    for effect in side_effects.Effect:
        runs = _persistent(tail, effect, then, in_course, since, timing, today)
        if runs is None:
            return None
        signals += [alert_rule.persistent(effect, *run) for run in runs]
    if f.last_entry is not None:
        logged = Day(f.last_entry, False, None)  # the gaps read only the entries' dates
        signals += alert_rule.gaps([logged], today, course_rule.stopped_days(then.spans))
    review = alert_rule.review_signal(evaluation)
    if review is not None:
        signals.append(review)

    values = {
        "recent": recent(list(tail), f.outcome, today),
        "recent_until": today,
        "side_effects": today_effects(tail, today, now),
        "adherence": adherence(evaluation),
        "stable_after_days": _stable_after_days(then, today, running),
        "settling": side_effects.settling_json(now),
    }
    return Advanced(signals, values)


def _persistent(
    tail: Sequence[Day],
    effect: side_effects.Effect,
    then: Then,
    in_course: bool,
    since: dt.date | None,
    timing: str | None,
    today: dt.date,
) -> list[tuple[dt.date, dt.date, str | None]] | None:
    """The runs of days on which `effect` was persistent that reach past `then.on` (the
    one going on then continues from its stored first day); None when the stored alerts
    disagree with the diary about whether it was going on."""
    test = side_effects.PRESENT[effect]
    present = {d.date for d in tail if test(d)}

    def persistent(day: dt.date) -> bool:
        if not in_course or not side_effects.settled(since, day):
            return False
        first = day - dt.timedelta(days=side_effects.WINDOW - 1)
        return sum(1 for d in present if first <= d <= day) >= side_effects.PERSISTENT_DAYS

    going = then.runs.get(effect)
    if persistent(then.on) != (going is not None):
        return None
    start, when = (going[0], going[1] or None) if going else (None, None)
    found: list[tuple[dt.date, dt.date, str | None]] = []
    day, last = then.on + ONE_DAY, then.on
    while day <= today:
        if persistent(day):
            if start is None:
                start, when = day, timing
            last = day
        elif start is not None:
            if last > then.on:
                found.append((start, last, when))
            start = None
        day += ONE_DAY
    if start is not None and last > then.on:
        found.append((start, last, when))
    return found


def _stable_after_days(then: Then, today: dt.date, running: bool) -> int | None:
    """SPEC §12's day a dose was first kept for 28 days: found once, it stays; until then
    only the dose in use can reach 28 days, and only while the course runs."""
    f = then.facts
    if then.stable_after_days is not None or not running:
        return then.stable_after_days
    if f.dose_since is None or f.day_one is None:
        return None
    if rule.days_on(f.dose_since, today) >= rule.STABLE_DAYS:
        return (f.dose_since - f.day_one).days
    return None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def then_of(summary: PatientSummary, alerts: Iterable[Alert]) -> Then | None:
    """What `summary` and the patient's stored alerts carry, None for a summary written
    before `settling` was kept (or never)."""
    if summary.settling is None or summary.recent_until is None:
        return None
    settling = side_effects.settling_from_json(summary.settling)
    on = summary.recent_until
    kinds = {kind: effect for effect, kind in alert_rule.SIDE_EFFECT_KINDS.items()}
    runs: dict[side_effects.Effect, tuple[dt.date, str]] = {}
    for alert in alerts:
        effect = kinds.get(alert_rule.Kind(alert.kind))
        if effect is not None and alert.until == on and not alert.source:
            runs[effect] = (alert.on, alert.params.get("timing", ""))
    spans = [(_date(a), _date(b)) for a, b in summary.course_spans]
    return Then(on, summary.facts(), spans, settling, summary.stable_after_days, runs)  # type: ignore[arg-type]


def _update_moving(summaries: list[PatientSummary]) -> None:
    """One UPDATE of the moving columns of `summaries`, a CASE per column written as SQL
    here: bulk_update builds the same statement through expressions, at a cost (for 250
    rows) above the whole batch's rules; an upsert sends every column."""
    if not summaries:
        return
    table = connection.ops.quote_name(PatientSummary._meta.db_table)
    key = connection.ops.quote_name("patient_id")
    sets, params = [], []
    for name in (*MOVING, "computed_at"):
        field = PatientSummary._meta.get_field(name)
        assert isinstance(field, models.Field)
        typed = (
            f"CAST(%s AS {field.db_type(connection)})"
            if connection.vendor == "postgresql"
            else "%s"
        )
        cases = " ".join(f"WHEN %s THEN {typed}" for _ in summaries)
        sets.append(f"{connection.ops.quote_name(field.attname)} = CASE {key} {cases} END")
        for summary in summaries:
            value = field.get_db_prep_save(getattr(summary, field.attname), connection)
            params += [summary.patient_id, value]
    keys = ", ".join("%s" for _ in summaries)
    params += [s.patient_id for s in summaries]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {', '.join(sets)} WHERE {key} IN ({keys})", params)  # noqa: S608


def refresh_night(patients: Any) -> Run:
    """The nightly re-evaluation of the queryset `patients`: carried on where nothing
    changed (`reevaluate`), in full where something did or the carry cannot say."""
    rows = list(patients.order_by("pk"))
    theirs = Alert.objects.filter(patient_id__in=[p.pk for p in rows])
    before = theirs.count()
    checked = failed = 0
    for start in range(0, len(rows), BATCH):
        part = rows[start : start + BATCH]
        try:
            carried, full = reevaluate(part)
        except Exception:  # the batch's writes failed: each patient in full, on their own
            log.exception("carrying the night on failed", extra={"event": "carry_failed"})
            carried, full = 0, part
        done, failed_now = refresh_each(full)
        checked += carried + done
        failed += failed_now
    return logged_run(checked, failed, theirs.count() - before)


def reevaluate(patients: Sequence[Patient]) -> tuple[int, list[Patient]]:
    """Carry each of `patients` on to their today where nothing changed since their last
    evaluation, in one transaction and a handful of queries for all of them: how many
    were, and the patients that need a full evaluation (`status.refresh_each` them)."""
    pks = [p.pk for p in patients]
    full: list[Patient] = []
    checked = 0
    if not pks:
        return 0, full
    todays = {p.pk: p.diary_today() for p in patients}
    with transaction.atomic():
        # One refresh at a time per patient (as refresh_patient): a save waits for the batch.
        summaries = {
            s.patient_id: s
            for s in PatientSummary.objects.select_for_update()
            .filter(patient_id__in=pks)
            .order_by("patient_id")
        }
        first = min(todays.values()) - dt.timedelta(days=RECENT_DAYS - 1)
        tails: dict[int, list[Day]] = defaultdict(list)
        rows = (
            DailyEntry.objects.filter(patient_id__in=pks, date__gte=first)
            .order_by("patient_id", "date")
            .values_list("patient_id", *Day.FIELDS)
        )
        for pk, *fields in rows:
            tails[pk].append(Day(*fields))
        changed = set(  # an entry saved after the summary: an edit without its refresh
            Patient.objects.filter(pk__in=pks)
            .diary_changed()
            .filter(Q(diary_since_summary=True))
            .values_list("pk", flat=True)
        )
        stops: dict[int, list[dt.date]] = defaultdict(list)  # stops dated in the last weeks
        for pk, on in TreatmentStop.objects.filter(
            patient_id__in=pks, on__gt=first - dt.timedelta(days=MAX_NIGHTS)
        ).values_list("patient_id", "on"):
            stops[pk].append(on)
        # The alerts a carried-on night can touch: the review's, and the episodes reaching
        # into the last weeks (a persistent run or a not-logging run going on); of the
        # others, only whether each is open, for the summary's counts.
        reach = first - dt.timedelta(days=MAX_NIGHTS)
        touchable = Q(kind=alert_rule.Kind.REVIEW) | Q(
            kind__in=[*alert_rule.SIDE_EFFECT_KINDS.values(), alert_rule.Kind.NOT_LOGGING],
            until__gte=reach,
        )
        alerts: dict[int, list[Alert]] = defaultdict(list)
        for alert in Alert.objects.filter(touchable, patient_id__in=pks):
            alerts[alert.patient_id].append(alert)
        untouched = {
            row["patient_id"]: (row["open"], row["open_urgent"])
            for row in Alert.objects.filter(patient_id__in=pks)
            .open()
            .exclude(touchable)
            .values("patient_id")
            .annotate(open=Count("id"), open_urgent=Count("id", filter=Q(priority=URGENT)))
        }
        written: list[PatientSummary] = []
        changes = AlertChanges()
        for patient in patients:
            today, summary = todays[patient.pk], summaries.get(patient.pk)
            then = then_of(summary, alerts[patient.pk]) if summary else None
            if (
                then is None
                or patient.pk in changed
                or any(then.on < on <= today for on in stops[patient.pk])  # one took effect
            ):
                full.append(patient)
                continue
            try:
                advanced = advance(then, tails[patient.pk], today)
                if advanced is None:
                    full.append(patient)
                    continue
                mine = AlertChanges()
                priorities = match_alerts(patient, advanced.signals, alerts[patient.pk], mine)
            except Exception:  # logged, and the full evaluation tried instead
                log.exception(
                    "carrying a patient on failed",
                    extra={"event": "carry_failed", "patient": patient.pk},
                )
                full.append(patient)
                continue
            changes.add(mine)
            assert summary is not None
            for name, value in advanced.values.items():
                setattr(summary, name, value)
            others, others_urgent = untouched.get(patient.pk, (0, 0))
            summary.open_alerts = len(priorities) + others
            summary.urgent_alerts = sum(1 for p in priorities if p == URGENT) + others_urgent
            summary.computed_at = timezone.now()
            written.append(summary)
            checked += 1
        changes.write()
        _update_moving(written)
    return checked, full
