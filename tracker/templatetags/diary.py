from __future__ import annotations

import functools
from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..formatting import conditional_escape as escape
from ..formatting import plain_number, short_day

register = template.Library()


register.filter("number", plain_number)


@register.simple_tag(takes_context=True)
def chartjs_script(context: template.Context) -> SafeString:
    """Chart.js from the pinned CDN with Subresource Integrity, or the local copy."""
    # The nonce is lazy: str() makes it (testing it for truth first would read it as empty).
    nonce = str(context.get("csp_nonce", ""))
    if settings.CHARTJS_SOURCE == "local":
        return format_html(
            '<script src="{}" defer nonce="{}"></script>',
            static("vendor/chart.js/chart.umd.min.js"),
            nonce,
        )
    return format_html(
        '<script src="{}" integrity="{}" crossorigin="anonymous" defer nonce="{}"></script>',
        settings.CHARTJS_CDN_URL,
        settings.CHARTJS_INTEGRITY,
        nonce,
    )


@register.filter
def clock(value: object) -> str:
    """A time as 22:00, whether the form holds a time or the text typed into it."""
    import datetime as dt

    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return "" if value is None else str(value)


@register.filter
def numbers_row(row: dict[str, Any]) -> SafeString:
    """One day of the Trends table's cells, made in one call: 84 rows × 10 cells of template
    variables were a third of the Trends page's time (issue 14)."""
    day = row["entry"]
    label = f'<th scope="row">{escape(short_day(row["date"]))}</th>'
    if day is None:
        return mark_safe(f'{label}<td colspan="9">not logged</td>')  # noqa: S308
    cells = [
        plain_number(day.dose_mg) if day.dose_taken else "missed",
        day.pain, day.mood, day.fatigue, day.headache, day.nausea,
        plain_number(day.sleep_hours), day.sleep_quality, day.dreams,
    ]  # fmt: skip
    shown = ("–" if c is None else c for c in cells)
    return mark_safe(label + "".join(f"<td>{escape(c)}</td>" for c in shown))  # noqa: S308


@functools.cache
def _row_words(language: str | None) -> dict[str, Any]:
    """The words of the diary tables, translated once per language (gettext per cell per
    row was most of the record's time); column names escaped for attributes."""
    from ..models.diary import SEVERITY_0_3, SLEEP_QUALITY, Dreams

    keys = ("Dose", "Sleep", "Dreams", "Headache", "Pain", "Mood", "Fatigue", "Nausea",
            "Irritability", "Safety", "Note", "Opioid", "Liver signs", "woke", "missed",
            "Flags", "Baseline", "Missed", "Not logged", "Edit", "Add", "before LDN",
            "off LDN", "Stopped")  # fmt: skip
    words: dict[str, Any] = {key: escape(_(key)) for key in keys}
    words["severity"] = {v: str(label) for v, label in SEVERITY_0_3}
    words["quality"] = {v: str(label).lower() for v, label in SLEEP_QUALITY}
    words["dreams"] = {d.value: str(d.label) for d in Dreams}
    return words


def _day_cells(day: Any, w: dict[str, Any], *, empty: str) -> list[tuple[str, str]]:
    """(column, text) of one diary day (a `Day`) as both diary tables show it, from Sleep to
    Irritability; an optional value not given shows as `empty`."""
    severity = w["severity"]
    woke = f" ({w['woke']})" if day.nightmare_woke else ""

    def optional(value: int | None, words: dict[int, str] | None = None) -> str:
        return empty if value is None else str(words[value] if words else value)

    return [
        ("Sleep", f"{plain_number(day.sleep_hours)} h · {w['quality'][day.sleep_quality]}"),
        ("Dreams", f"{w['dreams'][day.dreams]}{woke}"),
        ("Headache", severity[day.headache]),
        ("Pain", str(day.pain)),
        ("Mood", str(day.mood)),
        ("Fatigue", optional(day.fatigue)),
        ("Nausea", optional(day.nausea, severity)),
        ("Irritability", optional(day.irritability, severity)),
    ]


def _dose(day: Any) -> str:
    time = day.time_taken.strftime("%H:%M") if day.time_taken else ""
    return f"{plain_number(day.dose_mg)} mg {time}".strip()


def _cells_html(w: dict[str, Any], cells: list[tuple[str, str]]) -> str:
    return "".join(f'<td data-label="{w[key]}">{escape(value)}</td>' for key, value in cells)


@register.filter
def diary_row(day: Any) -> SafeString:
    """One day of the record's 8-week diary table (a `Day`), its cells labelled for the
    phone's stacked layout: made in one call, not 12 cells of template tags per row."""
    w = _row_words(get_language())
    flags = ""
    if day.opioid_taken:
        name = f": {day.opioid_name}" if day.opioid_name else ""
        flags += f'<span class="flag flag--urgent">{w["Opioid"]}{escape(name)}</span>'
    if day.liver_signs:
        flags += f'<span class="flag flag--urgent">{w["Liver signs"]}</span>'
    dose = _dose(day) if day.dose_taken else w["missed"]
    return mark_safe(  # noqa: S308 (every value escaped)
        f'<th scope="row">{escape(short_day(day.date))}</th>'
        + _cells_html(w, [("Dose", dose), *_day_cells(day, w, empty="–")])
        + f'<td data-label="{w["Safety"]}">{flags}</td>'
        + f'<td class="note-cell" data-label="{w["Note"]}">{escape(day.note)}</td>'
    )


@register.filter
def label(obj: Any, field: str) -> str:
    """`{{ alert|label:"kind" }}`: what `get_kind_display` says, from a table made once per
    language (Django's makes the choices hashable, translating every label, on each call)."""
    value = getattr(obj, field)
    return choice_labels(type(obj), field, get_language()).get(value, value)  # type: ignore[arg-type]


@functools.cache
def choice_labels(model: Any, field: str, language: str | None) -> dict[Any, str]:
    return {key: str(text) for key, text in model._meta.get_field(field).flatchoices}


@register.filter
def history_row(row: dict[str, Any]) -> SafeString:
    """One day of the patient's History (a row of the view's `rows`), every cell labelled
    for the phone's stacked layout, made in one call instead of ~20 template variables."""
    w = _row_words(get_language())
    day = row["entry"]
    if row["week_label"]:
        when = f' <span class="week">{escape(row["week_label"])}</span>'
    elif row["baseline"]:
        when = f' <span class="week">{w["before LDN"]}</span>'
    elif row.get("off_ldn"):
        when = f' <span class="week">{w["off LDN"]}</span>'
    else:
        when = ""
    parts = [f'<th scope="row">{escape(row["label"])}{when}</th>']
    if day is None:
        parts.append(f'<td class="not-logged" colspan="10">{w["Not logged"]}</td>')
    else:
        if day.dose_taken:
            dose = escape(_dose(day))
        elif row["baseline"]:
            dose = f'<span class="baseline">{w["Baseline"]}</span>'
        elif row.get("off_ldn"):
            dose = f'<span class="baseline">{w["Stopped"]}</span>'
        else:
            dose = f'<span class="missed">{w["Missed"]}</span>'
        flags = ""
        if day.opioid_taken:
            flags += f'<span class="flag">{w["Opioid"]}</span>'
        if day.liver_signs:
            flags += f'<span class="flag">{w["Liver signs"]}</span>'
        parts.append(f'<td data-label="{w["Dose"]}">{dose}</td>')
        parts.append(_cells_html(w, _day_cells(day, w, empty="")))
        parts.append(f'<td data-label="{w["Flags"]}">{flags}</td>')
    action = ""
    if row["edit_url"]:
        verb = w["Edit"] if day is not None else w["Add"]
        action = (
            f'<a class="button button--small" href="{escape(row["edit_url"])}">{verb}'
            f'<span class="visually-hidden"> {escape(row["label"])}</span></a>'
        )
    parts.append(f"<td>{action}</td>")
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)
