from __future__ import annotations

import datetime as dt
import functools
import html
from typing import Any

from django.utils.translation import get_language

from .response.doses import plain as plain_number  # noqa: F401  (7.50 → "7.5")


def short_day(day: dt.date, *, weekday: bool = True, year: bool = False) -> str:
    """`day` as "Mon 2 Mar" in the active language: Django's `date_format(day, "D j M")`
    ("j M" without the weekday, "j M Y" with the year), with the day and month names looked
    up once per language instead of on every row of a table."""
    weekdays, months = _names(get_language())
    text = f"{day.day} {months[day.month]}"
    if weekday:
        text = f"{weekdays[day.weekday()]} {text}"
    return f"{text} {day.year}" if year else text


@functools.cache
def _names(language: str | None) -> tuple[list[str], dict[int, str]]:
    from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

    return [str(WEEKDAYS_ABBR[n]) for n in range(7)], {
        n: str(name).title() for n, name in MONTHS_3.items()
    }


def conditional_escape(value: Any) -> str:
    """Django's `conditional_escape` (a safe string as it is, anything else through
    `html.escape`) without its lazy-string wrapper, which cost as much as the escaping: for
    the HTML the forms and the long tables make in Python."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def choice_label(obj: Any, field: str) -> str:
    """What `obj.get_<field>_display()` says, from a table made once per language (Django's
    makes the choices hashable, translating every label, on each call)."""
    value = getattr(obj, field)
    return choice_labels(type(obj), field, get_language()).get(value, value)  # type: ignore[arg-type]


@functools.cache
def choice_labels(model: Any, field: str, language: str | None) -> dict[Any, str]:
    return {key: str(text) for key, text in model._meta.get_field(field).flatchoices}
