"""From the review day, Today asks the PGIC once per review point."""

from __future__ import annotations

from tracker.models import PGICAnswer

from .factories import diary_until_review


def test_today_asks_nothing_before_the_review_day(patient_client, patient):
    response = patient_client.get("/diary/")
    assert not response.context["evaluation"].asks_pgic
    assert b"review point" not in response.content


def test_today_asks_at_the_review_day_and_says_it_is_due(patient_client, patient):
    diary_until_review(patient)
    html = patient_client.get("/diary/").content.decode()
    assert "Your 6-week review is due: talk with your clinician." in html
    assert "how would you describe the change in your condition?" in html


def test_the_answer_is_stored_once_and_feeds_the_rule(patient_client, patient):
    diary_until_review(patient, pain_before=7, pain_after=6)  # 14 %: partial
    response = patient_client.post(
        "/review-question/", {"value": "2"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "much improved" in response.content.decode()
    answer = PGICAnswer.objects.get(patient=patient)
    assert (answer.review_point, answer.value) == (1, 2)
    evaluation = patient_client.get("/diary/").context["evaluation"]
    assert evaluation.verdict == "discordant"
    assert not evaluation.asks_pgic

    again = patient_client.post("/review-question/", {"value": "7"}, headers={"HX-Request": "true"})
    assert "already answered" in again.content.decode()
    assert PGICAnswer.objects.get(patient=patient).value == 2


def test_an_answer_out_of_range_is_refused(patient_client, patient):
    diary_until_review(patient)
    for value in ("0", "8", "x", ""):
        response = patient_client.post("/review-question/", {"value": value, "review_point": "5"})
        assert response.status_code == 200
        assert response.context["pgic_form"].errors
    assert not PGICAnswer.objects.exists()


def test_without_javascript_the_answer_returns_to_today(patient_client, patient):
    diary_until_review(patient)
    response = patient_client.post("/review-question/", {"value": "4"})
    assert response.status_code == 302
    assert response["Location"] == "/diary/"


def test_without_javascript_a_missing_answer_comes_back_on_the_whole_today_page(
    patient_client, patient
):
    diary_until_review(patient)
    response = patient_client.post("/review-question/", {})
    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    assert "Choose the answer closest to how you feel." in html
    assert "Hours slept last night" in html  # the diary form is there too
    assert not PGICAnswer.objects.exists()


def test_the_answer_is_audited_with_the_address_it_came_from(patient_client, patient):
    from tracker.models import AuditEvent

    diary_until_review(patient)
    patient_client.post("/review-question/", {"value": "3"}, REMOTE_ADDR="192.0.2.7")
    assert AuditEvent.objects.get(action="answer_pgic").ip == "192.0.2.7"


def test_the_due_question_is_one_line_and_the_thank_you_is_not_kept(patient_client, patient):
    """Issue 23: the question is closed until opened; the thank-you goes with the answer."""
    diary_until_review(patient)
    html = patient_client.get("/diary/").content.decode()
    assert '<details class="card pgic">' in html and "Answer now" in html
    answered = patient_client.post(
        "/review-question/", {"value": "3"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Thank you. You said you feel" in answered
    assert "Thank you. You said" not in patient_client.get("/diary/").content.decode()
