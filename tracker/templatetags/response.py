"""The words of the response rule for templates: `{{ evaluation|badge }}` and friends."""

from __future__ import annotations

from django import template

from ..response import explain

register = template.Library()


# The rule's words as they are: `{{ evaluation|badge }}`, `{{ value|pgic_label }}`, …
for _name in ("badge", "stopped_words", "explanation", "verdict_label", "pgic_label"):
    register.filter(_name, getattr(explain, _name))


@register.filter
def expected_words(effect: str) -> str:
    """ "Vivid dreams and poor sleep are common early on a dose and usually fade." """
    return str(explain.EXPECTED.get(effect, ""))


@register.filter
def suggestion(status: object) -> str:
    return explain.suggestion(status.effect, status.timing)  # type: ignore[attr-defined]


@register.filter
def effect_name(effect: str) -> str:
    return str(explain.EFFECT_NAMES.get(effect, effect))
