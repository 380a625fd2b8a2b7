"""The validated questionnaires of SPEC §14 as pure rules: every definition loads and is a
valid R4 Questionnaire, each scorer follows its manual at every band edge and with skipped
items, the minimal important differences, the default bundles and the schedule."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from tracker import instruments
from tracker.instruments import schedule, scoring
from tracker.instruments.schedule import Asked, State

KEYS = ["dsq-pem", "fiqr", "fss", "gad-7", "peg-3", "pgic", "phq-9"]


def test_every_instrument_is_defined_with_its_codes_and_licence():
    found = instruments.load()
    assert sorted(found) == KEYS
    phq = found["phq-9"]
    assert phq.code["code"] == "44249-1" and phq.code["system"] == "http://loinc.org"
    assert len(phq.items) == 9 and [o.score for o in phq.items[0].options] == [0, 1, 2, 3]
    assert found["gad-7"].code["code"] == "69737-5" and len(found["gad-7"].items) == 7
    assert len(found["fiqr"].items) == 21 and found["fiqr"].items[0].group
    assert {k for k, i in found.items() if i.needs_licence} == {"fiqr", "fss"}
    assert all(i.source and i.copyright for i in found.values())


@pytest.mark.parametrize("key", KEYS)
def test_each_definition_validates_as_an_r4_questionnaire(key):
    from fhir.resources.R4B.questionnaire import Questionnaire

    from .fhir_validation import validate_r4

    text = (instruments.DEFINITIONS / f"{key}.json").read_text()
    Questionnaire.model_validate_json(text)
    result = validate_r4(text)
    assert result["schema"] == [] and result["fhirjs"] == [], result


def test_a_malformed_definition_names_its_file(tmp_path: Path):
    for key in KEYS:
        (tmp_path / f"{key}.json").write_text((instruments.DEFINITIONS / f"{key}.json").read_text())
    broken = json.loads((tmp_path / "gad-7.json").read_text())
    del broken["item"][2]["answerOption"][1]["extension"]
    (tmp_path / "gad-7.json").write_text(json.dumps(broken))
    with pytest.raises(instruments.BadDefinition, match=r"gad-7\.json: item 'gad7-3'"):
        instruments.load(tmp_path)
    (tmp_path / "gad-7.json").write_text("{not json")
    with pytest.raises(instruments.BadDefinition, match=r"gad-7\.json"):
        instruments.load(tmp_path)
    (tmp_path / "gad-7.json").unlink()
    with pytest.raises(instruments.BadDefinition, match="no definition for \\['gad-7'\\]"):
        instruments.load(tmp_path)


def test_a_malformed_definition_stops_start_up(tmp_path, monkeypatch):
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    (tmp_path / "phq-9.json").write_text('{"resourceType": "Patient", "id": "phq-9"}')
    monkeypatch.setattr(instruments, "DEFINITIONS", tmp_path)
    instruments.load.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match=r"phq-9\.json: not a FHIR Questionnaire"):
            apps.get_app_config("tracker").ready()
    finally:
        monkeypatch.undo()
        instruments.load.cache_clear()
        instruments.load()


def phq(*values):
    return {f"phq9-{n}": v for n, v in enumerate(values, 1)}


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
     (15, "moderately_severe"), (19, "moderately_severe"), (20, "severe"), (27, "severe")],
)  # fmt: skip
def test_phq9_bands_at_every_edge(total, band):
    values = [min(3, max(0, total - 3 * n)) for n in range(9)]  # spread over the items
    assert sum(values) == total
    result = scoring.phq9(phq(*values[:8], 0) | {"phq9-9": values[8]})
    assert (result.value, result.band, result.complete) == (D(total), band, True)


def test_phq9_prorates_one_or_two_skipped_items_and_not_three():
    one = scoring.phq9(phq(1, 1, 1, 1, 1, 1, 1, 2, None))  # mean 9/8 × 9 = 10.125 → 10
    assert (one.value, one.prorated, one.band) == (D(10), True, "moderate")
    two = scoring.phq9(phq(3, 3, 3, 0, 0, 0, 1, None, None))  # 10/7 × 9 = 12.86 → 13
    assert two.value == D(13)
    half = scoring.phq9(phq(1, 1, 1, 1, 1, 1, 2, None, None))  # 8/7 × 9 = 10.29 → 10
    assert half.value == D(10)
    three = scoring.phq9(phq(3, 3, 3, 3, 3, 3, None, None, None))
    assert (three.value, three.band, three.answered) == (None, "", 6)


def test_phq9_item_9_above_0_is_flagged_even_when_it_cannot_be_scored():
    assert scoring.phq9(phq(0, 0, 0, 0, 0, 0, 0, 0, 1)).flags == (scoring.SELF_HARM,)
    assert scoring.phq9(phq(0, 0, 0, 0, 0, 0, 0, 0, 0)).flags == ()
    assert scoring.phq9({"phq9-9": 2}).flags == (scoring.SELF_HARM,)


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
     (14, "moderate"), (15, "severe"), (21, "severe")],
)  # fmt: skip
def test_gad7_bands_at_every_edge(total, band):
    values = [min(3, max(0, total - 3 * n)) for n in range(7)]
    result = scoring.gad7({f"gad7-{n}": v for n, v in enumerate(values, 1)})
    assert (result.value, result.band) == (D(total), band)


def test_gad7_skipped_items():
    answers = {f"gad7-{n}": 2 for n in range(1, 6)}  # 2 skipped: mean 2 × 7 = 14
    assert scoring.gad7(answers).value == D(14)
    del answers["gad7-5"]
    assert scoring.gad7(answers).value is None


def test_peg3_is_the_mean_of_its_three_items_all_needed():
    assert scoring.peg3({"peg-1": 7, "peg-2": 5, "peg-3": 6}).value == D(6)
    assert scoring.peg3({"peg-1": 7, "peg-2": 5, "peg-3": 5}).value == D("5.67")
    assert scoring.peg3({"peg-1": 0, "peg-2": 0, "peg-3": 0}).value == D(0)
    assert scoring.peg3({"peg-1": 10, "peg-2": 10, "peg-3": 10}).value == D(10)
    assert scoring.peg3({"peg-1": 7, "peg-2": 5}).value is None


def dsq(*pairs):
    out = {}
    for n, (freq, sev) in enumerate(pairs, 1):
        out[f"dsq-{n}-frequency"], out[f"dsq-{n}-severity"] = freq, sev
    return out


def test_dsq_pem_composite_and_the_authors_criterion():
    none = scoring.dsq_pem(dsq(*[(0, 0)] * 5))
    assert (none.value, none.band, none.detail["criterion"]) == (D(0), "criterion_not_met", False)
    edge = scoring.dsq_pem(dsq((2, 2), (0, 0), (0, 0), (0, 0), (0, 0)))  # (2+2)×25/2 = 50 → /5
    assert (edge.value, edge.band) == (D(10), "criterion_met")
    below = scoring.dsq_pem(dsq((4, 1), (1, 4), (0, 0), (0, 0), (0, 0)))  # never both ≥ 2
    assert below.band == "criterion_not_met" and below.value == D(25)
    full = scoring.dsq_pem(dsq(*[(4, 4)] * 5))
    assert full.value == D(100)
    partial = scoring.dsq_pem({"dsq-1-frequency": 3, "dsq-1-severity": 3})
    assert (partial.value, partial.band) == (None, "criterion_met")


def fiqr_answers(function, overall, symptoms):
    values = [*function, *overall, *symptoms]
    return {f"fiqr-{n}": v for n, v in enumerate(values, 1) if v is not None}


def test_fiqr_domains_and_total_with_its_bands():
    top = scoring.fiqr(fiqr_answers([10] * 9, [10] * 2, [10] * 10))
    assert (top.value, top.band) == (D(100), "extreme")
    assert top.detail == {"function": "30.00", "overall": "20.00", "symptoms": "50.00"}
    zero = scoring.fiqr(fiqr_answers([0] * 9, [0] * 2, [0] * 10))
    assert (zero.value, zero.band) == (D(0), "mild")
    # 27/3 = 9, 10, 40/2 = 20: 39 is the first "moderate".
    edge = scoring.fiqr(fiqr_answers([3] * 9, [5, 5], [4] * 10))
    assert (edge.value, edge.band) == (D(39), "moderate")
    one_skipped = scoring.fiqr(fiqr_answers([3] * 8 + [None], [5, 5], [4] * 10))
    assert (one_skipped.value, one_skipped.prorated) == (D(39), True)
    two_skipped = scoring.fiqr(fiqr_answers([3] * 7 + [None, None], [5, 5], [4] * 10))
    assert two_skipped.value is None and two_skipped.detail["function"] is None


def test_fss_mean_with_one_skipped_item_and_its_threshold():
    assert scoring.fss({f"fss-{n}": 4 for n in range(1, 10)}).band == "fatigue"
    low = scoring.fss({f"fss-{n}": 3 for n in range(1, 10)} | {"fss-9": 6})  # 30/9 = 3.33
    assert (low.value, low.band) == (D("3.33"), "no_fatigue")
    edge = scoring.fss({f"fss-{n}": 4 for n in range(1, 10)} | {"fss-9": 3})  # 35/9 = 3.89
    assert edge.band == "no_fatigue"
    eight = scoring.fss({f"fss-{n}": 5 for n in range(1, 9)})
    assert (eight.value, eight.prorated) == (D(5), True)
    assert scoring.fss({f"fss-{n}": 5 for n in range(1, 8)}).value is None


@pytest.mark.parametrize(
    ("key", "baseline", "now", "reached"),
    [
        ("phq-9", "15", "10", True), ("phq-9", "15", "11", False), ("phq-9", "10", "15", False),
        ("gad-7", "12", "8", True), ("gad-7", "12", "9", False),
        ("fiqr", "50", "43", True), ("fiqr", "50", "43.01", False),  # 14 % of 50 is 7
        ("peg-3", "6", "4.2", True), ("peg-3", "6", "4.21", False),  # 30 % of 6 is 1.8
        ("fss", "6", "2", None),
    ],
)  # fmt: skip
def test_the_minimal_important_difference_is_exact(key, baseline, now, reached):
    assert scoring.reaches_mid(key, D(baseline), D(now)) is reached


@pytest.mark.parametrize(
    ("condition", "licensed", "bundle"),
    [
        ("fibromyalgia", set(), [("phq-9", False), ("peg-3", True)]),
        ("fibromyalgia", {"fiqr"}, [("phq-9", False), ("fiqr", True)]),
        ("depression", set(), [("phq-9", True)]),
        ("anxiety", set(), [("phq-9", False), ("gad-7", True)]),
        ("long_covid", set(), [("phq-9", False), ("dsq-pem", True)]),
        ("long_covid", {"fss"}, [("phq-9", False), ("dsq-pem", True), ("fss", True)]),
        ("crps", set(), [("phq-9", False), ("peg-3", True)]),
        ("neuropathic_pain", set(), [("phq-9", False), ("peg-3", True)]),
        ("ibd", set(), [("phq-9", False)]),
    ],
)
def test_the_default_bundle_per_condition(condition, licensed, bundle):
    assert schedule.default_bundle(condition, licensed) == bundle


DAY_ONE = dt.date(2026, 1, 1)


PHQ = (Asked("phq-9", True, 0),)


def when(today_offset, *, bundle=PHQ, answered=(), stopped=False,
         review_on=DAY_ONE + dt.timedelta(days=41), week=6, day_one=DAY_ONE):  # fmt: skip
    return schedule.occasions(
        list(bundle), today=DAY_ONE + dt.timedelta(days=today_offset),
        enrolled_on=DAY_ONE - dt.timedelta(days=7), day_one=day_one, course=1,
        review_on=review_on, review_point=1, review_week=week, stopped=stopped,
        answered=set(answered),
    )  # fmt: skip


def states(found):
    return {o.key: o.state for o in found}


def test_baseline_is_open_from_enrolment_until_a_week_after_day_one():
    assert states(when(-3, day_one=None, review_on=None))["baseline"] == State.DUE
    assert states(when(7))["baseline"] == State.DUE
    assert states(when(8))["baseline"] == State.MISSED
    assert states(when(8, answered={("phq-9", "baseline")}))["baseline"] == State.ANSWERED


def test_a_review_point_opens_3_days_before_and_closes_7_after():
    review = "review-1-1"
    assert states(when(37))[review] == State.UPCOMING
    assert states(when(38))[review] == State.DUE  # day 39 = review day 42 - 3
    assert states(when(48))[review] == State.DUE  # the review day + 7
    assert states(when(49))[review] == State.MISSED


def test_a_review_moved_by_titration_moves_the_questionnaire():
    moved = DAY_ONE + dt.timedelta(days=52)  # day 53: the dose reached 14 days then
    found = {o.key: o for o in when(48, review_on=moved, week=8)}
    assert found["review-1-1"].state == State.UPCOMING
    assert found["review-1-1"].opens == moved - dt.timedelta(days=3)
    assert states(when(50, review_on=moved, week=8))["review-1-1"] == State.DUE


def test_nothing_falls_due_while_stopped_and_answered_stays_answered():
    found = when(40, stopped=True, answered={("phq-9", "baseline")})
    assert states(found) == {"baseline": State.ANSWERED}


def test_every_two_or_four_weeks_without_doubling_the_review_week():
    found = when(44, bundle=[Asked("gad-7", True, 2)])
    weeks = [o.key for o in found if o.key.startswith("week-")]
    assert weeks == ["week-1-2", "week-1-4", "week-1-8"][:2]  # week 6 is the review's
    assert "review-1-1" in states(found)
    four = when(60, bundle=[Asked("gad-7", False, 4)])
    assert [o.key for o in four if o.key.startswith("week-")] == ["week-1-4", "week-1-8"]
    assert "review-1-1" not in states(four)
