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
