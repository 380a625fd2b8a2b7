"""Validated questionnaires for a patient (SPEC §14): their bundle (set at enrolment from the
condition and the clinic's licences, changed by the clinician), what is due, saving each
answer as it is given (resumable), completing and scoring, revisions, and the urgent alert
PHQ-9 item 9 raises at once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import audit, instruments
from ..alerts.rule import Kind, Priority
from ..instruments import schedule, scoring
from ..instruments.due import completed, occasions
from ..models import (
    Alert,
    AuditAction,
    ClinicLicence,
    Patient,
    PatientInstrument,
    QuestionnaireAnswer,
    User,
)
from .clinician_notices import announce_urgent
from .status import store_alert_counts


class NotDue(Exception):
    """The questionnaire is not open for this patient on this occasion (or not theirs)."""


class Unanswerable(Exception):
    """An answer that is not one of the item's options, or an item the instrument lacks."""


def licensed(clinic_id: int | None) -> set[str]:
    if clinic_id is None:
        return set()
    return set(
        ClinicLicence.objects.filter(clinic_id=clinic_id).values_list("instrument", flat=True)
    )


def available(clinic_id: int | None) -> list[instruments.Instrument]:
    """The instruments this clinic may use: the free ones, and those it holds a licence for."""
    held = licensed(clinic_id)
    return [i for i in instruments.all_instruments() if not i.needs_licence or i.key in held]


def set_default_bundle(patient: Patient) -> None:
    """At enrolment: the condition's bundle (SPEC §14), with the clinic's licences."""
    chosen = schedule.default_bundle(patient.condition, licensed(patient.user.clinic_id))
    PatientInstrument.objects.bulk_create(
        [PatientInstrument(patient=patient, instrument=key, at_reviews=at) for key, at in chosen],
        ignore_conflicts=True,
    )


def open_occasion(patient: Patient, key: str, occasion: str) -> schedule.Occasion:
    """The occasion if the patient may answer it now (due, or answered and still open: a
    re-answer is a revision); else NotDue."""
    today = patient.diary_today()
    for found in occasions(patient, today):
        if found.instrument == key and found.key == occasion:
            still_open = found.opens <= today and (found.closes is None or today <= found.closes)
            if found.state == schedule.State.DUE or (
                found.state == schedule.State.ANSWERED and still_open
            ):
                return found
    raise NotDue


def _row(patient: Patient, found: schedule.Occasion) -> QuestionnaireAnswer:
    """The answer row of the occasion, locked; made if new (two at once make one)."""
    rows = QuestionnaireAnswer.objects.select_for_update()
    try:
        with transaction.atomic():
            row, _ = rows.get_or_create(
                patient=patient, instrument=found.instrument, occasion=found.key,
                defaults={"due_on": found.day},
            )  # fmt: skip
    except IntegrityError:
        row = rows.get(patient=patient, instrument=found.instrument, occasion=found.key)
    return row


def _reopen(row: QuestionnaireAnswer) -> None:
    """A completed answer changed inside its window: the version before is kept."""
    row.revisions = [
        *row.revisions,
        {
            "version": row.version,
            "answers": row.answers,
            "score": str(row.score) if row.score is not None else None,
            "completed_at": row.completed_at.isoformat() if row.completed_at else None,
        },
    ]
    row.version += 1
    row.status = QuestionnaireAnswer.Status.IN_PROGRESS
    row.completed_at = None
    row.completed_on = None


@dataclass(frozen=True)
class Saved:
    answer: QuestionnaireAnswer
    self_harm: bool  # PHQ-9 item 9 above 0: show the crisis text now


@transaction.atomic
def record_item(
    *, patient: Patient, key: str, occasion: str, link_id: str, value: Any, by: User
) -> Saved:
    """One item answered (saved at once, so a reload resumes where the patient was)."""
    found = open_occasion(patient, key, occasion)
    instrument = instruments.get(key)
    item = instrument.item(link_id)
    try:
        score = int(value)
    except (TypeError, ValueError):
        raise Unanswerable from None
    if item is None or score not in {o.score for o in item.options}:
        raise Unanswerable
    row = _row(patient, found)
    if row.answers.get(link_id) == score:
        return Saved(row, _self_harm(key, row.answers))  # a double tap: nothing changes
    if row.status == QuestionnaireAnswer.Status.COMPLETED:
        _reopen(row)
    row.answers = {**row.answers, link_id: score}
    row.save()
    harm = _self_harm(key, row.answers)
    if harm:
        raise_self_harm(patient, row)
    return Saved(row, harm)


def _self_harm(key: str, answers: dict[str, int]) -> bool:
    return key == "phq-9" and scoring.SELF_HARM in scoring.score(key, answers).flags


def raise_self_harm(patient: Patient, row: QuestionnaireAnswer) -> None:
    """The urgent alert, once per answer (SPEC §14), and its email within minutes."""
    day = patient.diary_today()
    _, made = Alert.objects.get_or_create(
        patient=patient, kind=Kind.SELF_HARM, source=f"q{row.pk}"[:10], on=day,
        defaults={"priority": Priority.URGENT, "params": {"occasion": row.occasion}},
    )  # fmt: skip
    if made:
        store_alert_counts(patient.pk)
        announce_urgent(patient)


@transaction.atomic
def complete(
    *, patient: Patient, key: str, occasion: str, by: User, ip: str | None = None
) -> QuestionnaireAnswer:
    """Score the answers (SPEC §14) and mark them complete; twice is once."""
    found = open_occasion(patient, key, occasion)
    row = _row(patient, found)
    if row.status == QuestionnaireAnswer.Status.COMPLETED:
        return row
    result = scoring.score(key, row.answers)
    row.score, row.band, row.flags = result.value, result.band, list(result.flags)
    row.status = QuestionnaireAnswer.Status.COMPLETED
    row.completed_at = timezone.now()
    row.completed_on = patient.diary_today()
    row.save()
    audit.record(actor=by, action=AuditAction.ANSWER_QUESTIONNAIRE, patient=patient, obj=row, ip=ip)
    return row


@dataclass(frozen=True)
class Result:
    """One completed answer as the record, summary and exports show it."""

    answer: QuestionnaireAnswer
    change: Decimal | None  # from the baseline answer
    meaningful: bool | None  # at or beyond the minimal important difference


def results(
    patient: Patient, rows: list[QuestionnaireAnswer] | None = None
) -> dict[str, list[Result]]:
    """Every completed answer by instrument, oldest first, each with its change from the
    baseline and whether that reaches the minimal important difference (SPEC §14)."""
    out: dict[str, list[Result]] = {}
    if rows is None:
        rows = completed(patient)
    for row in rows:
        kept = out.setdefault(row.instrument, [])
        baseline = next(
            (
                r.answer
                for r in kept
                if r.answer.occasion == "baseline" and r.answer.score is not None
            ),
            None,
        )
        change = meaningful = None
        if baseline is not None and row.score is not None and row is not baseline:
            change = row.score - baseline.score  # type: ignore[operator]
            meaningful = scoring.reaches_mid(row.instrument, baseline.score, row.score)  # type: ignore[arg-type]
        kept.append(Result(row, change, meaningful))
    return out


@transaction.atomic
def change_bundle(
    *, patient: Patient, chosen: dict[str, int], by: User, ip: str | None = None
) -> None:
    """The clinician's choice: the instruments asked (each with 0, 2 or 4 weeks between
    extra askings); answers already given stay."""
    current = {pi.instrument: pi for pi in patient.instruments.all()}
    for key in set(current) - set(chosen):
        current[key].delete()
    for key, every in chosen.items():
        if key in current:
            if current[key].every_weeks != every:
                current[key].every_weeks = every
                current[key].save(update_fields=["every_weeks"])
        else:
            PatientInstrument.objects.create(
                patient=patient, instrument=key, every_weeks=every, added_by=by
            )
    audit.record(actor=by, action=AuditAction.CHANGE_QUESTIONNAIRES, patient=patient, ip=ip)


@transaction.atomic
def record_licence(
    *, clinic_id: int, key: str, holder: str, by: User, ip: str | None = None
) -> ClinicLicence:
    licence, _ = ClinicLicence.objects.update_or_create(
        clinic_id=clinic_id, instrument=key, defaults={"holder": holder, "recorded_by": by}
    )
    audit.record(actor=by, action=AuditAction.RECORD_LICENCE, obj=licence, ip=ip)
    return licence
