"""The diary as tables: the patient's History, the record's 8 weeks, and Trends' numbers.

History's rows are the view's dicts (a day, its entry or None, its week label and edit
link); the record's are `Day`s; Trends' are `{"date", "logged", "entry"}`."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import dosing
from ..formatting import conditional_escape as escape
from ..formatting import plain_number, short_day
from . import Column, Table, Words


def _words() -> dict[str, Any]:
    from ..models.diary import SEVERITY_0_3, SLEEP_QUALITY, Dreams

    keys = ("woke", "missed", "Opioid", "Liver signs", "Baseline", "Missed", "Not logged",
            "Edit", "Add", "before LDN", "off LDN", "Stopped", "not logged")  # fmt: skip
    words: dict[str, Any] = {key: escape(_(key)) for key in keys}
    words["severity"] = {v: escape(str(label)) for v, label in SEVERITY_0_3}
    words["quality"] = {v: escape(str(label).lower()) for v, label in SLEEP_QUALITY}
    words["dreams"] = {d.value: escape(str(d.label)) for d in Dreams}
    return words


def _dose(day: Any) -> str:
    """ "1.5 mL = 1.5 mg 22:00": what was measured (SPEC §3a), then the mg, then the time."""
    time = day.time_taken.strftime("%H:%M") if day.time_taken else ""
    return escape(f"{measured(day)}{plain_number(day.dose_mg)} mg {time}".strip())


def measured(day: Any) -> str:
    """ "1.5 mL = " for a dose measured in a unit other than mg, else nothing."""
    unit = getattr(day, "dose_unit", "")
    if not unit or unit == "mg" or day.dose_amount is None:
        return ""
    return f"{dosing.unit_words(day.dose_amount, unit)} = "


def _optional(value: int | None, empty: str, names: dict[int, str] | None = None) -> str:
    return empty if value is None else str(names[value] if names else value)


def _day_columns(entry: Any, empty: str) -> tuple[Column, ...]:
    """Sleep to Irritability, as History and the record both show them; `entry(row)` is the
    row's `Day`, an optional value not given shows as `empty`."""

    def sleep(row: Any, w: Words) -> str:
        day = entry(row)
        return f"{escape(plain_number(day.sleep_hours))} h · {w['quality'][day.sleep_quality]}"

    def dreams(row: Any, w: Words) -> str:
        day = entry(row)
        return w["dreams"][day.dreams] + (f" ({w['woke']})" if day.nightmare_woke else "")

    return (
        Column("sleep", gettext_lazy("Sleep"), sleep),
        Column("dreams", gettext_lazy("Dreams"), dreams),
        Column("headache", gettext_lazy("Headache"), lambda r, w: w["severity"][entry(r).headache]),
        Column("pain", gettext_lazy("Pain"), lambda r, w: str(entry(r).pain)),
        Column("mood", gettext_lazy("Mood"), lambda r, w: str(entry(r).mood)),
        Column("fatigue", gettext_lazy("Fatigue"), lambda r, w: _optional(entry(r).fatigue, empty)),
        Column(
            "nausea",
            gettext_lazy("Nausea"),
            lambda r, w: _optional(entry(r).nausea, empty, w["severity"]),
        ),
        Column(
            "irritability",
            gettext_lazy("Irritability"),
            lambda r, w: _optional(entry(r).irritability, empty, w["severity"]),
        ),
    )


def _flags(day: Any, w: Words, *, urgent: str = "", named: bool = False) -> str:
    flags = ""
    if day.opioid_taken:
        name = f": {escape(day.opioid_name)}" if named and day.opioid_name else ""
        flags += f'<span class="flag{urgent}">{w["Opioid"]}{name}</span>'
    if day.liver_signs:
        flags += f'<span class="flag{urgent}">{w["Liver signs"]}</span>'
    return flags


# The patient's History -------------------------------------------------------------------


def _history_day(row: dict[str, Any], w: Words) -> str:
    if row["week_label"]:
        when = f' <span class="week">{escape(row["week_label"])}</span>'
    elif row["baseline"]:
        when = f' <span class="week">{w["before LDN"]}</span>'
    elif row.get("off_ldn"):
        when = f' <span class="week">{w["off LDN"]}</span>'
    else:
        when = ""
    return escape(row["label"]) + when


def _history_dose(row: dict[str, Any], w: Words) -> str:
    day = row["entry"]
    if day.dose_taken:
        return _dose(day)
    if row["baseline"]:
        return f'<span class="baseline">{w["Baseline"]}</span>'
    if row.get("off_ldn"):
        return f'<span class="baseline">{w["Stopped"]}</span>'
    return f'<span class="missed">{w["Missed"]}</span>'


def _history_action(row: dict[str, Any], w: Words) -> str:
    if not row["edit_url"]:
        return ""
    verb = w["Edit"] if row["entry"] is not None else w["Add"]
    return (
        f'<a class="button button--small" href="{escape(row["edit_url"])}">{verb}'
        f'<span class="visually-hidden"> {escape(row["label"])}</span></a>'
    )


def _history_note(row: dict[str, Any], w: Words) -> str:
    """The rows under a day: its note, and its versions when it was changed (made by the
    view from components/versions.html)."""
    day, out = row["entry"], ""
    if day is not None and day.note:
        out = (
            f'<tr class="note-row"><td colspan="{w["width"]}" data-label="{w["note"]}">'
            f"{escape(day.note)}</td></tr>"
        )
    if day is not None and row.get("versions"):
        out += f'<tr class="versions-row"><td colspan="{w["width"]}">{row["versions"]}</td></tr>'
    return out


HISTORY = Table(
    columns=(
        Column("day", gettext_lazy("Day"), _history_day, row_header=True, data=False),
        Column("dose", gettext_lazy("Dose"), _history_dose),
        *_day_columns(lambda row: row["entry"], empty=""),
        Column("flags", gettext_lazy("Flags"), lambda row, w: _flags(row["entry"], w)),
        Column(
            "action",
            gettext_lazy("Action"),
            _history_action,
            hidden_title=True,
            labelled=False,
            data=False,
        ),
    ),
    words=lambda: {**_words(), "note": escape(_("Note"))},
    missing=lambda row, w: None if row["entry"] is not None else w["Not logged"],
    missing_class="not-logged",
    row_class=lambda row: None if row["entry"] is not None else "missing",
    after=_history_note,
)


# The record's diary (the clinician's 8 weeks) --------------------------------------------


RECORD = Table(
    columns=(
        Column(
            "day",
            gettext_lazy("Day"),
            lambda day, w: escape(short_day(day.date)),
            row_header=True,
        ),
        Column(
            "dose",
            gettext_lazy("Dose"),
            lambda day, w: _dose(day) if day.dose_taken else w["missed"],
        ),
        *_day_columns(lambda day: day, empty="–"),
        Column(
            "safety",
            gettext_lazy("Safety"),
            lambda day, w: _flags(day, w, urgent=" flag--urgent", named=True),
        ),
        Column("note", gettext_lazy("Note"), lambda day, w: escape(day.note), css="note-cell"),
    ),
    words=_words,
)


# Trends' numbers (the charts as a table) -------------------------------------------------


def _number(value: object) -> str:
    return "–" if value is None else escape(value)


def _numbers(key: str, title: Promise, value: Any) -> Column:
    return Column(key, title, lambda row, w: _number(value(row["entry"])))


NUMBERS = Table(
    columns=(
        Column(
            "day",
            gettext_lazy("Day"),
            lambda row, w: escape(short_day(row["date"])),
            row_header=True,
            data=False,
        ),
        Column(
            "dose",
            gettext_lazy("Dose mg"),
            lambda row, w: (
                escape(plain_number(row["entry"].dose_mg))
                if row["entry"].dose_taken
                else w["missed"]
            ),
        ),
        _numbers("pain", gettext_lazy("Pain"), lambda day: day.pain),
        _numbers("mood", gettext_lazy("Mood"), lambda day: day.mood),
        _numbers("fatigue", gettext_lazy("Fatigue"), lambda day: day.fatigue),
        _numbers("headache", gettext_lazy("Headache"), lambda day: day.headache),
        _numbers("nausea", gettext_lazy("Nausea"), lambda day: day.nausea),
        _numbers("sleep", gettext_lazy("Sleep h"), lambda day: plain_number(day.sleep_hours)),
        _numbers("quality", gettext_lazy("Quality"), lambda day: day.sleep_quality),
        _numbers("dreams", gettext_lazy("Dreams"), lambda day: day.dreams),
    ),
    labelled=False,
    words=_words,
    missing=lambda row, w: None if row["entry"] is not None else w["not logged"],
    row_class=lambda row: None if row["logged"] else "missing",
)
