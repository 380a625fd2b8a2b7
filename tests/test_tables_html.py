"""The long tables (`tracker.tables`) are made in Python for speed; each is also written the
template way in `tests/templates/tables/`, and both must give the same HTML for rows that
take every branch (a day not logged, a missed dose, a baseline day, a day off LDN, a note,
an opioid with its name, markup in what a person typed; a patient not started, titrating,
due a review, paused, stopped, with and without alerts). Only line breaks and the indent
after them are the template's own, and are dropped before comparing, the way the forms'
renderer is fenced in `tests/test_forms_html.py`."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from django.template import Context, Engine
from django.utils import timezone

from tracker.models import DailyEntry, Patient, User
from tracker.panel import PanelRow
from tracker.response.days import Day
from tracker.response.rule import Evaluation, Phase, Verdict
from tracker.tables import registry
from tracker.tables.panel import sparkline

TODAY = dt.date(2026, 3, 10)
ENGINE = Engine(
    dirs=[str(Path(__file__).parent / "templates")],
    libraries={
        "i18n": "django.templatetags.i18n",
        "formatting": "tracker.templatetags.formatting",
        "response": "tracker.templatetags.response",
    },
)

DAYS = [
    {"dose_taken": True, "dose_mg": Decimal("4.50"), "time_taken": dt.time(22, 5),
     "dose_amount": Decimal("4.50"), "dose_unit": "ml",
     "sleep_hours": Decimal("7.50"), "dreams": "vivid", "nightmare_woke": True, "headache": 2,
     "nausea": 1, "irritability": 3, "fatigue": 4, "note": "<b>tired</b> & \"fine\""},
    {"dose_taken": False, "dose_mg": None, "opioid_taken": True, "opioid_name": "tramadol <i>",
     "liver_signs": True, "sleep_quality": 1, "dreams": "nightmares"},
    {"dose_taken": True, "dose_mg": Decimal("1"), "opioid_taken": True, "sleep_quality": 5,
     "dose_amount": Decimal("2"), "dose_unit": "drop"},
    {"dose_taken": False, "dose_mg": None, "sleep_hours": Decimal("10")},
    {"dose_taken": True, "dose_mg": Decimal("0.5"), "dreams": "normal", "fatigue": 0},
]  # fmt: skip
BASE = {"pain": 6, "mood": 3, "headache": 0, "sleep_quality": 3, "dreams": "none"}


def _days() -> list[tuple[Day, DailyEntry]]:
    out = []
    for n, values in enumerate(DAYS):
        fields = {**BASE, **values, "date": TODAY - dt.timedelta(days=n)}
        day = Day(**{k: v for k, v in fields.items() if k in Day.FIELDS})
        out.append((day, DailyEntry(**fields)))
    return out


def _flat(html: str) -> str:
    return re.sub(r"\n\s*", "", str(html)).strip()


def _reference(name: str, **context: object) -> str:
    return _flat(ENGINE.get_template(f"tables/{name}.html").render(Context(context)))


def test_history():
    days = _days()
    rows, reference = [], []
    kinds = [
        {"week_label": "course 2, wk 3"},
        {"baseline": True},
        {"off_ldn": True},
        {},
        {"week_label": "wk 1"},
    ]
    for n in range(8):
        day = TODAY - dt.timedelta(days=n)
        entry = days[n] if n < len(days) else None
        row = {
            "day": day, "label": day.strftime("%a %-d %b"), "week": 3,
            "week_label": "", "baseline": False, "off_ldn": False,
            "edit_url": f"/diary/?date={day}&x=<y>" if n < 6 else None,
            **kinds[n % len(kinds)],
        }  # fmt: skip
        rows.append({**row, "entry": entry[0] if entry else None})
        reference.append({**row, "entry": entry[1] if entry else None})
    ours = _flat(registry()["history"].render(rows))
    assert ours == _reference("history", rows=reference)
    assert 'colspan="10">Not logged' in ours
    assert "&lt;b&gt;tired" in ours


def test_the_records_diary():
    days = _days()
    ours = _flat(registry()["record"].render([d for d, _ in days], empty="Nothing here"))
    assert ours == _reference("record", rows=[e for _, e in days], empty="Nothing here")
    assert "tramadol &lt;i&gt;" in ours
    empty = _flat(registry()["record"].render([], empty="Nothing <logged>"))
    assert empty == _reference("record", rows=[], empty="Nothing <logged>")
    assert 'colspan="12">Nothing &lt;logged&gt;' in empty


def test_trends_numbers():
    days = _days()
    dates = [TODAY - dt.timedelta(days=n) for n in range(len(days) + 2)]
    ours = [{"date": d, "logged": n < len(days), "entry": days[n][0] if n < len(days) else None}
            for n, d in enumerate(dates)]  # fmt: skip
    theirs = [{**row, "entry": days[n][1] if n < len(days) else None} for n, row in enumerate(ours)]
    html = _flat(registry()["numbers"].render(ours))
    assert html == _reference("numbers", rows=theirs)
    assert 'class="missing"><th scope="row">' in html and 'colspan="9">not logged' in html


def _evaluations() -> list[Evaluation]:
    started = {"day_one": TODAY - dt.timedelta(days=40), "day": 41, "week": 6,
               "dose_mg": Decimal("4.5"), "days_on_dose": 20, "last_entry": TODAY,
               "review_on": TODAY + dt.timedelta(days=2), "adherence": Fraction(9, 10)}  # fmt: skip
    return [
        Evaluation(today=TODAY, outcome="pain", phase=Phase.PRE_TREATMENT),
        Evaluation(today=TODAY, outcome="pain", phase=Phase.TITRATING, **{**started, "week": 1}),
        Evaluation(
            today=TODAY,
            outcome="mood",
            phase=Phase.REVIEW_DUE,
            **{**started, "review_on": TODAY - dt.timedelta(days=1)},
            verdict=Verdict.RESPONDING,
            fraction=Fraction(1, 2),
        ),
        Evaluation(
            today=TODAY,
            outcome="pain",
            phase=Phase.ON_TREATMENT,
            **{**started, "last_entry": TODAY - dt.timedelta(days=9)},
            paused_since=TODAY - dt.timedelta(days=8),
        ),
        Evaluation(
            today=TODAY,
            outcome="fatigue",
            phase=Phase.STOPPED,
            **{**started, "review_on": None, "adherence": None},
            stopped_on=TODAY - dt.timedelta(days=3),
            end_reason="review",
        ),
    ]


class _Reference:
    """A panel row with its sparkline made (the SVG is drawn in Python both ways)."""

    def __init__(self, row: PanelRow) -> None:
        self._row, self.spark_html = row, sparkline(row)

    def __getattr__(self, name: str) -> object:
        return getattr(self._row, name)


@pytest.mark.parametrize("sorted_by", ["", "week", "-adherence"])
def test_the_panel(sorted_by):
    rows = []
    for n, ev in enumerate(_evaluations()):
        user = User(first_name="Ann <&>", last_name=f"Lee {n}", email=f"ann{n}@example.org")
        patient = Patient(user=user, condition=["fibromyalgia", "other", "long_covid"][n % 3])
        rows.append(
            PanelRow(
                patient=patient,
                status=ev,
                open_alerts=n % 3,
                urgent_alerts=n % 2 * (n % 3),
                last_review=timezone.now() - dt.timedelta(days=30) if n % 2 else None,
                spark=[None if k % 4 == 0 else (k + n) % 11 for k in range(28)]
                if n
                else [None] * 28,
                url=f"/clinic/patients/{n}/?a=1&b=<2>",
            )
        )
    keys = ("name", "week", "last_entry", "review", "last_review", "adherence")
    sorting = {
        key: {
            "url": f"/clinic/?sort={key}&q=<x>",
            "sorted": ("descending" if sorted_by.startswith("-") else "ascending")
            if sorted_by.lstrip("-") == key
            else "",
        }
        for key in keys
    }
    ours = _flat(registry()["panel"].render(rows, sorting=sorting))
    assert ours == _reference("panel", rows=[_Reference(r) for r in rows], columns=sorting)
    assert ours.count('class="panel-row') == 5 and "Ann &lt;&amp;&gt;" in ours


def test_every_table_is_fenced():
    references = {p.stem for p in (Path(__file__).parent / "templates" / "tables").glob("*.html")}
    assert set(registry()) <= references
