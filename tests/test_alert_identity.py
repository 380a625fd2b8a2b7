"""Which alert is which (SPEC §5, issue 18), through the database: one alert per source, an
episode's alert updated instead of a second one raised, acknowledgements never lost, "not
logging" counted in whole days the same at night and after a save."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps
from django.utils import timezone

from tracker.alerts.rule import Priority
from tracker.models import Alert, DailyEntry, PatientSummary
from tracker.services import clinical
from tracker.services.diary import answer_enrolment
from tracker.services.status import refresh_everyone, refresh_patient

from .factories import EntryFactory, login, valid_form_data


def diary(patient, first: int, last: int, **values) -> None:
    """Entries for the days `first`…`last` before today (0 = today), stored at once."""
    today = patient.diary_today()
    DailyEntry.objects.bulk_create(
        EntryFactory.build(patient=patient, date=today - dt.timedelta(days=n), **values)
        for n in range(last, first - 1, -1)
    )


def test_an_opioid_logged_on_the_day_of_an_acknowledged_enrolment_alert_is_its_own_alert(
    patient_client, patient, clinician
):
    answer_enrolment(patient=patient, medicines="", takes_opioids=True, pregnancy="no")
    enrolment = Alert.objects.get(patient=patient, kind="opioid")
    assert enrolment.source == "enrolment"
    clinical.acknowledge_alert(alert=enrolment, by=clinician)
    today = patient.diary_today()
    patient_client.post(
        "/diary/", valid_form_data(today, opioid_taken="yes", opioid_name="tramadol")
    )
    diary_alert = Alert.objects.get(patient=patient, kind="opioid", source="")
    assert (diary_alert.on, diary_alert.priority) == (today, Priority.URGENT)
    assert diary_alert.acknowledged_at is None and "tramadol" in diary_alert.text
    assert PatientSummary.objects.get(patient=patient).urgent_alerts == 1


def test_the_opioids_name_added_later_is_shown_on_its_alert(patient_client, patient):
    today = patient.diary_today()
    patient_client.post("/diary/", valid_form_data(today, opioid_taken="yes"))
    patient_client.post(
        "/diary/",
        valid_form_data(today, opioid_taken="yes", opioid_name="codeine", version="1"),
    )
    (alert,) = Alert.objects.filter(patient=patient, kind="opioid")
    assert "codeine" in alert.text


def test_a_backfilled_day_extends_the_headache_episode_instead_of_raising_a_second_alert(
    patient_client, patient
):
    diary(patient, 1, 20)
    DailyEntry.objects.filter(
        patient=patient, date__in=[patient.diary_today() - dt.timedelta(days=n) for n in (2, 3, 4)]
    ).update(headache=3)
    refresh_patient(patient)
    (alert,) = Alert.objects.filter(patient=patient, kind="headache_run")
    today = patient.diary_today()
    assert (alert.on, alert.until) == (today - dt.timedelta(days=4), today - dt.timedelta(days=2))
    day5 = today - dt.timedelta(days=5)
    entry = DailyEntry.objects.get(patient=patient, date=day5)
    patient_client.post("/diary/", valid_form_data(day5, headache="3", version=str(entry.version)))
    (alert,) = Alert.objects.filter(patient=patient, kind="headache_run")
    assert alert.on == day5 and alert.params["days"] == 4
    assert PatientSummary.objects.get(patient=patient).urgent_alerts == 1


def test_joined_episodes_become_one_alert_keeping_the_acknowledgement(
    patient_client, patient, clinician
):
    diary(patient, 1, 20)
    today = patient.diary_today()
    severe = [today - dt.timedelta(days=n) for n in (9, 8, 7, 5, 4, 3)]
    DailyEntry.objects.filter(patient=patient, date__in=severe).update(headache=3)
    refresh_patient(patient)
    first, _second = Alert.objects.filter(patient=patient, kind="headache_run").order_by("on")
    clinical.acknowledge_alert(alert=first, by=clinician)
    first.refresh_from_db()
    seen_at = first.acknowledged_at
    day6 = today - dt.timedelta(days=6)
    entry = DailyEntry.objects.get(patient=patient, date=day6)
    patient_client.post("/diary/", valid_form_data(day6, headache="3", version=str(entry.version)))
    (joined,) = Alert.objects.filter(patient=patient, kind="headache_run")
    assert joined.pk == first.pk
    assert (joined.on, joined.until) == (today - dt.timedelta(days=9), today - dt.timedelta(days=3))
    assert (joined.acknowledged_by, joined.acknowledged_at) == (clinician, seen_at)


def test_a_new_episode_after_a_day_without_the_trigger_is_a_new_alert(patient):
    diary(patient, 1, 20)
    today = patient.diary_today()
    severe = [today - dt.timedelta(days=n) for n in (9, 8, 7, 5, 4, 3)]
    DailyEntry.objects.filter(patient=patient, date__in=severe).update(headache=3)
    refresh_patient(patient)
    assert Alert.objects.filter(patient=patient, kind="headache_run").count() == 2


def test_not_logging_counts_whole_days_and_the_nightly_run_agrees_with_a_save(
    patient_client, patient, _clock
):
    diary(patient, 3, 20)  # the last entry 3 days ago: 2 whole days without one, today open
    refresh_everyone()
    assert not Alert.objects.filter(patient=patient, kind="not_logging").exists()
    _clock.shift(dt.timedelta(days=1))  # the next night: 3 whole days
    refresh_everyone()
    (night,) = Alert.objects.filter(patient=patient, kind="not_logging")
    today = patient.diary_today()
    assert (night.on, night.until) == (today - dt.timedelta(days=3), today - dt.timedelta(days=1))
    patient_client.post("/diary/", valid_form_data(today))
    (after_save,) = Alert.objects.filter(patient=patient, kind="not_logging")
    assert (after_save.pk, after_save.on, after_save.until) == (night.pk, night.on, night.until)
    assert after_save.params["until"] == (today - dt.timedelta(days=1)).isoformat()


def test_a_not_logging_episode_ends_when_the_patient_logs_again_and_stays_in_history(
    patient_client, client, patient, clinician, _clock
):
    """Issue 23: four open "Not logging" alerts were four clicks; one that the patient ended
    by logging again asks nothing more of the clinician, and is kept, worded as over."""
    diary(patient, 4, 20)
    refresh_everyone()
    (gap,) = Alert.objects.filter(patient=patient, kind="not_logging")
    assert gap.ended_on is None and Alert.objects.open().filter(pk=gap.pk).exists()
    assert PatientSummary.objects.get(patient=patient).open_alerts == 1
    today = patient.diary_today()
    patient_client.post("/diary/", valid_form_data(today))
    gap.refresh_from_db()
    assert gap.ended_on == today and gap.acknowledged_at is None
    assert not Alert.objects.open().filter(pk=gap.pk).exists()
    assert PatientSummary.objects.get(patient=patient).open_alerts == 0
    refresh_everyone()  # the nightly run agrees: still ended, still one alert
    (again,) = Alert.objects.filter(patient=patient, kind="not_logging")
    assert (again.pk, again.ended_on) == (gap.pk, today)
    login(client, clinician)
    html = client.get(f"/clinic/patients/{patient.pk}/").content.decode()
    assert "the gap in the diary is over. Nothing to acknowledge." in html
    assert f"/clinic/alerts/{gap.pk}/acknowledge/" not in html


def test_a_gap_still_going_on_stays_open(patient, _clock):
    diary(patient, 5, 20)
    refresh_everyone()
    (gap,) = Alert.objects.filter(patient=patient, kind="not_logging")
    assert gap.ended_on is None and gap.is_open


def test_nothing_is_called_expected_in_the_baseline_week(patient_client, patient):
    patient.prescriptions.update(start_date=patient.diary_today() + dt.timedelta(days=3))
    diary(patient, 1, 6, dose_taken=False, dose_mg=None, time_taken=None, headache=2)
    refresh_patient(patient)
    patient_client.post(
        "/diary/",
        valid_form_data(patient.diary_today(), dose_taken="no", headache="2"),
    )
    html = patient_client.get("/diary/").content.decode()
    assert "Headaches are common early on a dose" not in html
    assert PatientSummary.objects.get(patient=patient).side_effects == []


def test_the_migration_keeps_every_acknowledgement(patient, clinician):
    """Existing alerts gain their source and last day; who acknowledged and when stay."""
    seen = timezone.now()
    today = patient.diary_today()
    enrolment = Alert.objects.create(
        patient=patient, kind="opioid", priority=0, on=today, params={"source": "enrolment"},
        acknowledged_at=seen, acknowledged_by=clinician,
    )  # fmt: skip
    run = Alert.objects.create(
        patient=patient, kind="headache_run", priority=0, on=today - dt.timedelta(days=5),
        params={"days": 4}, acknowledged_at=seen, acknowledged_by=clinician,
    )  # fmt: skip
    migration = importlib.import_module("tracker.migrations.0016_courses_and_alert_sources")
    migration.forward(apps, None)
    enrolment.refresh_from_db()
    run.refresh_from_db()
    assert enrolment.source == "enrolment"
    assert run.until == today - dt.timedelta(days=2)
    for alert in (enrolment, run):
        assert (alert.acknowledged_at, alert.acknowledged_by) == (seen, clinician)


def test_the_migration_ends_the_gaps_already_over_and_only_those(patient):
    today = patient.diary_today()
    over = Alert.objects.create(
        patient=patient, kind="not_logging", priority=2, on=today - dt.timedelta(days=9),
        until=today - dt.timedelta(days=6), params={"until": str(today - dt.timedelta(days=6))},
    )  # fmt: skip
    going_on = Alert.objects.create(
        patient=patient, kind="not_logging", priority=2, on=today - dt.timedelta(days=3),
        until=today - dt.timedelta(days=1), params={"days": 3},
    )  # fmt: skip
    migration = importlib.import_module("tracker.migrations.0026_alert_ended_on")
    migration.end_closed_gaps(apps, None)
    over.refresh_from_db()
    going_on.refresh_from_db()
    assert (over.ended_on, going_on.ended_on) == (today - dt.timedelta(days=5), None)
