"""The diary as CSV (SPEC §8): one row per diary day with every field of SPEC §3, a header
row, ISO dates, UTF-8, and the dose changes. Streamed: a five-year diary never sits in
memory whole. A cell a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from ..formatting import plain_number
from ..models import DailyEntry, Patient

COLUMNS = [
    "date", *DailyEntry.VALUE_FIELDS, "dose_change_from_mg", "version", "last_changed_at",
]  # fmt: skip
# What a spreadsheet starts a formula with (OWASP's list: tab and carriage return too).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A cell that would be read as a formula gets a leading apostrophe: shown as text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(str(value))


class _Line:
    """A file-like object that hands back what csv.writer writes (one line at a time)."""

    def write(self, text: str) -> str:
        return text


def rows(entries: Iterable[DailyEntry]) -> Iterator[list[str]]:
    yield COLUMNS
    previous: Decimal | None = None
    for entry in entries:
        change = ""
        if entry.dose_taken and entry.dose_mg is not None:
            if previous is not None and entry.dose_mg != previous:
                change = plain_number(previous)
            previous = entry.dose_mg
        values = [getattr(entry, name) for name in DailyEntry.VALUE_FIELDS]
        yield [
            cell(entry.date),
            *map(cell, values),
            change,
            str(entry.version),
            cell(entry.updated_at),
        ]


def stream(patient: Patient) -> Iterator[str]:
    """The CSV text, line by line, from the diary read in chunks."""
    writer = csv.writer(_Line())
    entries = DailyEntry.objects.for_patient(patient).order_by("date").iterator(chunk_size=1000)
    for row in rows(entries):
        yield writer.writerow(row)


def filename(patient: Patient, kind: str = "csv") -> str:
    return f"ldn-diary-{patient.pk}-{dt.date.today().isoformat()}.{kind}"


QUESTIONNAIRE_COLUMNS = ["instrument", "occasion", "due_on", "completed_on", "score", "band",
                         "version", "answers"]  # fmt: skip


def questionnaire_stream(patient: Patient) -> Iterator[str]:
    """The patient's questionnaires as CSV (SPEC §14): a row per answer, its score and band,
    and the answers item by item (linkId=score; …)."""
    writer = csv.writer(_Line())
    yield writer.writerow(QUESTIONNAIRE_COLUMNS)
    for a in patient.questionnaire_answers.order_by("due_on", "instrument", "id"):
        answers = "; ".join(f"{k}={v}" for k, v in a.answers.items())
        yield writer.writerow(
            [cell(a.instrument), cell(a.occasion), cell(a.due_on), cell(a.completed_on),
             cell(a.score), cell(a.band), str(a.version), cell(answers)]
        )  # fmt: skip
