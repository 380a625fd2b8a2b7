"""The clinician's panel as a table: a row per patient (a `tracker.panel.PanelRow`), the
sortable columns linking to their sort (`tracker.tables.sorting.Sorting.columns`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..formatting import choice_label, plain_number, short_day
from ..formatting import conditional_escape as escape
from ..response import explain
from . import Column, Table, Words


def sparkline(row: Any) -> str:
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


def _name(row: Any, w: Words) -> str:
    p = row.patient
    return (
        f'<a class="panel-name" href="{escape(row.url)}">{escape(p.user.display_name)}</a> '
        f'<span class="panel-condition">{escape(choice_label(p, "condition"))}</span>'
    )


def _status(row: Any, w: Words) -> str:
    ev = row.status
    if ev.stopped:
        status = escape(explain.stopped_words(ev))
    else:
        status = escape(explain.badge(ev))
        if ev.review_due:
            status = f"{w['review_due']} · {status}"
    return f'<span class="badge badge--{escape(ev.verdict or ev.phase)}">{status}</span>'


def _week(row: Any, w: Words) -> str:
    ev = row.status
    if ev.stopped:
        return w["stopped"]
    if not ev.started:
        return w["not_started"]
    week = escape(_("week %(n)s") % {"n": ev.week})
    if ev.paused_since:
        paused = _("paused since %(day)s") % {"day": short_day(ev.paused_since, weekday=False)}
        week += f' <span class="flag">{escape(paused)}</span>'
    return week


def _dose(row: Any, w: Words) -> str:
    ev = row.status
    if ev.stopped:
        return f"{escape(plain_number(ev.dose_mg))} mg"
    if ev.started:
        return f"{escape(plain_number(ev.dose_mg))} mg, {ev.days_on_dose} d"
    return "–"


def _alerts(row: Any, w: Words) -> str:
    if not row.open_alerts:
        return w["none"]
    urgent = _(", %(n)s urgent") % {"n": row.urgent_alerts} if row.urgent_alerts else ""
    cell = (
        f'<span class="flag{" flag--urgent" if row.urgent_alerts else ""}">'
        f"{escape(_('%(n)s open') % {'n': row.open_alerts})}{escape(urgent)}</span>"
    )
    if row.open_alerts > row.urgent_alerts:  # some a tick on the panel may acknowledge
        cell += (
            f'<label class="panel-select"><input type="checkbox" name="patient" '
            f'value="{row.patient.pk}" form="acknowledge-selected"> {w["Select"]}'
            f'<span class="visually-hidden"> {escape(row.patient.user.display_name)}</span>'
            "</label>"
        )
    return cell


def _last_entry(row: Any, w: Words) -> str:
    last = row.status.last_entry
    if not last:
        return w["never"]
    text = escape(short_day(last, weekday=False))
    if row.not_logging:
        ago = _("%(n)s days ago") % {"n": row.silent_days}
        text += f' <span class="flag">{escape(ago)}</span>'
    return text


def _review(row: Any, w: Words) -> str:
    ev = row.status
    if not ev.review_on:
        return "–"
    due = f"{w['due_since']} " if ev.review_due else ""
    return due + escape(short_day(ev.review_on, weekday=False))


def _last_review(row: Any, w: Words) -> str:
    if not row.last_review:
        return w["none_yet"]
    day = timezone.localtime(row.last_review).date()
    return escape(short_day(day, weekday=False, year=True))


def _adherence(row: Any, w: Words) -> str:
    percent = row.status.adherence_percent
    return "–" if percent is None else f"{percent} %"


def _words() -> dict[str, Any]:
    words = {
        "review_due": _("Review due"), "not_started": _("not started"), "none": _("none"),
        "never": _("never"), "none_yet": _("none yet"), "due_since": _("due since"),
        "stopped": _("stopped"), "Select": _("Select"),
    }  # fmt: skip
    return {key: escape(value) for key, value in words.items()}


PANEL = Table(
    columns=(
        Column("name", gettext_lazy("Patient"), _name, row_header=True, sortable=True),
        Column("status", gettext_lazy("Status"), _status),
        Column("week", gettext_lazy("On LDN"), _week, sortable=True),
        Column("dose", gettext_lazy("Dose"), _dose),
        Column("alerts", gettext_lazy("Alerts"), _alerts),
        Column("weeks", gettext_lazy("4 weeks"), lambda row, w: sparkline(row)),
        Column("last_entry", gettext_lazy("Last entry"), _last_entry, sortable=True),
        Column("review", gettext_lazy("Next review"), _review, sortable=True),
        Column("last_review", gettext_lazy("Last review"), _last_review, sortable=True),
        Column("adherence", gettext_lazy("Adherence"), _adherence, sortable=True),
    ),
    words=_words,
    row_class=lambda row: "panel-row panel-row--urgent" if row.urgent_alerts else "panel-row",
)
