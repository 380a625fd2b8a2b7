"""The response rule of SPEC §4, table-driven at every edge, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from tracker.response.days import Day
from tracker.response.explain import explanation
from tracker.response.rule import Phase, Review, Verdict, judge

from .rules import evaluate

D1 = dt.date(2026, 1, 5)  # day 1 in every case


def date(n: int) -> dt.date:
    return D1 + dt.timedelta(days=n - 1)


def diary(
    values: dict[int, int | None],
    *,
    doses: dict[int, str] | None = None,
    outcome: str = "pain",
    missed: frozenset[int] = frozenset(),
) -> list[Day]:
    """A diary from {day number: primary value}; day numbers ≤ 0 are before LDN."""
    doses = doses or {1: "1.5"}
    out = []
    for n in sorted(values):
        taken = n >= 1 and n not in missed
        mg = Decimal([doses[k] for k in sorted(doses) if k <= n][-1]) if taken else None
        out.append(Day(date(n), taken, mg, **{outcome: values[n]}))
    return out


def block(first: int, last: int, value: int | None) -> dict[int, int | None]:
    return dict.fromkeys(range(first, last + 1), value)


def spread(first: int, values: list[int]) -> dict[int, int]:
    return {first + i: v for i, v in enumerate(values)}


def standard(
    pre: list[int], window: list[int], filler: int = 5, window_start: int = 29, **kw
) -> list[Day]:
    """`pre` on the days just before day 1, `window` from day 29, `filler` between."""
    values: dict[int, int | None] = spread(1 - len(pre), pre)
    values |= block(1, window_start - 1, filler)
    values |= spread(window_start, window)
    return diary(values, **kw)


def case(
    name: str,
    days: list[Day],
    *,
    today: int = 42,
    expect: dict[str, object],
    **kw: object,
) -> object:
    return pytest.param(days, today, kw, expect, id=name)


# Baseline 39/5 = 7.8 and window 71/13: p = 0.2998…, just under 30 %.
JUST_UNDER_30 = [8, 8, 8, 8, 7, None, None]
CASES = [
    # --- Phases ---------------------------------------------------------------------------
    case("no diary at all", [], today=1, expect={"phase": Phase.PRE_TREATMENT}),
    case(
        "only days before the first dose",
        diary(block(-6, 0, 6)),
        today=0,
        expect={"phase": Phase.PRE_TREATMENT, "verdict": None},
    ),
    case(
        "day 1 is titrating",
        diary(block(-6, 1, 6)),
        today=1,
        expect={"phase": Phase.TITRATING, "day": 1, "week": 1, "days_on_dose": 1},
    ),
    case(
        "13 days on the first dose is still titrating",
        diary(block(-6, 13, 6)),
        today=13,
        expect={"phase": Phase.TITRATING, "days_on_dose": 13},
    ),
    case(
        "14 days on one dose is on treatment",
        diary(block(-6, 14, 6)),
        today=14,
        expect={"phase": Phase.ON_TREATMENT, "days_on_dose": 14, "week": 2},
    ),
    case(
        "a new dose starts titrating again",
        diary(block(-6, 20, 6), doses={1: "1.5", 15: "3.0"}),
        today=20,
        expect={"phase": Phase.TITRATING, "days_on_dose": 6, "dose_mg": Decimal("3.0")},
    ),
    case(
        "day 41 is before the review",
        diary(block(-6, 41, 6)),
        today=41,
        expect={"phase": Phase.ON_TREATMENT, "week": 6, "review_on": date(42)},
    ),
    case(
        "day 42 is the review day",
        diary(block(-6, 42, 6)),
        expect={"phase": Phase.REVIEW_DUE, "review_on": date(42), "review_moved": False},
    ),
    case(
        "the review stays due until a clinician records it",
        diary(block(-6, 80, 6)),
        today=80,
        expect={"phase": Phase.REVIEW_DUE, "review_on": date(42)},
    ),
    # --- Titration incomplete: the review moves ---------------------------------------------
    case(
        "a dose change on day 35 moves the review to day 48",
        diary(block(-6, 42, 6), doses={1: "1.5", 35: "3.0"}),
        expect={
            "phase": Phase.TITRATION_INCOMPLETE,
            "review_on": date(48),
            "review_moved": True,
        },
    ),
    case(
        "the moved review falls due on day 48 with days 35-48 as its window",
        diary(block(-6, 48, 6), doses={1: "1.5", 35: "3.0"}),
        today=48,
        expect={"phase": Phase.REVIEW_DUE, "window_first": date(35), "window_last": date(48)},
    ),
    case(
        "a change on day 29 gives 14 days on dose by day 42: no move",
        diary(block(-6, 42, 6), doses={1: "1.5", 29: "3.0"}),
        expect={"phase": Phase.REVIEW_DUE, "review_on": date(42), "review_moved": False},
    ),
    case(
        "a change on day 30 moves the review by one day",
        diary(block(-6, 43, 6), doses={1: "1.5", 30: "3.0"}),
        today=43,
        expect={"phase": Phase.REVIEW_DUE, "review_on": date(43)},
    ),
    case(
        "a change before the moved review day moves it again",
        diary(block(-6, 50, 6), doses={1: "1.5", 35: "3.0", 45: "4.5"}),
        today=50,
        expect={"phase": Phase.TITRATION_INCOMPLETE, "review_on": date(58)},
    ),
    case(
        "a change after the review day does not move it",
        diary(block(-6, 50, 6), doses={1: "1.5", 45: "3.0"}),
        today=50,
        expect={"phase": Phase.REVIEW_DUE, "review_on": date(42)},
    ),
    case(
        "a missed dose is not a dose change",
        diary(block(-6, 42, 6), missed=frozenset({38, 39})),
        expect={"review_on": date(42), "days_on_dose": 42},
    ),
    # --- Verdicts, baseline 4 or more: percentages ------------------------------------------
    case(
        "exactly 30 % better is responding (7 → 4.9, where floating point says 29.99…)",
        standard([7] * 7, [5, 5, 5, 5, 5, None, None, 5, 5, 5, 5, 4, None, None]),  # type: ignore[list-item]
        expect={"verdict": Verdict.RESPONDING, "substantial": False, "percent": 30},
    ),
    case(
        "just under 30 % better is partial",
        standard(JUST_UNDER_30, [6] * 7 + [5] * 5 + [4] + [None]),  # type: ignore[list-item]
        expect={"verdict": Verdict.PARTIAL, "percent": 29},
    ),
    case(
        "exactly 50 % better is substantial",
        standard([8] * 7, [4] * 14),
        expect={"verdict": Verdict.RESPONDING, "substantial": True, "percent": 50},
    ),
    case(
        "just under 50 % is responding, not substantial",
        standard([8] * 7, [4] * 13 + [5]),
        expect={"verdict": Verdict.RESPONDING, "substantial": False, "percent": 49},
    ),
    case(
        "exactly 10 % better is partial",
        standard([10] * 7, [9] * 14),
        expect={"verdict": Verdict.PARTIAL, "percent": 10},
    ),
    case(
        "just under 10 % better is no response",
        standard([10] * 7, [9] * 13 + [10]),
        expect={"verdict": Verdict.NO_RESPONSE},
    ),
    case(
        "no change is no response",
        standard([6] * 7, [6] * 14),
        expect={"verdict": Verdict.NO_RESPONSE, "percent": 0},
    ),
    case(
        "exactly 30 % worse is worse",
        standard([5] * 7, [6] * 7 + [7] * 7),
        expect={"verdict": Verdict.WORSE, "percent": -30},
    ),
    case(
        "just under 30 % worse is no response",
        standard([10] * 7, [10] * 14),
        expect={"verdict": Verdict.NO_RESPONSE},
    ),
    case(
        "a baseline of exactly 4 is judged in percent (33.9 %, though only 1.36 points)",
        standard([4] * 7, [3] * 9 + [2] * 5),
        expect={"verdict": Verdict.RESPONDING, "percent": 33},
    ),
    # --- Verdicts, baseline under 4: points ------------------------------------------------
    case(
        "baseline 3, 2 points better is responding and substantial",
        standard([3] * 7, [1] * 14),
        expect={"verdict": Verdict.RESPONDING, "substantial": True, "points": Fraction(2)},
    ),
    case(
        "baseline 3, just under 2 points better is partial",
        standard([3] * 7, [1] * 13 + [2]),
        expect={"verdict": Verdict.PARTIAL},
    ),
    case(
        "baseline 3, exactly 1 point better is partial",
        standard([3] * 7, [2] * 14),
        expect={"verdict": Verdict.PARTIAL, "points": Fraction(1)},
    ),
    case(
        "baseline 3, under 1 point better is no response",
        standard([3] * 7, [2] * 13 + [3]),
        expect={"verdict": Verdict.NO_RESPONSE},
    ),
    case(
        "baseline 3, 2 points worse is worse",
        standard([3] * 7, [5] * 14),
        expect={"verdict": Verdict.WORSE, "points": Fraction(-2)},
    ),
    case(
        "baseline 3, just under 2 points worse is no response",
        standard([3] * 7, [5] * 13 + [4]),
        expect={"verdict": Verdict.NO_RESPONSE},
    ),
    case(
        "a baseline of 3.86 is judged in points (1.21 points, though 31 % better)",
        standard([4] * 6 + [3], [3] * 9 + [2] * 5),
        expect={"verdict": Verdict.PARTIAL},
    ),
    case(
        "baseline 0 cannot improve: no response, no division by zero",
        standard([0] * 7, [0] * 14),
        expect={"verdict": Verdict.NO_RESPONSE},
    ),
    # --- Baseline sources ------------------------------------------------------------------
    case(
        "4 logged days before day 1 make a diary baseline",
        standard([8, 8, 8, 8], [4] * 14),
        expect={"baseline_source": "diary", "verdict": Verdict.RESPONDING},
    ),
    case(
        "3 logged days fall back to the enrolment answer, lower confidence",
        standard([8, 8, 8], [4] * 14),
        enrolment_answer=6,
        expect={"baseline_source": "enrolment", "baseline": Fraction(6), "lower": True},
    ),
    case(
        "3 logged days and no enrolment answer is insufficient data",
        standard([8, 8, 8], [4] * 14),
        expect={"verdict": Verdict.INSUFFICIENT_DATA, "phase": Phase.REVIEW_DUE},
    ),
    case(
        "no diary before day 1 uses the enrolment answer",
        diary(block(1, 28, 5) | block(29, 42, 4)),
        enrolment_answer=8,
        expect={"baseline_source": "enrolment", "verdict": Verdict.RESPONDING, "percent": 50},
    ),
    case(
        "days more than 7 before day 1 are not the baseline",
        diary(block(-12, -7, 8) | block(1, 42, 4)),
        expect={"verdict": Verdict.INSUFFICIENT_DATA},
    ),
    # --- The evaluation window --------------------------------------------------------------
    case(
        "3 logged days in the window's first week is insufficient data",
        diary(block(-6, 0, 8) | block(1, 28, 5) | block(29, 31, 4) | block(36, 42, 4)),
        expect={"verdict": Verdict.INSUFFICIENT_DATA, "logged": (3, 7)},
    ),
    case(
        "4 logged days in each week is enough",
        diary(block(-6, 0, 8) | block(1, 28, 5) | block(29, 32, 4) | block(39, 42, 4)),
        expect={"verdict": Verdict.RESPONDING, "logged": (4, 4)},
    ),
    case(
        "a patient who stopped logging has insufficient data at the review",
        diary(block(-6, 30, 6)),
        expect={"verdict": Verdict.INSUFFICIENT_DATA, "phase": Phase.REVIEW_DUE},
    ),
    case(
        "an entry without the primary outcome is not a logged day",
        diary(block(-6, 0, 8) | block(1, 35, 5) | block(36, 42, None), outcome="fatigue"),
        outcome="fatigue",
        expect={"verdict": Verdict.INSUFFICIENT_DATA, "logged": (7, 0)},
    ),
    # --- Direction ---------------------------------------------------------------------------
    case(
        "mood is better when higher",
        standard([3] * 7, [6] * 14, outcome="mood"),
        outcome="mood",
        expect={"verdict": Verdict.RESPONDING, "percent": 42},
    ),
    case(
        "lower mood is worse",
        standard([6] * 7, [3] * 14, outcome="mood"),
        outcome="mood",
        expect={"verdict": Verdict.WORSE},
    ),
    case(
        "pain is better when lower",
        standard([6] * 7, [3] * 14),
        expect={"verdict": Verdict.RESPONDING, "substantial": True},
    ),
    case(
        "higher pain is worse",
        standard([5] * 7, [8] * 14),
        expect={"verdict": Verdict.WORSE},
    ),
    case(
        "fatigue is better when lower",
        standard([8] * 7, [7] * 14, outcome="fatigue"),
        outcome="fatigue",
        expect={"verdict": Verdict.PARTIAL, "percent": 12},
    ),
    # --- PGIC --------------------------------------------------------------------------------
    case(
        "PGIC 2 with a partial verdict is discordant",
        standard([10] * 7, [9] * 14),
        pgic={1: 2},
        expect={"verdict": Verdict.DISCORDANT},
    ),
    case(
        "PGIC 1 with no response is discordant",
        standard([6] * 7, [6] * 14),
        pgic={1: 1},
        expect={"verdict": Verdict.DISCORDANT},
    ),
    case(
        "PGIC 3 with a partial verdict stays partial",
        standard([10] * 7, [9] * 14),
        pgic={1: 3},
        expect={"verdict": Verdict.PARTIAL, "pgic": 3},
    ),
    case(
        "PGIC 2 with responding stays responding",
        standard([8] * 7, [4] * 14),
        pgic={1: 2},
        expect={"verdict": Verdict.RESPONDING},
    ),
    case(
        "PGIC 1 with worse stays worse",
        standard([5] * 7, [8] * 14),
        pgic={1: 1},
        expect={"verdict": Verdict.WORSE},
    ),
    case(
        "an answer for another review point does not count",
        standard([6] * 7, [6] * 14),
        pgic={2: 1},
        expect={"verdict": Verdict.NO_RESPONSE, "asks_pgic": True},
    ),
    # --- The next review point -------------------------------------------------------------
    case(
        "after the 6-week review the next point is week 12",
        diary(block(-6, 60, 6)),
        today=60,
        reviews=[Review(point=1)],
        expect={"phase": Phase.ON_TREATMENT, "review_point": 2, "review_on": date(84)},
    ),
    case(
        "the week-12 review is judged on days 71-84 against the same baseline",
        diary(block(-6, 0, 8) | block(1, 70, 6) | block(71, 84, 4)),
        today=84,
        reviews=[Review(point=1)],
        expect={"phase": Phase.REVIEW_DUE, "window_first": date(71), "percent": 50},
    ),
    case(
        "a clinician can set a later next review",
        diary(block(-6, 90, 6)),
        today=90,
        reviews=[Review(point=1, next_week=16)],
        expect={"phase": Phase.ON_TREATMENT, "review_on": date(112)},
    ),
]


@pytest.mark.parametrize(("days", "today", "kw", "expect"), CASES)
def test_the_rule(days, today, kw, expect):
    ev = evaluate(days, today=date(today), **kw)
    actual = {
        "phase": ev.phase,
        "verdict": ev.verdict,
        "substantial": ev.substantial,
        "day": ev.day,
        "week": ev.week,
        "days_on_dose": ev.days_on_dose,
        "dose_mg": ev.dose_mg,
        "review_on": ev.review_on,
        "review_moved": ev.review_moved,
        "review_point": ev.review_point,
        "percent": ev.percent_better,
        "points": ev.points,
        "pgic": ev.pgic,
        "asks_pgic": ev.asks_pgic,
        "baseline": ev.baseline and ev.baseline.value,
        "baseline_source": ev.baseline and ev.baseline.source,
        "lower": ev.baseline and ev.baseline.lower_confidence,
        "logged": ev.window and ev.window.logged,
        "window_first": ev.window and ev.window.first,
        "window_last": ev.window and ev.window.last,
    }
    assert {key: actual[key] for key in expect} == expect
    assert explanation(ev)


def test_there_are_at_least_40_cases():
    assert len(CASES) >= 40


def test_thresholds_are_compared_exactly():
    assert (7 - 4.9) / 7 < 0.3  # what floating point would conclude
    assert judge(Fraction(7), Fraction(49, 10)).verdict == Verdict.RESPONDING


def test_the_explanation_reads_like_the_spec():
    days = standard([7, 7, 7, 7, 7, 6, 7], [4] * 14)
    ev = evaluate(days, today=date(42))
    assert explanation(ev).startswith(
        "Pain averaged 6.9 in the week before LDN and 4.0 in weeks 5–6: 41 % better."
    )
    assert "talk with your clinician" in explanation(ev)


def test_a_low_baseline_is_explained_in_points():
    ev = evaluate(standard([3] * 7, [1] * 14), today=date(42))
    assert "2.0 points better" in explanation(ev)


def test_mood_is_explained_on_its_own_scale():
    ev = evaluate(standard([3] * 7, [6] * 14, outcome="mood"), today=date(42), outcome="mood")
    assert "Mood averaged 3.0 in the week before LDN and 6.0 in weeks 5–6: 42 % better" in (
        explanation(ev)
    )


def test_an_enrolment_baseline_says_it_is_less_certain():
    ev = evaluate(diary(block(1, 42, 4)), today=date(42), enrolment_answer=8)
    assert "at enrolment" in explanation(ev) and "less certain" in explanation(ev)


def test_a_moved_review_is_explained():
    ev = evaluate(diary(block(-6, 42, 6), doses={1: "1.5", 35: "3.0"}), today=date(42))
    assert "moves to 21 Feb" in explanation(ev)


def test_adherence_counts_days_with_a_dose_since_day_one():
    ev = evaluate(diary(block(-6, 20, 6), missed=frozenset({5, 6})), today=date(20))
    assert ev.adherence == Fraction(18, 20)
    assert ev.adherence_percent == 90


def test_today_not_logged_yet_does_not_lower_adherence():
    ev = evaluate(diary(block(-6, 19, 6)), today=date(20))
    assert ev.adherence_percent == 100


def test_the_rule_modules_import_nothing_from_django():
    """STYLE: pure means pure. The wording lives beside the rules, in explain.py."""
    import subprocess
    import sys

    code = (
        "import sys; import tracker.response.rule, tracker.response.days, tracker.alerts.rule; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
