"""The clinician's panel: sorted by need, filtered and searched in the URL, constant queries."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.models import DailyEntry
from tracker.services.status import refresh_patient

from .factories import EntryFactory, PatientFactory, login


def diary(patient, days, *, ago=0, **values):
    today = patient.diary_today()
    DailyEntry.objects.bulk_create(
        EntryFactory.build(patient=patient, date=today - dt.timedelta(days=ago + n), **values)
        for n in range(days)
    )
    refresh_patient(patient)


@pytest.fixture
def clinic_patients(clinic, clinician):
    """Four patients of `clinician`, one for each reason to be near the top."""

    def make(name, **kw):
        return PatientFactory(
            user__first_name=name,
            user__last_name="Test",
            user__clinic=clinic,
            clinician=clinician,
            **kw,
        )

    quiet = make("Quinn")  # logs daily, nothing to see
    diary(quiet, 20)
    silent = make("Sasha")  # stopped logging 6 days ago
    diary(silent, 20, ago=6)
    due = make("Dana")  # 6-week review due today, pain unchanged since the week before LDN
    diary(due, 7, ago=42, dose_taken=False, dose_mg=None, time_taken=None)
    diary(due, 42)
    urgent = make("Uma")  # took an opioid
    diary(urgent, 10)
    EntryFactory(
        patient=urgent,
        date=urgent.diary_today() - dt.timedelta(days=12),
        opioid_taken=True,
        opioid_name="codeine",
    )
    refresh_patient(urgent)
    return {"quiet": quiet, "silent": silent, "due": due, "urgent": urgent}


def names(response):
    return [row.patient.user.first_name for row in response.context["rows"]]


def test_urgent_first_then_review_due_then_longest_silence(client, clinician, clinic_patients):
    login(client, clinician)
    assert names(client.get("/clinic/")) == ["Uma", "Dana", "Sasha", "Quinn"]


def test_each_row_shows_what_a_clinician_needs(client, clinician, clinic_patients):
    login(client, clinician)
    html = client.get("/clinic/").content.decode()
    assert "Review due · No response" in html
    assert "1 open, 1 urgent" in html
    assert "6 days ago" in html
    assert "Fibromyalgia" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("alerts=on", ["Uma", "Dana", "Sasha"]),
        ("review=on", ["Dana"]),
        ("silent=on", ["Sasha"]),
        ("q=sas", ["Sasha"]),
        ("q=test+uma", ["Uma"]),
        ("q=nobody", []),
    ],
)
def test_filters_and_search_come_from_the_url(client, clinician, clinic_patients, query, expected):
    login(client, clinician)
    assert names(client.get(f"/clinic/?{query}")) == expected


def test_htmx_gets_only_the_results(client, clinician, clinic_patients):
    login(client, clinician)
    response = client.get("/clinic/?review=on", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "Dana" in html and "Quinn" not in html


def test_a_clinician_sees_only_assigned_patients(client, other_clinician, clinic_patients):
    login(client, other_clinician)
    assert names(client.get("/clinic/")) == []


def add_patients(clinic, clinician, count, *, never_logged=0, days=14):
    """`count` patients with `days` of diary, and `never_logged` invited who never logged."""
    patients = [PatientFactory(user__clinic=clinic, clinician=clinician) for _ in range(count)]
    for _ in range(never_logged):
        PatientFactory(user__clinic=clinic, clinician=clinician)
    today = patients[0].diary_today()
    DailyEntry.objects.bulk_create(
        (
            EntryFactory.build(patient=p, date=today - dt.timedelta(days=n))
            for p in patients
            for n in range(days)
        ),
        batch_size=2000,
    )
    for p in patients:
        refresh_patient(p)


def test_the_panel_costs_the_same_queries_for_5_or_300_patients_half_never_logged(
    client, clinic, clinician, django_assert_max_num_queries
):
    """Issue 9: a patient without a stored summary cost 3 more queries each (69 with 22).
    The count may not depend on how many patients there are, nor on who has logged."""
    login(client, clinician)
    counts = []
    for logged, silent in ((5, 0), (145, 150)):  # then 300 in all, half never logged
        add_patients(clinic, clinician, logged, never_logged=silent)
        client.get("/clinic/")  # the session's first page writes its last-seen time
        with django_assert_max_num_queries(10) as captured:
            response = client.get("/clinic/")
        found = response.context["found"]
        counts.append((len(found.rows), found.total, len(captured.captured_queries)))
    assert [(rows, total) for rows, total, _ in counts] == [(5, 5), (25, 300)]  # a page of 25
    assert counts[0][2] == counts[1][2]


def test_a_new_patient_has_a_complete_summary_from_the_start(clinic, clinician):
    from tracker.models import PatientSummary

    newcomer = PatientFactory(user__clinic=clinic, clinician=clinician)
    summary = PatientSummary.objects.get(patient=newcomer)
    assert summary.facts().outcome == newcomer.primary_outcome
    assert newcomer.status().phase == "pre_treatment"


# Issue 14: a dense table, sortable, a page at a time, with a 4-week line and the last review.


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Dana", "Quinn", "Sasha", "Uma"]),
        ("-name", ["Uma", "Sasha", "Quinn", "Dana"]),
        ("last_entry", ["Dana", "Quinn", "Uma", "Sasha"]),  # most recent first, ties by name
        ("-last_entry", ["Sasha", "Dana", "Quinn", "Uma"]),
        ("review", ["Dana", "Sasha", "Quinn", "Uma"]),  # the soonest review first
    ],
)
def test_columns_sort_the_panel(client, clinician, clinic_patients, sort, expected):
    login(client, clinician)
    assert names(client.get(f"/clinic/?sort={sort}")) == expected


def test_the_sorted_column_says_so_and_links_the_other_direction(
    client, clinician, clinic_patients
):
    login(client, clinician)
    html = client.get("/clinic/?sort=name&alerts=on").content.decode()
    assert 'aria-sort="ascending"><a href="/clinic/?alerts=on&amp;sort=-name">Patient</a>' in html
    assert "Sort by need of attention" in html


@pytest.mark.parametrize("query", ["sort=nonsense", "page=0", "page=x", "page=999", "sort=&page="])
def test_a_bad_sort_or_page_shows_the_panel_anyway(client, clinician, clinic_patients, query):
    login(client, clinician)
    response = client.get(f"/clinic/?{query}")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 4


def test_a_big_clinic_is_shown_25_at_a_time_in_a_total_order(client, clinic, clinician):
    add_patients(clinic, clinician, 30, never_logged=10, days=3)
    login(client, clinician)
    first = client.get("/clinic/?sort=name")
    second = client.get("/clinic/?sort=name&page=2")
    assert first.context["found"].total == 40
    one = [r.patient.pk for r in first.context["rows"]]
    two = [r.patient.pk for r in second.context["rows"]]
    assert (len(one), len(two)) == (25, 15) and not set(one) & set(two)
    html = first.content.decode()
    assert 'href="/clinic/?sort=name&amp;page=2"' in html and "Page 1 of 2" in html


def test_each_row_has_a_four_week_line_of_the_primary_outcome(client, clinician, clinic_patients):
    login(client, clinician)
    rows = {r.patient.user.first_name: r for r in client.get("/clinic/").context["rows"]}
    assert len(rows["Quinn"].spark) == 28
    assert rows["Quinn"].spark[-20:] == [rows["Quinn"].spark[-1]] * 20  # logged every day
    assert rows["Sasha"].spark[-6:] == [None] * 6  # silent for 6 days: a gap
    html = client.get("/clinic/").content.decode()
    assert '<svg class="spark"' in html and "Pain, last 4 weeks: first week" in html


def test_the_last_review_date_shows(client, clinician, clinic_patients):
    from tracker.services import clinical

    due = clinic_patients["due"]
    clinical.record_review(
        patient=due, point=1, outcome="continue", note="", next_week=12, by=clinician
    )
    login(client, clinician)
    rows = {r.patient.user.first_name: r for r in client.get("/clinic/").context["rows"]}
    assert rows["Dana"].last_review is not None and rows["Quinn"].last_review is None
    names_by_review = names(client.get("/clinic/?sort=last_review"))
    assert names_by_review[0] == "Dana"


def test_baseline_days_count_as_the_last_entry(client, clinic, clinician):
    """Felix (demo): logging the week before LDN starts, he showed "Last entry: never"."""
    from .factories import PrescriptionFactory

    felix = PatientFactory(user__first_name="Felix", user__clinic=clinic, clinician=clinician)
    PrescriptionFactory(patient=felix, start_date=felix.diary_today() + dt.timedelta(days=2))
    diary(felix, 5, dose_taken=False, dose_mg=None, time_taken=None)
    login(client, clinician)
    (row,) = client.get("/clinic/").context["rows"]
    assert row.status.last_entry == felix.diary_today()
    assert "never" not in client.get("/clinic/").content.decode().split("Felix", 1)[1]


@pytest.mark.parametrize(
    "query", ["", "sort=name&page=2", "sort=last_review", "silent=on&sort=-adherence"]
)
def test_every_sort_and_page_costs_the_same_queries(
    client, clinic, clinician, django_assert_max_num_queries, query
):
    add_patients(clinic, clinician, 30, never_logged=5, days=3)
    login(client, clinician)
    client.get("/clinic/")
    with django_assert_max_num_queries(11):
        assert client.get(f"/clinic/?{query}").status_code == 200


def test_the_panels_alert_counts_follow_raising_and_acknowledging(
    client, clinician, clinic_patients
):
    from tracker.models import Alert, PatientSummary
    from tracker.services import clinical

    uma = clinic_patients["urgent"]
    summary = PatientSummary.objects.get(patient=uma)
    assert (summary.open_alerts, summary.urgent_alerts) == (1, 1)
    clinical.acknowledge_alert(alert=Alert.objects.get(patient=uma), by=clinician)
    summary.refresh_from_db()
    assert (summary.open_alerts, summary.urgent_alerts) == (0, 0)
    login(client, clinician)
    assert names(client.get("/clinic/"))[0] == "Dana"  # no longer urgent: review due first
    assert "Uma" not in names(client.get("/clinic/?alerts=on"))


@pytest.mark.parametrize(
    ("gap", "expected"),
    [(0, list(range(28))), (1, [*range(1, 28), None]), (3, [*range(3, 28), None, None, None]),
     (40, [None] * 28), (-1, list(range(28)))],
)  # fmt: skip
def test_the_stored_four_weeks_move_on_with_the_days_not_logged(gap, expected):
    from tracker.panel import _spark

    until = dt.date(2026, 3, 1)
    assert _spark(list(range(28)), until, until + dt.timedelta(days=gap)) == expected
    assert _spark([], None, until) == [None] * 28


def test_a_new_clinician_with_no_patients_is_told_how_they_arrive(client, other_clinician):
    login(client, other_clinician)
    html = client.get("/clinic/").content.decode()
    assert "No patients assigned to you yet" in html
    assert "No patients match" not in html
    assert "No patients match" in client.get("/clinic/?q=zz").content.decode()


def _alerts_for(patient, *kinds):
    from tracker.models import Alert
    from tracker.services.status import store_alert_counts

    today = patient.diary_today()
    made = [
        Alert.objects.create(
            patient=patient,
            kind=kind,
            priority=0 if kind == "opioid" else 2,
            on=today - dt.timedelta(days=n),
        )
        for n, kind in enumerate(kinds)
    ]
    store_alert_counts(patient.pk)
    return made


def test_selected_rows_acknowledge_their_routine_alerts_and_leave_the_urgent_ones(
    client, clinician, patient, clinic
):
    from tracker.models import AuditEvent

    ben = PatientFactory(user__clinic=clinic, clinician=clinician, user__first_name="Ben")
    gap1, gap2, opioid = _alerts_for(patient, "not_logging", "not_logging", "opioid")
    (ben_gap,) = _alerts_for(ben, "not_logging")
    login(client, clinician)
    html = client.get("/clinic/?alerts=on").content.decode()
    assert 'form="acknowledge-selected"' in html and f'value="{patient.pk}"' in html
    response = client.post(
        "/clinic/alerts/acknowledge/", {"patient": [patient.pk, ben.pk], "back": "?alerts=on"}
    )
    assert response.status_code == 302 and response["Location"] == "/clinic/?alerts=on"
    for alert in (gap1, gap2, ben_gap):
        alert.refresh_from_db()
        assert alert.acknowledged_by == clinician
    opioid.refresh_from_db()
    assert opioid.acknowledged_at is None  # urgent: read on the record first
    assert AuditEvent.objects.filter(action="acknowledge_alert", outcome="success").count() == 3
    page = client.get("/clinic/").content.decode()
    assert "3 alerts acknowledged." in page and "Urgent alerts stay open" in page
    patient.summary.refresh_from_db()
    assert (patient.summary.open_alerts, patient.summary.urgent_alerts) == (1, 1)


def test_a_patient_not_yours_among_the_selected_is_a_404_and_nothing_changes(
    client, clinician, patient, other_patient
):
    (mine,) = _alerts_for(patient, "not_logging")
    _alerts_for(other_patient, "not_logging")
    login(client, clinician)
    response = client.post(
        "/clinic/alerts/acknowledge/", {"patient": [patient.pk, other_patient.pk]}
    )
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.acknowledged_at is None


@pytest.mark.parametrize("data", [{}, {"patient": "x"}, {"patient": ""}])
def test_nothing_selected_says_what_to_do(client, clinician, patient, data):
    login(client, clinician)
    response = client.post("/clinic/alerts/acknowledge/", {**data, "back": "//evil.example"})
    assert response.status_code == 302 and response["Location"] == "/clinic/"
    assert "Choose at least one patient" in client.get("/clinic/").content.decode()
