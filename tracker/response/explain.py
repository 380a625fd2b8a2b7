"""The words people read about the response rule (`rule.py`): labels, explanations, and
the snapshot kept with a recorded review. Always "time to talk with your clinician", never
proof that LDN works or fails (SPEC §4). Every string goes through gettext."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .rule import Evaluation, Phase, Verdict, day_number, round_half_up, to_scale, whole_percent

PHASE_LABELS = {
    Phase.PRE_TREATMENT: gettext_lazy("Pre-treatment"),
    Phase.TITRATING: gettext_lazy("Titrating"),
    Phase.ON_TREATMENT: gettext_lazy("On treatment"),
    Phase.TITRATION_INCOMPLETE: gettext_lazy("Titration incomplete"),
    Phase.REVIEW_DUE: gettext_lazy("Review due"),
    Phase.STOPPED: gettext_lazy("Stopped"),
}
END_LABELS = {
    "review": gettext_lazy("stopped at a review"),
    "patient": gettext_lazy("the patient reported stopping"),
    "lapse": gettext_lazy("21 days or more without a dose"),
}
VERDICT_LABELS = {
    Verdict.RESPONDING: gettext_lazy("Responding"),
    Verdict.PARTIAL: gettext_lazy("Partial response"),
    Verdict.NO_RESPONSE: gettext_lazy("No response"),
    Verdict.WORSE: gettext_lazy("Worse"),
    Verdict.INSUFFICIENT_DATA: gettext_lazy("Insufficient data"),
    Verdict.DISCORDANT: gettext_lazy("Discordant — discuss"),
}
PGIC_CHOICES = [
    (1, gettext_lazy("Very much improved")),
    (2, gettext_lazy("Much improved")),
    (3, gettext_lazy("Minimally improved")),
    (4, gettext_lazy("No change")),
    (5, gettext_lazy("Minimally worse")),
    (6, gettext_lazy("Much worse")),
    (7, gettext_lazy("Very much worse")),
]
OUTCOME_NAMES = {
    "pain": gettext_lazy("Pain"),
    "mood": gettext_lazy("Mood"),
    "fatigue": gettext_lazy("Fatigue"),
}


def phase_label(ev: Evaluation) -> str:
    return str(PHASE_LABELS[ev.phase])


def verdict_label(ev: Evaluation) -> str:
    if ev.verdict is None:
        return ""
    label = str(VERDICT_LABELS[ev.verdict])
    return _("%(label)s (substantial)") % {"label": label} if ev.substantial else label


def badge(ev: Evaluation) -> str:
    """One short status, as a badge shows it: the verdict once there is one."""
    return verdict_label(ev) if ev.verdict is not None else phase_label(ev)


def pgic_label(value: int | None) -> str:
    return str(dict(PGIC_CHOICES).get(value or 0, ""))


def stopped_words(ev: Evaluation) -> str:
    """ "Stopped on 3 Mar (21 days or more without a dose)": the course that ended."""
    if ev.stopped_on is None:
        return ""
    return _("Stopped on %(day)s (%(why)s)") % {
        "day": date_format(ev.stopped_on, "j M Y"),
        "why": END_LABELS.get(ev.end_reason, ev.end_reason),
    }


def course_words(number: int, day_one: dt.date, ended_on: dt.date | None, reason: str) -> str:
    """One course in a line: "Course 1: from 3 Jan 2026 to 2 Mar 2026 (stopped at a review)"."""
    if ended_on is None:
        return _("Course %(n)s: from %(first)s, ongoing") % {
            "n": number,
            "first": date_format(day_one, "j M Y"),
        }
    return _("Course %(n)s: from %(first)s to %(last)s (%(why)s)") % {
        "n": number,
        "first": date_format(day_one, "j M Y"),
        "last": date_format(ended_on, "j M Y"),
        "why": END_LABELS.get(reason, reason),
    }


def explanation(ev: Evaluation) -> str:
    """What the status means, in a sentence or three for patient and clinician alike."""
    if ev.phase == Phase.STOPPED:
        return _(
            "LDN is stopped: no review falls due and the diary asks no dose. Logging how you "
            "feel stays possible; a dose taken again starts a new course with its own day 1."
        )
    if ev.phase == Phase.PRE_TREATMENT or ev.day_one is None or ev.review_on is None:
        return _(
            "LDN has not started yet. Days you log before your first dose set the starting "
            "point your progress is measured against."
        )
    if ev.phase == Phase.TITRATION_INCOMPLETE:
        return _(
            "The dose changed recently, so the week-%(week)s review moves to %(date)s, when "
            "the current dose has been taken for 14 days."
        ) % {"week": ev.review_week, "date": short_date(ev.review_on)}
    if ev.phase in (Phase.TITRATING, Phase.ON_TREATMENT):
        around = _("The week-%(week)s review is around %(date)s.") % {
            "week": ev.review_week,
            "date": short_date(ev.review_on),
        }
        if ev.phase == Phase.TITRATING:
            lead = _(
                "The dose is still settling: each dose needs about 2 weeks to show what it does."
            )
            return f"{lead} {around}"
        return around
    return verdict_text(ev)


def verdict_text(ev: Evaluation) -> str:
    """The review day's verdict explained: the two means compared, and the PGIC beside."""
    assert ev.day_one is not None
    name = str(OUTCOME_NAMES[ev.outcome])
    window = ev.window
    if ev.baseline is None:
        return _(
            "There is no starting point to compare with: fewer than 4 days were logged in the "
            "week before LDN and no enrolment answer for %(outcome)s."
        ) % {"outcome": name.lower()}
    if window is None or window.mean is None:
        logged = window.logged if window else (0, 0)
        return _(
            "Too few days were logged in %(window)s to judge: %(first)s and %(second)s in its "
            "two weeks, and at least 4 in each are needed."
        ) % {
            "window": window_name(ev.day_one, window.first, window.last) if window else "",
            "first": logged[0],
            "second": logged[1],
        }
    when_before = {
        "diary": _("in the week before LDN"),
        "first_course": _(
            "in the week before your first course (too few days were logged before this "
            "restart, so less certain)"
        ),
    }.get(
        ev.baseline.source, _("at enrolment (your answer then, so less certain than a diary week)")
    )
    text = _(
        "%(outcome)s averaged %(before)s %(when)s and %(after)s in %(window)s: %(change)s."
    ) % {
        "outcome": name,
        "before": one_decimal(to_scale(ev.outcome, ev.baseline.value)),
        "when": when_before,
        "after": one_decimal(to_scale(ev.outcome, window.mean)),
        "window": window_name(ev.day_one, window.first, window.last),
        "change": change_text(ev.baseline.value, ev.points, ev.fraction),
    }
    if ev.pgic is not None:
        feeling = pgic_label(ev.pgic).lower()
        if ev.verdict == Verdict.DISCORDANT:
            text += " " + _(
                "You said you feel %(feeling)s, which the diary does not show as clearly: "
                "worth discussing with your clinician."
            ) % {"feeling": feeling}
        else:
            text += " " + _("You said you feel %(feeling)s.") % {"feeling": feeling}
    return text + " " + _("This is a prompt to talk with your clinician, not proof either way.")


def change_text(b: Fraction, points: Fraction | None, fraction: Fraction | None) -> str:
    """ "34 % better" when the baseline leaves room for percentages, else points."""
    d = points or Fraction(0)
    if b >= 4 and fraction is not None:
        if fraction == 0:
            return _("no change")
        pct = whole_percent(abs(fraction))
        return (_("%(pct)s %% better") if fraction > 0 else _("%(pct)s %% worse")) % {"pct": pct}
    if d == 0:
        return _("no change")
    amount, count = one_decimal(abs(d)), 1 if abs(d) == 1 else 2
    if d > 0:
        return ngettext("%(n)s point better", "%(n)s points better", count) % {"n": amount}
    return ngettext("%(n)s point worse", "%(n)s points worse", count) % {"n": amount}


def window_name(first_day: dt.date, first: dt.date, last: dt.date) -> str:
    start, end = day_number(first_day, first), day_number(first_day, last)
    if end % 7 == 0:
        return _("weeks %(start)s–%(end)s") % {"start": start // 7 + 1, "end": end // 7}
    return _("days %(start)s–%(end)s") % {"start": start, "end": end}


def short_date(day: dt.date) -> str:
    return date_format(day, "j M")


def one_decimal(value: Fraction) -> str:
    return f"{round_half_up(value * 10) / 10:.1f}"


def snapshot(ev: Evaluation) -> dict[str, Any]:
    """The evaluation as plain JSON, kept with a recorded review exactly as it was."""
    return {
        "date": ev.today.isoformat(),
        "outcome": ev.outcome,
        "phase": ev.phase.value,
        "week": ev.week,
        "dose_mg": str(ev.dose_mg) if ev.dose_mg is not None else None,
        "days_on_dose": ev.days_on_dose,
        "adherence_percent": ev.adherence_percent,
        "review_point": ev.review_point,
        "review_week": ev.review_week,
        "review_on": ev.review_on.isoformat() if ev.review_on else None,
        "baseline": float(ev.baseline.value) if ev.baseline else None,
        "baseline_source": ev.baseline.source if ev.baseline else None,
        "window_mean": float(ev.window.mean) if ev.window and ev.window.mean is not None else None,
        "verdict": ev.verdict.value if ev.verdict else None,
        "judged": ev.judged.value if ev.judged else None,
        "verdict_label": verdict_label(ev),
        "substantial": ev.substantial,
        "percent_better": ev.percent_better,
        "pgic": ev.pgic,
        "course": ev.course,
        "explanation": explanation(ev),
    }


# --- Side effects (SPEC §5) -----------------------------------------------------------------

EFFECT_NAMES = {
    "sleep": gettext_lazy("Vivid dreams, nightmares or poor sleep"),
    "headache": gettext_lazy("Moderate or severe headache"),
    "gi": gettext_lazy("Nausea or stomach upset (moderate or worse)"),
    "fatigue_mood": gettext_lazy("Marked fatigue, irritability or anxiety"),
}
EXPECTED = {
    "sleep": gettext_lazy(
        "Vivid dreams and poor sleep are common early on a dose and usually fade."
    ),
    "headache": gettext_lazy("Headaches are common early on a dose and usually fade."),
    "gi": gettext_lazy("Nausea and stomach upset are common early on a dose and usually fade."),
    "fatigue_mood": gettext_lazy(
        "Tiredness and irritability are common early on a dose and usually fade."
    ),
}


def suggestion(effect: str, timing: str | None) -> str:
    """What the sources suggest for a persistent side effect, worded as something to discuss."""
    if effect == "sleep":
        if timing == "morning":
            return _("The dose is already taken in the morning: discuss what else may help.")
        return _("Try taking the dose in the morning.")
    if effect == "headache":
        return _("Reduce the dose, or titrate more slowly.")
    if effect == "gi":
        return _("Take the dose with food; reduce it if this continues.")
    return _("Discuss with the clinician.")


def persistent_text(effect: str, since: dt.date, timing: str | None) -> str:
    return _(
        "%(effect)s on at least 10 of 14 days on a settled dose and timing, from %(day)s. "
        "Suggestion to discuss: %(suggestion)s"
    ) % {
        "effect": EFFECT_NAMES[effect],
        "day": short_date(since),
        "suggestion": suggestion(effect, timing),
    }
