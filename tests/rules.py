"""The response rule as the tests call it: a diary, today, and what the clinic recorded, in
one call (the app keeps the two steps apart: facts stored per patient, status read daily)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tracker.response import rule
from tracker.response.days import Day


def evaluate(
    days: Sequence[Day],
    *,
    today: dt.date,
    outcome: str = "pain",
    enrolment_answer: int | None = None,
    pgic: dict[int, int] | None = None,
    reviews: Sequence[rule.Review] = (),
    stops: Sequence[rule.Stop] = (),
    answers: dict[dt.date, bool] | None = None,
) -> rule.Evaluation:
    point, week = rule.next_review(reviews)
    facts = rule.facts(
        [d for d in days if d.date <= today],
        outcome=outcome,
        enrolment_answer=enrolment_answer,
        point=point,
        week=week,
        pgic=(pgic or {}).get(point),
        stops=[s for s in stops if s.on <= today],
        answers=answers,
        today=today,
    )
    return rule.status(facts, today)
