"""Scoring the validated questionnaires of SPEC §14, one pure function each, as their manuals
say, in exact decimals, including what each says about skipped items. No Django.

An answer is the score of the option chosen (its `ordinalValue`), or None when skipped."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Answers = Mapping[str, int | None]
SELF_HARM = "self_harm"  # PHQ-9 item 9 above 0: an urgent alert and the crisis text at once


@dataclass(frozen=True)
class Score:
    value: Decimal | None  # None: too many items skipped to score
    band: str = ""  # the band's key, e.g. "moderate" ("" when the instrument has none)
    answered: int = 0
    items: int = 0
    prorated: bool = False  # skipped items filled in as the manual allows
    flags: tuple[str, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)  # domains, criteria

    @property
    def complete(self) -> bool:
        return self.answered == self.items


@dataclass(frozen=True)
class Rule:
    """How an instrument's score reads: its bands, which way is better, and the minimal
    important difference (SPEC §14) as points or as a fraction of the baseline."""

    scorer: Callable[[Answers], Score]
    low: Decimal
    high: Decimal
    bands: tuple[tuple[Decimal, str], ...] = ()  # (lowest value of the band, key), ascending
    higher_is_worse: bool = True
    mid_points: Decimal | None = None
    mid_fraction: Decimal | None = None


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _two(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def band_of(value: Decimal | None, bands: tuple[tuple[Decimal, str], ...]) -> str:
    if value is None:
        return ""
    found = ""
    for lowest, key in bands:
        if value >= lowest:
            found = key
    return found


def _values(answers: Answers, prefix: str, n: int) -> list[int | None]:
    return [answers.get(f"{prefix}-{i}") for i in range(1, n + 1)]


def _prorated_sum(
    values: list[int | None], most_missing: int, *, whole: bool = True
) -> tuple[Decimal | None, bool]:
    """The sum, with up to `most_missing` skipped items given the mean of the answered
    ones (the PHQ Screeners' rule), rounded half up to a whole number unless `whole` is
    off; None beyond that."""
    given = [v for v in values if v is not None]
    missing = len(values) - len(given)
    if missing > most_missing or not given:
        return None, False
    if missing == 0:
        return Decimal(sum(given)), False
    filled = Decimal(sum(given)) / Decimal(len(given)) * len(values)
    return (_whole(filled) if whole else filled), True


PHQ9_BANDS = ((Decimal(0), "minimal"), (Decimal(5), "mild"), (Decimal(10), "moderate"),
              (Decimal(15), "moderately_severe"), (Decimal(20), "severe"))  # fmt: skip
GAD7_BANDS = ((Decimal(0), "minimal"), (Decimal(5), "mild"), (Decimal(10), "moderate"),
              (Decimal(15), "severe"))  # fmt: skip
FIQR_BANDS = ((Decimal(0), "mild"), (Decimal(39), "moderate"), (Decimal(59), "severe"),
              (Decimal(75), "extreme"))  # fmt: skip
FSS_BANDS = ((Decimal(1), "no_fatigue"), (Decimal(4), "fatigue"))
DSQ_BANDS = ((Decimal(0), "criterion_not_met"),)


def phq9(answers: Answers) -> Score:
    """Sum of 9 items 0-3 (0-27). One or two skipped: each counts as the mean of the others
    (PHQ Screeners manual; NHS data dictionary); three or more: not scored. Item 9 above 0
    is flagged whatever the rest."""
    values = _values(answers, "phq9", 9)
    total, prorated = _prorated_sum(values, 2)
    flags = (SELF_HARM,) if (values[8] or 0) > 0 else ()
    answered = sum(v is not None for v in values)
    return Score(total, band_of(total, PHQ9_BANDS), answered, 9, prorated, flags)


def gad7(answers: Answers) -> Score:
    """Sum of 7 items 0-3 (0-21); up to two skipped items count as the mean of the others."""
    values = _values(answers, "gad7", 7)
    total, prorated = _prorated_sum(values, 2)
    answered = sum(v is not None for v in values)
    return Score(total, band_of(total, GAD7_BANDS), answered, 7, prorated)


def peg3(answers: Answers) -> Score:
    """The mean of the 3 items 0-10 (Krebs 2009), to 2 decimals; all three are needed."""
    values = _values(answers, "peg", 3)
    given = [v for v in values if v is not None]
    mean = _two(Decimal(sum(given)) / 3) if len(given) == 3 else None
    return Score(mean, "", len(given), 3)


def dsq_pem(answers: Answers) -> Score:
    """DePaul's scoring: each symptom's frequency and severity (0-4) × 25, averaged into a
    0-100 composite; the score is the mean of the 5 composites (all items needed). The
    authors' criterion: PEM when any symptom is at least "about half the time" (2) and at
    least "moderate" (2) — judged on the symptoms answered."""
    composites: list[Decimal] = []
    meets = False
    answered = 0
    for n in range(1, 6):
        freq, sev = answers.get(f"dsq-{n}-frequency"), answers.get(f"dsq-{n}-severity")
        answered += (freq is not None) + (sev is not None)
        if freq is not None and sev is not None:
            composites.append(Decimal(freq + sev) * 25 / 2)
            meets = meets or (freq >= 2 and sev >= 2)
    value = _two(sum(composites, Decimal(0)) / 5) if len(composites) == 5 else None
    band = "criterion_met" if meets else ("criterion_not_met" if value is not None else "")
    return Score(value, band, answered, 10, detail={"criterion": meets})


def pgic(answers: Answers) -> Score:
    value = answers.get("pgic")
    return Score(Decimal(value) if value is not None else None, "", int(value is not None), 1)


FIQR_DOMAINS = (("function", range(1, 10), Decimal(3)), ("overall", range(10, 12), Decimal(1)),
                ("symptoms", range(12, 22), Decimal(2)))  # fmt: skip


def fiqr(answers: Answers) -> Score:
    """Revised FIQ (Bennett 2009): function = sum of items 1-9 ÷ 3 (0-30), overall = sum of
    items 10-11 (0-20), symptoms = sum of items 12-21 ÷ 2 (0-50); total 0-100. A domain with
    one skipped item counts it as the mean of the domain's others; more: not scored."""
    domains: dict[str, str | None] = {}
    total = Decimal(0)
    prorated = scored = False
    answered = 0
    for name, numbers, divisor in FIQR_DOMAINS:
        values = [answers.get(f"fiqr-{i}") for i in numbers]
        answered += sum(v is not None for v in values)
        summed, filled = _prorated_sum(values, 1, whole=False)
        if summed is None:
            domains[name] = None
            scored = True  # at least one domain is missing: no total
            continue
        part = _two(summed / divisor)
        domains[name] = str(part)
        total += part
        prorated = prorated or filled
    value = None if scored else _two(total)
    return Score(value, band_of(value, FIQR_BANDS), answered, 21, prorated, detail=domains)


def fss(answers: Answers) -> Score:
    """The mean of the 9 items 1-7 (Krupp 1989), to 2 decimals; one skipped item leaves the
    mean of the other eight; more: not scored. A mean of 4 or more suggests fatigue."""
    values = _values(answers, "fss", 9)
    given = [v for v in values if v is not None]
    if len(given) < 8:
        return Score(None, "", len(given), 9)
    mean = _two(Decimal(sum(given)) / len(given))
    return Score(mean, band_of(mean, FSS_BANDS), len(given), 9, prorated=len(given) < 9)


RULES: dict[str, Rule] = {
    "phq-9": Rule(phq9, Decimal(0), Decimal(27), PHQ9_BANDS, mid_points=Decimal(5)),
    "gad-7": Rule(gad7, Decimal(0), Decimal(21), GAD7_BANDS, mid_points=Decimal(4)),
    "peg-3": Rule(peg3, Decimal(0), Decimal(10), mid_fraction=Decimal("0.30")),
    "dsq-pem": Rule(dsq_pem, Decimal(0), Decimal(100), DSQ_BANDS),
    "pgic": Rule(pgic, Decimal(1), Decimal(7)),
    "fiqr": Rule(fiqr, Decimal(0), Decimal(100), FIQR_BANDS, mid_fraction=Decimal("0.14")),
    "fss": Rule(fss, Decimal(1), Decimal(7), FSS_BANDS),
}


def score(key: str, answers: Answers) -> Score:
    return RULES[key].scorer(answers)


def reaches_mid(key: str, baseline: Decimal, now: Decimal) -> bool | None:
    """Whether the change from baseline is at or beyond the minimal important difference
    (SPEC §14), in the better direction; None for an instrument without one."""
    rule = RULES[key]
    better = baseline - now if rule.higher_is_worse else now - baseline
    if rule.mid_points is not None:
        return better >= rule.mid_points
    if rule.mid_fraction is not None:
        if baseline == 0:
            return False
        return better / baseline >= rule.mid_fraction
    return None
