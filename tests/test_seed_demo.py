"""The demo clinic: idempotent, development only, and full of the stories SPEC §4–5 need."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from tracker import demo
from tracker.models import Alert, DailyEntry, Patient, Prescription, User


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_creates_a_clinic_with_staff_and_patients(seeded):
    assert User.objects.filter(role="clinic_admin").count() == 1
    assert User.objects.filter(role="clinician").count() == 2
    assert Patient.objects.count() >= 12
    assert "ldn-demo-clinic-2026" in seeded
    assert "grace@demo.ldn-tracker.example" in seeded


def test_running_it_twice_changes_nothing(seeded):
    counts = (User.objects.count(), DailyEntry.objects.count(), Prescription.objects.count())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "already here" in out.getvalue()
    assert (
        User.objects.count(),
        DailyEntry.objects.count(),
        Prescription.objects.count(),
    ) == counts


def test_it_refuses_to_run_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs in development"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_at_least_twelve_patients_have_four_to_sixteen_weeks_of_diary(seeded):
    spans = []
    for patient in Patient.objects.all():
        dates = list(patient.entries.values_list("date", flat=True))
        spans.append((max(dates) - min(dates)).days + 1)
    assert sum(1 for span in spans if 28 <= span <= 112) >= 12


def test_patients_with_a_diary_before_day_one_have_baseline_days(seeded):
    grace = Patient.objects.get(user__email=demo.email("grace"))
    first_dose = grace.entries.filter(dose_taken=True).order_by("date").first().date
    assert grace.entries.filter(date__lt=first_dose).count() == 7


def test_the_stories_are_in_the_data(seeded):
    def patient(name):
        return Patient.objects.get(user__email=demo.email(name))

    assert patient("liam").entries.filter(opioid_taken=True).exists()
    assert patient("eli").entries.filter(liver_signs=True).exists()
    assert patient("zoe").entries.filter(headache=3).count() >= 3
    sam = patient("sam").entries
    assert (
        sam.filter(time_taken__hour__lt=12, dreams="vivid").count()
        < sam.filter(time_taken__hour__gte=20, dreams__in=["vivid", "nightmares"]).count()
    )
    nora = patient("nora")
    assert (nora.diary_today() - nora.entries.order_by("date").last().date).days == 5
    assert patient("hannah").baseline_pain == 7
    assert patient("maya").primary_outcome == "mood"
    assert patient("felix").entries.filter(dose_taken=True).count() == 0


@pytest.mark.parametrize("story", demo.STORIES, ids=lambda s: s.email)
def test_each_demo_patient_shows_the_status_it_was_built_for(seeded, story):
    patient = Patient.objects.get(user__email=demo.email(story.email))
    evaluation = patient.status()
    assert (evaluation.verdict or evaluation.phase) == story.expect


def test_the_demo_raises_the_alerts_its_stories_need(seeded):
    def kinds(name):
        return set(
            Alert.objects.filter(patient__user__email=demo.email(name)).values_list(
                "kind", flat=True
            )
        )

    assert "opioid" in kinds("liam")
    assert "liver" in kinds("eli")
    assert "headache_run" in kinds("zoe")
    assert "not_logging" in kinds("nora")
    assert "retitration" in kinds("june")
    assert "sleep" in kinds("sam")
    assert "review" in kinds("tom")
    assert kinds("felix") == set()


def test_the_demo_has_a_patient_who_stopped_and_restarted(seeded):
    from tracker.response.courses import End

    june = Patient.objects.get(user__email=demo.email("june"))
    evaluation = june.status()
    assert evaluation.course == 2 and evaluation.retitration
    assert evaluation.day_one == june.diary_today() - dt.timedelta(days=70 - 46)
    stop = june.stops.get()
    assert stop.reason == End.PATIENT and stop.confirmed
