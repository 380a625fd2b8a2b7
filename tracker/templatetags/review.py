"""The words of the response rule for templates: `{{ evaluation|badge }}` and friends."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..formatting import conditional_escape as escape
from ..formatting import plain_number, short_day
from ..response import explain
from ..response.rule import Evaluation
from .diary import label

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


def sparkline(row: Any) -> SafeString:
    """The panel's 4-week line of the primary outcome (0–10, up is a higher score), as an
    inline SVG: a gap where a day was not logged, a dot for a day alone. Its label says the
    first and last week's means, for anyone who cannot see the line."""
    values = row.spark
    logged = [v for v in values if v is not None]
    outcome = str(explain.OUTCOME_NAMES.get(row.status.outcome, row.status.outcome)).capitalize()
    if not logged:
        return format_html('<span class="spark spark--empty">{}</span>', _("no entries"))
    segments, drawing = [], False
    for x, value in enumerate(values):
        if value is None:
            drawing = False
            continue
        y = 10 - value
        segments.append(f"{'L' if drawing else 'M'}{x} {y}" + ("" if drawing else "h0"))
        drawing = True

    def mean(part: list[int | None]) -> str:
        seen = [v for v in part if v is not None]
        return f"{sum(seen) / len(seen):.1f}" if seen else "–"

    label = _("%(outcome)s, last 4 weeks: first week %(first)s, last week %(last)s") % {
        "outcome": outcome,
        "first": mean(values[:7]),
        "last": mean(values[-7:]),
    }
    return format_html(
        '<svg class="spark" viewBox="-1 -1 29 12" role="img" aria-label="{}"><path d="{}"/></svg>',
        label,
        " ".join(segments),
    )


@functools.cache
def _panel_words(language: str | None) -> dict[str, str]:
    words = {
        "status": _("Status"), "on_ldn": _("On LDN"), "dose": _("Dose"), "alerts": _("Alerts"),
        "weeks": _("4 weeks"), "last_entry": _("Last entry"), "next_review": _("Next review"),
        "last_review": _("Last review"), "adherence": _("Adherence"), "review_due": _("Review due"),
        "not_started": _("not started"), "none": _("none"), "never": _("never"),
        "none_yet": _("none yet"), "due_since": _("due since"),
    }  # fmt: skip
    return {key: str(escape(value)) for key, value in words.items()}


@register.filter
def panel_cells(row: Any) -> SafeString:
    """One patient's row of the panel, made in one call: 25 rows of a dozen template tags
    each were most of the panel's time (issue 14). Every value is escaped."""
    w = _panel_words(get_language())
    p, ev = row.patient, row.status
    status = escape(explain.badge(ev))
    if ev.review_due:
        status = f"{w['review_due']} · {status}"
    kind = escape(ev.verdict or ev.phase)
    if ev.stopped:
        status = escape(explain.stopped_words(ev))
        week = escape(_("stopped"))
        dose = f"{escape(plain_number(ev.dose_mg))} mg"
    elif ev.started:
        week = escape(_("week %(n)s") % {"n": ev.week})
        dose = f"{escape(plain_number(ev.dose_mg))} mg, {ev.days_on_dose} d"
        if ev.paused_since:
            paused = _("paused since %(day)s") % {"day": short_day(ev.paused_since, weekday=False)}
            week += f' <span class="flag">{escape(paused)}</span>'
    else:
        week, dose = w["not_started"], "–"
    if row.open_alerts:
        urgent = _(", %(n)s urgent") % {"n": row.urgent_alerts} if row.urgent_alerts else ""
        alerts = (
            f'<span class="flag{" flag--urgent" if row.urgent_alerts else ""}">'
            f"{escape(_('%(n)s open') % {'n': row.open_alerts})}{escape(urgent)}</span>"
        )
    else:
        alerts = w["none"]
    if ev.last_entry:
        last = escape(short_day(ev.last_entry, weekday=False))
        if row.not_logging:
            ago = _("%(n)s days ago") % {"n": row.silent_days}
            last += f' <span class="flag">{escape(ago)}</span>'
    else:
        last = w["never"]
    if ev.review_on:
        due = f"{w['due_since']} " if ev.review_due else ""
        review = due + escape(short_day(ev.review_on, weekday=False))
    else:
        review = "–"
    reviewed = (
        escape(short_day(timezone.localtime(row.last_review).date(), weekday=False, year=True))
        if row.last_review
        else w["none_yet"]
    )
    adherence = f"{ev.adherence_percent} %" if ev.adherence_percent is not None else "–"
    cells = [
        ("status", f'<span class="badge badge--{kind}">{status}</span>'),
        ("on_ldn", week),
        ("dose", dose),
        ("alerts", alerts),
        ("weeks", sparkline(row)),
        ("last_entry", last),
        ("next_review", review),
        ("last_review", reviewed),
        ("adherence", adherence),
    ]
    head = (
        f'<th scope="row"><a class="panel-name" href="{escape(row.url)}">'
        f"{escape(p.user.display_name)}</a> "
        f'<span class="panel-condition">{escape(label(p, "condition"))}</span></th>'
    )
    body = "".join(f'<td data-label="{w[key]}">{html}</td>' for key, html in cells)
    return mark_safe(head + body)  # noqa: S308 (every value escaped above)
