"""The words of doses, plans and supplies (SPEC §3a): units, what a dose means in the
patient's unit, why an amount is refused, the titration presets and the sources' advice on
a dispensing. The arithmetic is pure, in `response/doses.py`, and re-exported here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .response.doses import (  # noqa: F401  (the arithmetic, for one import)
    DOSE_MAX,
    DOSE_MIN,
    MAX_STEPS,
    RUN_OUT_HORIZON,
    STEP,
    Step,
    Supply,
    Unit,
    held,
    off_plan_runs,
    plain,
    run_out,
    schedule,
    step_in_force,
    to_amount,
    to_mg,
)

UNIT_CHOICES = [
    (Unit.CAPSULE.value, _("capsules")),
    (Unit.ML.value, _("mL")),
    (Unit.DROP.value, _("drops")),
    (Unit.CLICK.value, _("clicks")),
    (Unit.MG.value, _("mg")),
]
# The strength's label: "mg per …".
PER_UNIT = {
    Unit.CAPSULE: _("mg per capsule"),
    Unit.ML: _("mg/mL"),
    Unit.DROP: _("mg per drop"),
    Unit.CLICK: _("mg per click"),
    Unit.MG: _("mg"),
}


def unit_words(amount: Decimal, unit: str) -> str:
    """ "3 mL", "1 capsule", "2 drops" (the number as the patient would write it)."""
    text = plain(amount)
    match unit:
        case Unit.CAPSULE:
            return ngettext("%(n)s capsule", "%(n)s capsules", int(amount) or 2) % {"n": text}
        case Unit.DROP:
            return ngettext("%(n)s drop", "%(n)s drops", int(amount) or 2) % {"n": text}
        case Unit.CLICK:
            return ngettext("%(n)s click", "%(n)s clicks", int(amount) or 2) % {"n": text}
        case Unit.ML:
            return f"{text} mL"
    return f"{text} mg"


def amount_problem(amount: Decimal, unit: str, strength: Decimal) -> str | None:
    """Why a measured amount cannot be taken as a dose (SPEC §3a), or None."""
    step = STEP[Unit(unit)]
    if amount <= 0:
        return str(_("Enter the amount you took, more than 0."))
    if amount % step != 0:
        if step == 1:
            return str(_("Enter a whole number of %(unit)s.") % {"unit": unit_label(unit)})
        return str(
            _("Use steps of %(step)s %(unit)s.") % {"step": plain(step), "unit": unit_label(unit)}
        )
    mg = to_mg(amount, strength)
    if not DOSE_MIN <= mg <= DOSE_MAX:
        return str(
            _("%(amount)s makes %(mg)s mg: a dose must be between 0.1 and 12 mg.")
            % {"amount": unit_words(amount, unit), "mg": plain(mg)}
        )
    return None


def unit_label(unit: str) -> str:
    return str(dict(UNIT_CHOICES)[unit])


def meaning(mg: Decimal, strength: Decimal, unit: str) -> str:
    """What a dose means in the patient's unit: "3 mg = 3 mL of 1 mg/mL"."""
    if unit == Unit.MG:
        return f"{plain(mg)} mg"
    amount = to_amount(mg, strength, unit)
    if amount is None:
        return str(
            _("%(mg)s mg cannot be measured in whole %(unit)s of %(strength)s %(per)s")
            % {
                "mg": plain(mg),
                "unit": unit_label(unit),
                "strength": plain(strength),
                "per": PER_UNIT[Unit(unit)],
            }
        )
    return str(
        _("%(mg)s mg = %(amount)s of %(strength)s %(per)s")
        % {
            "mg": plain(mg),
            "amount": unit_words(amount, unit),
            "strength": plain(strength),
            "per": PER_UNIT[Unit(unit)],
        }
    )


# The titration plan ---------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    key: str
    label: object  # lazy text
    start_mg: Decimal
    step_mg: Decimal
    interval: int  # days on each step
    target_mg: Decimal
    # Doses that replace the arithmetic sequence (1 mg → 2 → 3 → 4.5), when the schedule
    # is not even.
    doses: tuple[Decimal, ...] = ()


PRESETS = (
    Preset("half", _("0.5 mg, then +0.5 mg every 7 days up to 4.5 mg"),
           Decimal("0.5"), Decimal("0.5"), 7, Decimal("4.5")),
    Preset("one-two-three", _("1 mg for 2 weeks, then 2 mg, 3 mg and 4.5 mg, 2 weeks each"),
           Decimal("1"), Decimal("1"), 14, Decimal("4.5"),
           doses=(Decimal("1"), Decimal("2"), Decimal("3"), Decimal("4.5"))),
    Preset("three-quarters", _("0.75 mg, then +0.75 mg every 7 days up to 6 mg"),
           Decimal("0.75"), Decimal("0.75"), 7, Decimal("6")),
)  # fmt: skip


# Supply ---------------------------------------------------------------------------------


def filler_advice(filler: str, slow_release: bool) -> list[str]:
    """The sources' advice on a dispensing (SPEC §3a): to discuss, not to act on alone."""
    advice = []
    if filler == "calcium_carbonate":
        advice.append(
            str(
                _(
                    "Calcium carbonate as a filler may interfere with how LDN is absorbed: "
                    "discuss another filler (e.g. microcrystalline cellulose) with your "
                    "clinic or pharmacy."
                )
            )
        )
    if slow_release:
        advice.append(
            str(
                _(
                    "LDN is meant to be immediate-release; slow-release LDN is not "
                    "recommended by the sources: discuss it with your clinic or pharmacy."
                )
            )
        )
    return advice
