"""How the pages write values: `{{ mg|number }}` (7.50 → 7.5), `{{ time|clock }}`,
`{{ alert|label:"kind" }}` (a choice's words)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from ..formatting import choice_label, plain_number

register = template.Library()

register.filter("number", plain_number)
register.filter("label", choice_label)


@register.filter
def clock(value: object) -> str:
    """A time as 22:00, whether the form holds a time or the text typed into it."""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return "" if value is None else str(value)


@register.filter
def measured(day: Any) -> str:
    """ "1.5 mL = " before a dose's mg, when it was measured in another unit (SPEC §3a)."""
    from ..tables.diary import measured as words

    return words(day)


@register.filter
def band(key: str) -> str:
    """A questionnaire band's words: "moderately_severe" → "moderately severe"."""
    return (key or "").replace("_", " ")
