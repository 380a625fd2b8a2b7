"""Form fields the audiences share: one dose field for diary and prescriptions, yes/no and
scale choices as large tap targets (forms render through `rendering.py`)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..models import DOSE_MAX, DOSE_MIN

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Lazy

DOSE_LABEL = _("Dose (mg)")


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def yes_no(label: str | Lazy, *, help_text: str | Lazy = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "choices choices--two"}),
        help_text=help_text,
        error_messages={
            "required": _("Choose yes or no."),
            "invalid_choice": _("Choose yes or no."),
        },
    )


def scale(
    label: str | Lazy,
    choices: list[tuple[int, str]],
    *,
    required: bool = True,
    help_text: str | Lazy = "",
) -> forms.TypedChoiceField:
    options: list[tuple[Any, Any]] = [(str(v), text) for v, text in choices]
    if not required:
        options = [("", _("Skip")), *options]
    low, high = choices[0][0], choices[-1][0]
    message = _("Choose a value from %(low)s to %(high)s.") % {"low": low, "high": high}
    return forms.TypedChoiceField(
        label=label,
        choices=options,
        coerce=int,
        empty_value=None,
        required=required,
        help_text=help_text,
        widget=forms.RadioSelect(attrs={"class": f"choices choices--{len(options)}"}),
        error_messages={"required": message, "invalid_choice": message},
    )


DOSE_RANGE = _("The dose must be between 0.1 and 12.0 mg.")
DOSE_ERRORS = {
    "required": _("Enter the dose in mg, e.g. 4.5."),
    "invalid": _("Enter the dose as a number of mg, e.g. 4.5."),
    "min_value": DOSE_RANGE,
    "max_value": DOSE_RANGE,
    "max_digits": DOSE_RANGE,
    "max_whole_digits": DOSE_RANGE,
    "max_decimal_places": _("Use at most 2 decimal places, e.g. 0.75 or 4.5."),
}


class FiniteDecimalField(forms.DecimalField):
    """Django's DecimalField refuses NaN and infinity only when validating; until then a
    signalling NaN ("sNaN") is a value that raises when compared (a formset comparing it
    with the initial value: a 500, issue 19). Refused as soon as it is read."""

    def to_python(self, value: Any) -> Any:
        number = super().to_python(value)
        if number is not None and not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def dose_field(label: str | Lazy = DOSE_LABEL, *, required: bool = True) -> forms.DecimalField:
    """A dose in mg, 0.1 to 12.0 to 0.01 mg (SPEC §3), as the diary and prescriptions take it."""
    return FiniteDecimalField(
        label=label,
        required=required,
        min_value=DOSE_MIN,
        max_value=DOSE_MAX,
        max_digits=4,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        error_messages=DOSE_ERRORS,
    )


def step_of(step: Fraction, message: str | Lazy):  # type: ignore[no-untyped-def]
    """A validator: the number is a whole multiple of `step`. Exact for numbers of any size
    (a Decimal of 1e28 has no remainder Decimal can compute; a Fraction always has)."""

    def validate(value: Any) -> None:
        if (Fraction(value) / step).denominator != 1:
            raise ValidationError(message, code="step")

    return validate


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def stop_date_field(label: str | Lazy, *, required: bool = True) -> forms.DateField:
    """The day LDN stopped (SPEC §4): checked against the diary by `check_stop_date`."""
    return forms.DateField(
        label=label,
        required=required,
        widget=date_input(),
        error_messages={
            "required": _("Enter the day LDN stopped."),
            "invalid": _("Enter a date as YYYY-MM-DD."),
        },
    )


def check_stop_date(day: dt.date, *, today: dt.date, last_dose: dt.date | None) -> None:
    """A stop is not in the future, and not before a dose the diary says was taken (a
    dose after a stop would start a new course)."""
    if day > today:
        raise ValidationError(_("That day hasn't happened yet: choose today or an earlier day."))
    if last_dose is not None and day < last_dose:
        raise ValidationError(
            _("The diary has a dose taken on %(day)s: the stop must be on or after that day.")
            % {"day": date_format(last_dose, "j F Y")}
        )


TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%H:%M:%S"]


def clock_field(
    label: str | Lazy,
    *,
    invalid: str | Lazy,
    required: bool = False,
    required_message: str | Lazy = "",
) -> forms.TimeField:
    """A time of day typed as HH:MM (24-hour) in the text box `time_input` makes."""
    errors = {"invalid": invalid}
    if required_message:
        errors["required"] = required_message
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=TIME_FORMATS,
        widget=time_input(),
        error_messages=errors,
    )


def time_input() -> forms.TimeInput:
    """A time as people here write it, 24-hour (22:00): a browser's own time picker would
    show it in its locale's style (10:00 PM), unlike every time on the page around it."""
    return forms.TimeInput(
        attrs={"inputmode": "numeric", "placeholder": "22:00", "autocomplete": "off", "size": "5"},
        format="%H:%M",
    )
