"""The clinic outcomes (SPEC §12, issue 13): Wilson intervals against published values, the
"< 5" rule, another clinic's patients never counting, and a query count that does not grow
with the clinic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.models import ClinicalReview, Patient, PatientSummary
from tracker.outcomes import clinic_outcomes
from tracker.response.intervals import wilson

from .factories import PatientFactory, diary_until_review, login

TODAY = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857, table I, method 3 (Wilson score).
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_intervals_match_the_published_values(successes, n, low, high):
    found = wilson(successes, n)
    assert found == (pytest.approx(low, abs=5e-5), pytest.approx(high, abs=5e-5))


def test_no_patients_say_nothing_about_the_share():
    assert wilson(0, 0) == (0.0, 1.0)


def _reached(clinic, clinician, verdicts: list[str], *, condition="fibromyalgia", dose="4.5"):
    """Patients whose 6-week review is due today with these verdicts (from their summary)."""
    made = []
    for verdict in verdicts:
        patient = PatientFactory(user__clinic=clinic, clinician=clinician, condition=condition)
        PatientSummary.objects.filter(patient=patient).update(
            day_one=TODAY - dt.timedelta(days=41), review_point=1, review_on=TODAY,
            judged=verdict, verdict=verdict, dose_mg=Decimal(dose), review_dose=Decimal(dose),
            adherence=Decimal("0.9"),
            stable_after_days=15,
        )  # fmt: skip
        made.append(patient)
    return made


def test_shares_are_counted_by_verdict_condition_and_dose(clinic, clinician):
    _reached(clinic, clinician, ["responding"] * 3 + ["no_response"] * 2)
    _reached(clinic, clinician, ["responding"] * 2 + ["worse"], condition="crps", dose="3.0")
    found = clinic_outcomes(clinic, TODAY)
    week6 = found.points[0]
    assert week6.overall.n == 8
    shares = {s.verdict: s for s in week6.overall.shares}
    assert shares["responding"].count == 5
    assert shares["responding"].share == pytest.approx(5 / 8)
    assert (shares["responding"].low, shares["responding"].high) == pytest.approx(wilson(5, 8))
    # CRPS (3) is hidden, so Fibromyalgia is too: 8 − 5 would give the CRPS count away.
    assert [(g.name, g.n, g.too_small) for g in week6.by_condition] == [
        ("Fibromyalgia", 5, True),
        ("Complex regional pain syndrome", 3, True),
    ]
    assert [(g.name, g.n) for g in week6.by_dose] == [("3 mg", 3), ("4.5 mg", 5)]
    assert found.points[1].overall.n == 0  # nobody at week 12 yet
    assert found.started == 8 and found.median_days_to_stable == 15


def test_a_recorded_review_counts_with_its_snapshot_and_not_twice(clinic, clinician):
    """Once reviewed, the patient's summary points at the next review; the recorded one counts."""
    patients = _reached(clinic, clinician, ["responding"] * 5)
    ClinicalReview.objects.create(
        patient=patients[0], point=1, outcome="stop", recorded_by=clinician,
        snapshot={"judged": "worse", "dose_mg": "4.5"},
    )  # fmt: skip
    PatientSummary.objects.filter(patient=patients[0]).update(review_point=2, review_on=None)
    shares = {s.verdict: s.count for s in clinic_outcomes(clinic, TODAY).points[0].overall.shares}
    assert shares["responding"] == 4 and shares["worse"] == 1


def test_a_review_not_yet_due_does_not_count(clinic, clinician):
    patients = _reached(clinic, clinician, ["responding"] * 5)
    PatientSummary.objects.filter(patient=patients[0]).update(review_on=TODAY + dt.timedelta(1))
    assert clinic_outcomes(clinic, TODAY).points[0].overall.n == 4


def test_another_clinics_patients_never_count(clinic, clinician, foreign_clinic, foreign_clinician):
    _reached(foreign_clinic, foreign_clinician, ["worse"] * 6)
    found = clinic_outcomes(clinic, TODAY)
    assert found.points[0].overall.n == 0 and found.started == 0


@pytest.fixture
def outcomes_client(client, clinician):
    login(client, clinician)
    return client


def test_small_groups_show_less_than_five_and_no_figures(outcomes_client, clinic, clinician):
    _reached(clinic, clinician, ["responding"] * 5)
    _reached(clinic, clinician, ["worse"], condition="crps")
    html = outcomes_client.get("/clinic/outcomes/").content.decode()
    row = html.split("Complex regional pain syndrome", 1)[1].split("</tr>", 1)[0]
    assert "&lt; 5" in row and "%" not in row
    assert "Observations, not evidence." in html
    assert "outcomes-data" in html  # the chart's numbers, for Chart.js


def test_the_foreign_clinics_worse_patients_are_not_on_our_page(
    outcomes_client, foreign_clinic, foreign_clinician
):
    _reached(foreign_clinic, foreign_clinician, ["worse"] * 6)
    html = outcomes_client.get("/clinic/outcomes/").content.decode()
    assert "No patient has reached this review yet." in html


@pytest.mark.parametrize("size", [0, 6, 40])
def test_the_outcomes_page_takes_the_same_few_queries_whatever_the_clinic_size(
    outcomes_client, clinic, clinician, size
):
    _reached(clinic, clinician, ["responding", "partial", "worse", "no_response"] * (size // 4))
    with CaptureQueriesContext(connection) as queries:
        assert outcomes_client.get("/clinic/outcomes/").status_code == 200
    data = [
        q["sql"]
        for q in queries
        if any(t in q["sql"] for t in ("summary", "clinicalreview", "questionnaireanswer"))
    ]
    assert len(data) <= 5, data  # 4, + the questionnaires' scores (issue 22)
    # The rest is the sign-in's: the session, the user, the session's idle stamp.
    assert len(queries) - len(data) <= 5, [q["sql"] for q in queries]


def test_a_real_diary_reaches_the_outcomes(outcomes_client, clinic, clinician):
    """End to end: five diaries that reach day 42 count, without a stored shortcut."""
    for _ in range(5):
        patient = PatientFactory(user__clinic=clinic, clinician=clinician)
        diary_until_review(patient, pain_before=7, pain_after=4)
    found = clinic_outcomes(clinic, Patient.objects.first().diary_today())
    shares = {s.verdict: s.count for s in found.points[0].overall.shares}
    assert shares["responding"] == 5
    html = outcomes_client.get("/clinic/outcomes/").content.decode()
    assert "100 %" in html or "100%" in html
