"""Recording a review: the snapshot as it was, review due cleared, the next point set."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tracker.models import AuditEvent, ClinicalReview
from tracker.services.status import refresh_patient

from .factories import diary_until_review, login


@pytest.fixture
def due(patient):
    """`patient` at their 6-week review: pain 7 before LDN, 6 now (14 % better)."""
    diary_until_review(patient, pain_before=7, pain_after=6)
    refresh_patient(patient)
    return patient


def test_a_review_keeps_the_evaluation_and_clears_review_due(client, clinician, due):
    assert due.status().review_due
    login(client, clinician)
    response = client.post(
        f"/clinic/patients/{due.pk}/review/",
        {"point": "1", "outcome": "continue", "note": "Try two more weeks.", "next_week": "12"},
    )
    assert response.status_code == 302
    review = ClinicalReview.objects.get(patient=due)
    assert (review.point, review.outcome, review.next_week, review.recorded_by) == (
        1,
        "continue",
        12,
        clinician,
    )
    assert review.snapshot["verdict"] == "partial"
    assert review.snapshot["percent_better"] == 14
    due.refresh_from_db()
    status = due.status()
    assert not status.review_due
    assert (status.review_point, status.review_week) == (2, 12)
    assert status.review_on == status.day_one + dt.timedelta(days=83)
    assert AuditEvent.objects.filter(action="record_review", patient=due).count() == 1


def test_increase_dose_leads_on_to_the_prescription(client, clinician, due):
    login(client, clinician)
    response = client.post(
        f"/clinic/patients/{due.pk}/review/",
        {"point": "1", "outcome": "increase_dose", "next_week": "12"},
    )
    assert response["Location"] == f"/clinic/patients/{due.pk}/prescription/"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome": "", "next_week": "12"}, "outcome"),
        ({"outcome": "cure", "next_week": "12"}, "outcome"),
        ({"outcome": "continue", "next_week": "3"}, "next_week"),
        ({"outcome": "continue", "next_week": "500"}, "next_week"),
        ({"outcome": "continue", "next_week": "twelve"}, "next_week"),
        ({"outcome": "continue", "next_week": "12", "note": "x" * 4001}, "note"),
        ({"outcome": "continue", "next_week": ""}, "next_week"),  # only stopping needs none
    ],
)
def test_bad_review_input_is_explained_and_saves_nothing(client, clinician, due, data, field):
    login(client, clinician)
    response = client.post(f"/clinic/patients/{due.pk}/review/", {"point": "1", **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ClinicalReview.objects.exists()


def test_a_forged_patient_is_ignored(client, clinician, due, other_patient):
    login(client, clinician)
    client.post(
        f"/clinic/patients/{due.pk}/review/",
        {"outcome": "continue", "next_week": "12", "point": "1", "patient": other_patient.pk},
    )
    assert list(ClinicalReview.objects.values_list("patient", "point")) == [(due.pk, 1)]


def test_a_post_for_another_review_point_records_nothing(client, clinician, due):
    login(client, clinician)
    response = client.post(
        f"/clinic/patients/{due.pk}/review/",
        {"outcome": "continue", "next_week": "12", "point": "9"},
    )
    assert "This form was for another review point" in response.content.decode()
    assert not ClinicalReview.objects.exists()


def test_the_form_carries_the_point_it_was_filled_for(client, clinician, due):
    login(client, clinician)
    form = client.get(f"/clinic/patients/{due.pk}/review/").context["form"]
    assert form["point"].value() == 1
    assert (
        'name="point" value="1"'
        in client.get(f"/clinic/patients/{due.pk}/review/").content.decode()
    )


@pytest.mark.parametrize("repeat", ["double click", "back and resubmit", "second tab"])
def test_posting_the_review_form_twice_records_one_review(client, clinician, due, repeat):
    """Issue 8: the second post used to record review point 2, also at week 6."""
    login(client, clinician)
    data = {"point": "1", "outcome": "continue", "next_week": "12", "note": repeat}
    first = client.post(f"/clinic/patients/{due.pk}/review/", data)
    second = client.post(f"/clinic/patients/{due.pk}/review/", data)
    assert first.status_code == 302
    assert second.status_code == 200
    assert "This review was already recorded by" in second.content.decode()
    assert list(ClinicalReview.objects.values_list("point", flat=True)) == [1]
    due.refresh_from_db()
    assert due.status().review_point == 2


def test_no_review_before_treatment_starts(client, clinician, patient):
    login(client, clinician)
    response = client.post(
        f"/clinic/patients/{patient.pk}/review/",
        {"point": "1", "outcome": "continue", "next_week": "12"},
    )
    assert "LDN has not started yet" in response.content.decode()
    assert not ClinicalReview.objects.exists()


def test_a_review_recorded_meanwhile_is_explained_not_doubled(
    client, clinician, other_clinician, due, monkeypatch
):
    """Two clinicians submit the same review point at once: the second is told, and
    nothing is written twice."""
    from tracker.models import Patient
    from tracker.services import clinical

    stale = due.status()  # what the second request computed before the first committed
    clinical.record_review(
        patient=due, point=1, outcome="continue", note="", next_week=12, by=clinician
    )
    monkeypatch.setattr(Patient, "status", lambda self, today=None: stale)
    login(client, other_clinician)
    due.clinician = other_clinician
    due.save(update_fields=["clinician"])
    response = client.post(
        f"/clinic/patients/{due.pk}/review/", {"point": "1", "outcome": "stop", "next_week": "12"}
    )
    assert response.status_code == 200
    assert "This review was already recorded by" in response.content.decode()
    assert list(ClinicalReview.objects.values_list("outcome", flat=True)) == ["continue"]


def test_recording_the_review_closes_its_review_due_alert(client, clinician, due):
    from tracker.models import Alert

    alert = Alert.objects.get(patient=due, kind="review")
    assert alert.acknowledged_at is None
    login(client, clinician)
    client.post(
        f"/clinic/patients/{due.pk}/review/",
        {"point": "1", "outcome": "continue", "note": "", "next_week": "12"},
    )
    alert.refresh_from_db()
    assert alert.acknowledged_by == clinician and alert.acknowledged_at is not None
    page = client.get(f"/clinic/patients/{due.pk}/").content.decode()
    assert f"Acknowledged by {clinician.display_name}" in page


def test_stopping_needs_no_next_review_week(client, clinician, due):
    login(client, clinician)
    response = client.post(
        f"/clinic/patients/{due.pk}/review/",
        {"point": "1", "outcome": "stop", "note": "", "next_week": ""},
    )
    assert response.status_code == 302
    assert ClinicalReview.objects.get(patient=due).outcome == "stop"


def test_the_week_12_review_accepts_its_default_next_week(client, clinician, due):
    """Issue 14: the default next week at a late week-12 review was refused ("must come
    after week 14"): it is a few weeks on from the current week instead."""
    login(client, clinician)
    client.post(
        f"/clinic/patients/{due.pk}/review/",
        {"point": "1", "outcome": "continue", "note": "", "next_week": "12"},
    )
    day_one = due.status().day_one
    with time_machine.travel(dt.datetime.combine(day_one + dt.timedelta(days=97), dt.time(12))):
        due.refresh_from_db()
        refresh_patient(due)
        client.cookies.clear()  # 13 weeks later the old session cookie has long expired
        login(client, clinician)  # (Redis, not time-travelled, would still hold it): a new sign-in
        page = client.get(f"/clinic/patients/{due.pk}/review/")
        form = page.context["form"]
        assert due.status().week == 14 and form["point"].value() == 2
        default = form["next_week"].value()
        response = client.post(
            f"/clinic/patients/{due.pk}/review/",
            {"point": "2", "outcome": "continue", "note": "", "next_week": str(default)},
        )
        assert response.status_code == 302, response.context["form"].errors
    assert ClinicalReview.objects.filter(patient=due).count() == 2
