"""The nightly re-evaluation carried on from the last one (services/incremental.py, issue
24) is the full re-evaluation: night after night, for every patient of the demo clinic
and of a generated clinic of 300 patients × 2 years, the summary row field by field and
every alert, as the carried-on night leaves them and as a full re-evaluation then finds
them. Most patients must take the carried-on path, or the comparison would prove little."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest

from tracker import demo
from tracker.models import (
    Alert,
    Clinic,
    DailyEntry,
    GapAnswer,
    Patient,
    PatientSummary,
    Prescription,
    TreatmentStop,
    User,
)
from tracker.services import incremental
from tracker.services.status import refresh_each, refresh_everyone

from .factories import ClinicFactory

ALERT_FIELDS = (
    "patient_id", "kind", "source", "priority", "on", "until", "params", "acknowledged_at",
    "ended_on",
)  # fmt: skip
NIGHTS = (1, 1, 3, 8)  # days the clock moves before each night: 13 days in all


def _snapshot(pks: list[int]) -> tuple[dict[int, dict[str, Any]], dict[int, tuple]]:
    summaries = {}
    for row in PatientSummary.objects.filter(patient_id__in=pks).values():
        row.pop("id"), row.pop("computed_at")
        summaries[row["patient_id"]] = row
    alerts = {
        pk: rest
        for pk, *rest in Alert.objects.filter(patient_id__in=pks).values_list("pk", *ALERT_FIELDS)
    }
    return summaries, alerts  # type: ignore[return-value]


def _differences(before: tuple, after: tuple) -> list[str]:
    (summaries, alerts), (full_summaries, full_alerts) = before, after
    found = []
    for pk, row in full_summaries.items():
        for name, value in row.items():
            if summaries[pk].get(name) != value:
                found.append(f"patient {pk} {name}: {summaries[pk].get(name)!r} ≠ {value!r}")
    for pk in sorted(set(alerts) | set(full_alerts)):
        if alerts.get(pk) != full_alerts.get(pk):
            found.append(f"alert {pk}: {alerts.get(pk)!r} ≠ {full_alerts.get(pk)!r}")
    return found


def _nights(clock, patients, caplog) -> list[int]:
    """Each night: carried on, then in full; no difference allowed (and no carry that
    failed over to the full evaluation). How many patients were carried on each night."""
    pks = sorted(patients.values_list("pk", flat=True))
    carried, moved = [], 0
    previous = _snapshot(pks)[1]
    for days in NIGHTS:
        clock.shift(dt.timedelta(days=days))
        rows = list(patients.select_related("user").order_by("pk"))
        done, full = incremental.reevaluate(rows)
        refresh_each(full)
        assert "carrying" not in caplog.text  # a carry that failed over to the full one
        carried_on = _snapshot(pks)
        refresh_everyone(patients)
        differences = _differences(carried_on, _snapshot(pks))
        assert not differences, "\n".join(differences[:20])
        carried.append(done)
        alerts = _snapshot(pks)[1]
        moved += sum(1 for pk, row in alerts.items() if previous.get(pk) != row)
        previous = alerts
    # The nights moved alerts (new not-logging runs, runs grown, reviews due): compared.
    assert moved >= len(NIGHTS), moved
    return carried


def test_the_demo_clinic_carried_on_is_the_demo_clinic_in_full(db, _clock, caplog):
    demo.seed()
    patients = Patient.objects.all()
    refresh_everyone(patients)  # every summary written as tonight's code writes it
    carried = _nights(_clock, patients, caplog)
    assert min(carried) >= patients.count() * 0.6, carried


def _generate(clinic: Clinic, size: int, days: int) -> None:
    """`size` patients × `days` days with what moves a night: silences of 0–25 days, dose
    and timing changes in the last weeks, side effects coming and going, lapses and
    restarts whose review falls in the nights, stops (one dated ahead), unlogged gaps with
    and without an answer, titration plans, severe headaches, an opioid, liver signs."""
    users = User.objects.bulk_create(
        User(email=f"g{i}@generated.example", role="patient", clinic=clinic) for i in range(size)
    )
    rng = random.Random(24)
    people = Patient.objects.bulk_create(
        Patient(user=u, condition="fibromyalgia", takes_opioids=False,
                primary_outcome=rng.choice(["pain", "pain", "mood"]),
                enrolment_answered_on=dt.date.today() - dt.timedelta(days=days))
        for u in users
    )  # fmt: skip
    PatientSummary.objects.bulk_create(PatientSummary(patient=p) for p in people)
    today = people[0].diary_today()
    entries: list[DailyEntry] = []
    for i, p in enumerate(people):
        r = random.Random(i)  # the same clinic whatever the database's ids
        kind = r.random()
        if kind < 0.04:
            continue  # never logged
        silence = r.choice([0, 0, 0, 1, 2, 2, 3, 4, 6, 9, 15, 25])
        first = today - dt.timedelta(days=days - 1)
        day_one = first + dt.timedelta(days=r.randint(7, 60)) if kind >= 0.08 else None
        lapse = restart = None
        if r.random() < 0.25 and day_one:
            restart = today - dt.timedelta(days=r.randint(20, 60))
            lapse = restart - dt.timedelta(days=r.randint(22, 40))
        changes = sorted(
            today - dt.timedelta(days=r.randint(3, 400)) for _ in range(r.randint(0, 3))
        )
        morning_from = today - dt.timedelta(days=r.randint(3, 40)) if r.random() < 0.3 else None
        hole = None
        if r.random() < 0.12:
            start = today - dt.timedelta(days=silence + r.randint(1, 60))
            hole = (start, start + dt.timedelta(days=r.randint(5, 30)))
        rates = {
            e: r.choice([0.05, 0.3, 0.8, 0.95]) for e in ("sleep", "headache", "gi", "fatigue")
        }
        effects_from = today - dt.timedelta(days=r.randint(0, 60))  # effects change then
        later = {e: r.choice([0.0, 0.5, 0.95]) for e in rates}
        if r.random() < 0.3 and day_one:
            Prescription.objects.bulk_create(
                Prescription(patient=p, dose_mg=Decimal(mg), start_date=day_one + dt.timedelta(days=k))
                for k, mg in ((0, "1.5"), (14, "3.0"), (28, "4.5"))
            )  # fmt: skip
        mg = Decimal("1.5")
        for n in range(days - silence):
            date = first + dt.timedelta(days=n)
            if hole and hole[0] <= date <= hole[1]:
                continue
            if r.random() < 0.07:
                continue  # a day not logged
            if date in changes:
                mg = r.choice([Decimal("1.5"), Decimal("3.0"), Decimal("4.5"), Decimal("3.5")])
            treated = (
                day_one is not None and date >= day_one and not (lapse and lapse <= date < restart)
            )
            taken = treated and r.random() > 0.06
            rate = later if date >= effects_from else rates
            disturbed = r.random() < rate["sleep"]
            entries.append(DailyEntry(
                patient=p, date=date, dose_taken=taken, dose_mg=mg if taken else None,
                time_taken=(dt.time(8) if morning_from and date >= morning_from else dt.time(22))
                if taken and r.random() > 0.1 else None,
                sleep_hours=Decimal("7"), sleep_quality=r.randint(1, 2) if disturbed else r.randint(3, 5),
                dreams="vivid" if disturbed and r.random() < 0.5 else "normal",
                headache=r.choice([2, 3]) if r.random() < rate["headache"] else r.choice([0, 1]),
                nausea=2 if r.random() < rate["gi"] else 0,
                fatigue=8 if r.random() < rate["fatigue"] else r.randint(2, 5),
                irritability=r.choice([0, 1]), pain=r.randint(2, 8), mood=r.randint(3, 8),
                opioid_taken=r.random() < 0.001, liver_signs=r.random() < 0.001,
            ))  # fmt: skip
        if r.random() < 0.1 and day_one:
            # Stopped in the last months, or on a day the nights reach (dated ahead).
            on = today - dt.timedelta(
                days=r.randint(-8, 100) if r.random() < 0.6 else -r.randint(0, 8)
            )
            TreatmentStop.objects.create(patient=p, on=on, reason="patient")
        if hole and r.random() < 0.5:
            GapAnswer.objects.create(
                patient=p, after=hole[0] - dt.timedelta(days=1), kept_taking=r.random() < 0.5
            )
    DailyEntry.objects.bulk_create(entries, batch_size=5000)


@pytest.mark.slow
def test_a_generated_clinic_carried_on_is_the_clinic_in_full(db, _clock, caplog):
    clinic = ClinicFactory(name="Generated clinic")
    _generate(clinic, 300, 730)
    patients = Patient.objects.filter(user__clinic=clinic)
    refresh_everyone(patients)
    assert Alert.objects.filter(patient__in=patients).values("kind").distinct().count() >= 8
    carried = _nights(_clock, patients, caplog)
    assert min(carried) >= 300 * 0.6, carried


def _doses(patient, back: range) -> None:
    """An ordinary dose logged on each of the days `back` days ago, then re-evaluated."""
    today = patient.diary_today()
    DailyEntry.objects.bulk_create(
        DailyEntry(patient=patient, date=today - dt.timedelta(days=n), dose_taken=True,
                   dose_mg=Decimal("4.5"), sleep_hours=Decimal("7"), sleep_quality=3,
                   dreams="normal", headache=0, pain=5, mood=5)
        for n in back
    )  # fmt: skip
    refresh_everyone(Patient.objects.filter(pk=patient.pk))


def test_a_patient_whose_diary_changed_is_evaluated_in_full(_clock, patient):
    """An entry written without the app's refresh (an admin's edit, a repair) is seen: the
    summary is older than the entry, so the carried-on night hands the patient over."""
    today = patient.diary_today()
    _doses(patient, range(1, 30))
    _clock.shift(dt.timedelta(days=1))
    assert incremental.reevaluate([patient]) == (1, [])
    _clock.shift(dt.timedelta(days=1))
    DailyEntry.objects.filter(patient=patient, date=today - dt.timedelta(days=5)).update(
        pain=9, updated_at=dt.datetime.now(dt.UTC)
    )
    assert incremental.reevaluate([patient]) == (0, [patient])


def test_a_patient_the_carry_fails_on_is_evaluated_in_full(_clock, patient, monkeypatch, caplog):
    """Nothing in the background dies silently: the failure is logged, and the night still
    re-evaluates the patient (in full)."""
    _doses(patient, range(3, 30))
    _clock.shift(dt.timedelta(days=1))

    def broken(*args, **kwargs):
        raise ValueError("a bug in carrying on")

    monkeypatch.setattr(incremental, "advance", broken)
    run = incremental.refresh_night(Patient.objects.filter(pk=patient.pk))
    assert (run.checked, run.failed) == (1, 0)
    assert "carrying a patient on failed" in caplog.text
    summary = PatientSummary.objects.get(patient=patient)
    assert summary.recent_until == patient.diary_today()
    assert Alert.objects.filter(patient=patient, kind="not_logging").exists()


def test_a_restart_without_its_own_baseline_week_is_stored(patient):
    """The summary keeps "first_course" (12 characters) as a restart's baseline source: the
    column was 10 characters, which PostgreSQL refused (found by the generated clinic)."""
    today = patient.diary_today()

    def day(n: int, taken: bool) -> DailyEntry:
        return DailyEntry(
            patient=patient, date=today - dt.timedelta(days=n), dose_taken=taken,
            dose_mg=Decimal("3") if taken else None, sleep_hours=Decimal("7"),
            sleep_quality=3, dreams="normal", headache=0, pain=6, mood=5,
        )  # fmt: skip

    first = [day(n, taken=n < 93) for n in range(100, 60, -1)]  # 7 days, then 33 doses
    DailyEntry.objects.bulk_create([*first, *(day(n, taken=True) for n in range(20, -1, -1))])
    GapAnswer.objects.create(
        patient=patient, after=today - dt.timedelta(days=61), kept_taking=False
    )
    refresh_everyone(Patient.objects.filter(pk=patient.pk))
    summary = PatientSummary.objects.get(patient=patient)
    assert (summary.course, summary.baseline_source) == (2, "first_course")
