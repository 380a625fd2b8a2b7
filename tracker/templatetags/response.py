"""The words of the response rule for templates: `{{ evaluation|badge }}` and friends."""

from __future__ import annotations

from django import template

from ..response import explain
from ..response.rule import Evaluation

register = template.Library()


@register.filter
def badge(ev: Evaluation) -> str:
    return explain.badge(ev)


@register.filter
def stopped_words(ev: Evaluation) -> str:
    return explain.stopped_words(ev)


@register.filter
def explanation(ev: Evaluation) -> str:
    return explain.explanation(ev)


@register.filter
def verdict_label(ev: Evaluation) -> str:
    return explain.verdict_label(ev)


@register.filter
def pgic_label(value: int | None) -> str:
    return explain.pgic_label(value)


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
