"""Queries per page do not grow with the diary or the clinic (issue 14): each page takes
exactly as many queries with a week of diary as with more than a year, and the panel as
many for 5 patients as for 40 (it shows 25 at a time)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.models import DailyEntry
from tracker.services.status import refresh_patient

from .factories import EntryFactory, PatientFactory, login

PAGES = {
    "Today": ("patient", "/diary/"),
    "History": ("patient", "/history/"),
    "Trends": ("patient", "/trends/"),
    "Trends, all": ("patient", "/trends/?range=all"),
    "record": ("clinician", "/clinic/patients/{pk}/"),
    "record, all": ("clinician", "/clinic/patients/{pk}/?range=all"),
    "review": ("clinician", "/clinic/patients/{pk}/review/"),
    "prescription": ("clinician", "/clinic/patients/{pk}/prescription/"),
    "summary": ("clinician", "/clinic/patients/{pk}/summary/"),
}


def _count(client, path: str) -> int:
    client.get(path)  # the first request of a session writes its last-seen time
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _diary(patient, days: int) -> None:
    today = patient.diary_today()
    DailyEntry.objects.filter(patient=patient).delete()
    DailyEntry.objects.bulk_create(
        EntryFactory.build(patient=patient, date=today - dt.timedelta(days=n), pain=n % 9)
        for n in range(days)
    )
    refresh_patient(patient)


@pytest.mark.parametrize("name", PAGES)
def test_a_page_takes_the_same_queries_for_a_week_or_a_year_of_diary(
    client, patient, clinician, name
):
    who, path = PAGES[name]
    login(client, patient.user if who == "patient" else clinician)
    path = path.format(pk=patient.pk)
    counts = []
    for days in (7, 400):
        _diary(patient, days)
        counts.append(_count(client, path))
    assert counts[0] == counts[1], counts


def test_the_panel_takes_the_same_queries_for_5_or_40_patients(client, clinic, clinician):
    login(client, clinician)
    counts = []
    for more in (5, 35):
        for _ in range(more):
            _diary(PatientFactory(user__clinic=clinic, clinician=clinician), 30)
        counts.append(_count(client, "/clinic/"))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db(transaction=True)  # statements counted as production sends them
def test_recording_a_review_takes_few_statements_and_writes_the_summary_once(clinician, patient):
    """issue 20: it took 18 statements and 8 savepoints, and wrote the summary twice (once
    per closed alert, then in full). Now its review alert closes in one UPDATE and the
    summary is written once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker.models import Alert, Patient
    from tracker.services import clinical

    from .factories import diary_until_review

    diary_until_review(patient)
    assert Alert.objects.filter(patient=patient, kind="review", acknowledged_at=None).exists()
    ada = Patient.objects.select_related("user", "summary").get(pk=patient.pk)
    with CaptureQueriesContext(connection) as queries:
        clinical.record_review(
            patient=ada, point=1, outcome="continue", note="", next_week=12, by=clinician
        )
    sql = [q["sql"] for q in queries]
    statements = [s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))]
    assert len(statements) <= 14, statements  # 13, + the questionnaires' scores (issue 22)
    assert sum(s.startswith("SAVEPOINT") for s in sql) <= 1
    assert sum(s.startswith('UPDATE "tracker_alert"') for s in sql) == 1
    assert (
        sum("tracker_patientsummary" in s and s.startswith(("INSERT", "UPDATE")) for s in sql) == 1
    )
    assert not Alert.objects.filter(patient=patient, kind="review", acknowledged_at=None).exists()


@pytest.mark.django_db(transaction=True)  # statements counted as production sends them
def test_saving_a_day_writes_the_entry_and_the_summary_once(patient_client, patient):
    """issue 20: a diary save is one pass (evaluate, store the alerts, store the summary),
    with the request's own reads (session, user) counted too."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker.models import DailyEntry

    from .factories import valid_form_data

    day = patient.diary_today()
    with CaptureQueriesContext(connection) as queries:
        response = patient_client.post("/diary/", valid_form_data(day, pain="2"))
    assert response.status_code in (200, 302)
    sql = [q["sql"] for q in queries]
    statements = [s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))]
    assert len(statements) <= 15, statements
    assert sum(s.startswith("SAVEPOINT") for s in sql) <= 1
    writes = [s for s in sql if s.startswith(("INSERT", "UPDATE"))]
    assert sum('"tracker_dailyentry"' in s.split(" (")[0] for s in writes) == 1, writes
    assert sum('"tracker_patientsummary"' in s.split(" SET")[0] for s in writes) == 1, writes
    assert DailyEntry.objects.get(patient=patient, date=day).pain == 2
