"""Writes a double click or a second tab can repeat, sent at the same moment from many
connections: each is recorded once, and every request gets an answer (issue 8)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from tracker.models import ClinicalReview

from .factories import diary_until_review, login

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(n: int, request) -> list[int]:  # type: ignore[no-untyped-def]
    """Run `request()` in `n` threads released together; their status codes."""
    start = threading.Barrier(n)
    statuses: list[int] = []

    def run() -> None:
        try:
            start.wait()
            statuses.append(request())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_twenty_concurrent_review_posts_record_one_review(patient, clinician):
    """Issue 8: 20 concurrent posts of the review form gave 9 rows."""
    diary_until_review(patient)
    data = {"point": "1", "outcome": "continue", "next_week": "12", "note": "Agreed."}

    def post() -> int:
        browser = Client()
        login(browser, clinician)
        return browser.post(f"/clinic/patients/{patient.pk}/review/", data).status_code

    statuses = at_once(20, post)
    assert len(statuses) == 20
    assert statuses.count(302) == 1, statuses  # one recorded; the others were told
    assert set(statuses) <= {302, 200}
    assert list(ClinicalReview.objects.values_list("point", flat=True)) == [1]
