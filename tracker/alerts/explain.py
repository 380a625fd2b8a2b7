"""The words of the alerts (`rule.py`): a label per kind and a sentence per alert, made
when the alert is shown so they can be translated and reworded without touching history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..response.explain import VERDICT_LABELS, short_date
from ..response.rule import Verdict
from .rule import Kind, Priority

KIND_LABELS = {
    Kind.OPIOID: gettext_lazy("Opioid use"),
    Kind.LIVER: gettext_lazy("Liver warning signs"),
    Kind.HEADACHE_RUN: gettext_lazy("Severe headache run"),
    Kind.REVIEW: gettext_lazy("Review"),
    Kind.SLEEP: gettext_lazy("Persistent sleep side effect"),
    Kind.HEADACHE: gettext_lazy("Persistent headache"),
    Kind.GI: gettext_lazy("Persistent nausea or stomach upset"),
    Kind.FATIGUE: gettext_lazy("Persistent fatigue, irritability or anxiety"),
    Kind.NOT_LOGGING: gettext_lazy("Not logging"),
    Kind.REPORTED_STOP: gettext_lazy("Reports stopping"),
    Kind.RETITRATION: gettext_lazy("Restarted: re-titration advised"),
    Kind.OFF_PLAN: gettext_lazy("Not following the plan"),
    Kind.STEP_HELD: gettext_lazy("Plan step held"),
    Kind.SELF_HARM: gettext_lazy("Thoughts of self-harm (PHQ-9 item 9)"),
}
PRIORITY_LABELS = {
    Priority.URGENT: gettext_lazy("Urgent"),
    Priority.HIGH: gettext_lazy("High"),
    Priority.NORMAL: gettext_lazy("Normal"),
}


def text(kind: str, on: dt.date, params: dict[str, Any]) -> str:
    """One alert as a sentence for the clinician."""
    day = short_date(on)
    match kind:
        case Kind.OPIOID if params.get("source") == "enrolment":
            return _(
                "At enrolment on %(day)s, the patient said they take an opioid. LDN blocks "
                "opioid pain relief and can precipitate withdrawal: discuss before treatment."
            ) % {"day": day}
        case Kind.OPIOID:
            which = params.get("name") or ""
            lead = (
                _("Opioid taken on %(day)s: %(name)s.") % {"day": day, "name": which}
                if which
                else _("Opioid taken on %(day)s.") % {"day": day}
            )
            return lead + " " + _("LDN blocks opioid pain relief and can precipitate withdrawal.")
        case Kind.LIVER:
            return _(
                "Possible liver warning signs reported on %(day)s (jaundice, dark urine, pale "
                "stools or right upper abdominal pain)."
            ) % {"day": day}
        case Kind.HEADACHE_RUN:
            return _("Severe headache on %(n)s days in a row from %(day)s.") % {
                "n": params.get("days", 3),
                "day": day,
            }
        case Kind.SLEEP | Kind.HEADACHE | Kind.GI | Kind.FATIGUE:
            from ..response.explain import persistent_text

            return persistent_text(str(kind), on, params.get("timing") or None)
        case Kind.OFF_PLAN:
            return _(
                "Not following the plan: %(taken)s mg taken instead of the planned "
                "%(planned)s mg on %(n)s days in a row from %(day)s."
            ) % {
                "taken": params.get("taken", "?"),
                "planned": params.get("planned", "?"),
                "n": params.get("days", 3),
                "day": day,
            }
        case Kind.STEP_HELD:
            who = params.get("by") or _("The patient")
            return _("%(who)s held the plan's next step on %(day)s for %(n)s days: %(reason)s") % {
                "who": who,
                "day": day,
                "n": params.get("days", 7),
                "reason": params.get("reason", ""),
            }
        case Kind.SELF_HARM:
            return _(
                "On %(day)s the patient's PHQ-9 answer to item 9 (thoughts that they would be "
                "better off dead or of hurting themselves) was above 0: contact them today. "
                "They were shown the clinic's crisis text."
            ) % {"day": day}
        case Kind.REPORTED_STOP:
            return _(
                "The patient reports having stopped taking LDN on %(day)s: confirm the stop "
                "on the record."
            ) % {"day": day}
        case Kind.RETITRATION:
            return _(
                "Restarted on %(day)s after %(n)s days without LDN: re-titration advised "
                "(restart lower than before)."
            ) % {"day": day, "n": params.get("days", "")}
        case Kind.NOT_LOGGING:
            since = _date(params.get("since"))
            if params.get("until"):
                return _("No diary entry from %(first)s to %(last)s.") % {
                    "first": day,
                    "last": short_date(dt.date.fromisoformat(params["until"])),
                }
            if since is not None:
                return _("No diary entry since %(day)s (%(n)s days).") % {
                    "day": short_date(since),
                    "n": params.get("days", ""),
                }
            return _("No diary entry from %(day)s.") % {"day": day}
        case Kind.REVIEW:
            verdict = params.get("verdict")
            state = str(VERDICT_LABELS[Verdict(verdict)]).lower() if verdict else _("due")
            return _("Week-%(week)s review due: %(state)s.") % {
                "week": params.get("week", 6),
                "state": state,
            }
    return str(KIND_LABELS.get(Kind(kind), kind))


def _date(raw: str | None) -> dt.date | None:
    return dt.date.fromisoformat(raw) if raw else None
