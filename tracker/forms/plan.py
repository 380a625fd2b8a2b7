"""Holding a step of the titration plan and recording a dispensing (SPEC §3a)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .. import dosing
from ..models import Filler
from ..models.supply import HOLD_MAX_DAYS, REASON_MAX
from .fields import FiniteDecimalField, date_input


class HoldForm(forms.Form):
    """ "Stay on my current dose longer": how many days, and why."""

    days = forms.TypedChoiceField(
        label=_("Stay on the current dose for"),
        choices=[("3", _("3 more days")), ("7", _("7 more days")), ("14", _("14 more days"))],
        coerce=int,
        initial="7",
        widget=forms.RadioSelect(attrs={"class": "choices choices--4"}),
        error_messages={
            "required": _("Choose how long to stay on this dose."),
            "invalid_choice": _("Choose 3, 7 or 14 days."),
        },
    )
    reason = forms.CharField(
        label=_("Why? (your clinic sees this)"),
        max_length=REASON_MAX,
        help_text=_("For example: vivid dreams, headache, feeling sick."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Say why you hold this step, e.g. vivid dreams."),
            "max_length": _("Keep the reason to %(n)s characters or fewer.") % {"n": REASON_MAX},
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs.pop("maxlength", None)

    def clean_days(self) -> int:
        days: int = self.cleaned_data["days"]
        if not 1 <= days <= HOLD_MAX_DAYS:
            raise ValidationError(_("Choose 3, 7 or 14 days."))
        return days

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why you hold this step, e.g. vivid dreams."))
        return reason


class DispensingForm(forms.Form):
    """A supply handed over: when, how much (in the prescription's unit), from where."""

    dispensed_on = forms.DateField(
        label=_("Dispensed on"),
        widget=date_input(),
        error_messages={
            "required": _("Choose the day it was dispensed."),
            "invalid": _("Enter a date."),
        },
    )
    amount = FiniteDecimalField(
        label=_("Amount"),
        max_digits=7,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal("100000"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
        error_messages={
            "required": _("Enter how much was dispensed."),
            "invalid": _("Enter the amount as a number, e.g. 30."),
            "min_value": _("Enter an amount of more than 0."),
            "max_value": _("Enter an amount of at most 100,000."),
            "max_digits": _("Enter an amount of at most 100,000."),
            "max_whole_digits": _("Enter an amount of at most 100,000."),
            "max_decimal_places": _("Use at most 1 decimal place."),
        },
    )
    pharmacy = forms.CharField(label=_("Pharmacy (optional)"), required=False, max_length=200)
    batch = forms.CharField(label=_("Batch or lot (optional)"), required=False, max_length=100)
    filler = forms.ChoiceField(
        label=_("Filler"),
        choices=Filler.choices,
        initial=Filler.UNKNOWN,
        widget=forms.RadioSelect(attrs={"class": "choices choices--list"}),
        error_messages={
            "required": _("Choose the filler, or not known."),
            "invalid_choice": _("Choose one of the fillers."),
        },
    )
    slow_release = forms.BooleanField(label=_("Slow-release (SR) formulation"), required=False)

    def __init__(self, *args: Any, today: dt.date, unit: str, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.today, self.unit = today, unit
        self.fields["dispensed_on"].widget.attrs["max"] = today.isoformat()
        self.fields["amount"].label = _("Amount (%(unit)s)") % {"unit": dosing.unit_label(unit)}
        if dosing.STEP[dosing.Unit(unit)] == 1:
            self.fields["amount"].widget.attrs.update(step="1", inputmode="numeric")

    def clean_dispensed_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["dispensed_on"]
        if day > self.today:
            raise ValidationError(_("That day hasn't happened yet."))
        if day < self.today - dt.timedelta(days=365):
            raise ValidationError(_("Record supplies of the last year only."))
        return day

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if dosing.STEP[dosing.Unit(self.unit)] == 1 and amount % 1:
            raise ValidationError(
                _("Enter a whole number of %(unit)s.") % {"unit": dosing.unit_label(self.unit)}
            )
        return amount
