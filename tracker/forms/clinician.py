"""The clinician's forms: panel filters, notes, reviews and prescriptions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..models import Formulation, ReviewOutcome, Timing
from ..panel import SORTS
from .fields import (
    FiniteDecimalField,
    check_stop_date,
    clock_field,
    date_input,
    dose_field,
    stop_date_field,
)


class PanelFilters(forms.Form):
    q = forms.CharField(
        label=_("Search by name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    alerts = forms.BooleanField(label=_("Open alerts"), required=False)
    review = forms.BooleanField(label=_("Review due"), required=False)
    silent = forms.BooleanField(label=_("Not logging"), required=False)
    stopped = forms.BooleanField(label=_("Stopped LDN"), required=False)
    sort = forms.ChoiceField(choices=[(key, key) for key in SORTS], required=False)
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Add a note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write the note first."),
            "max_length": _("Keep the note to 4,000 characters or fewer."),
        },
    )

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Write the note first."))
        return text


class ReviewForm(forms.Form):
    # The review point this form was filled for: a second post of the same form (a double
    # click, back and resubmit, another tab) is then told it was already recorded.
    point = forms.IntegerField(min_value=1, max_value=1000, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect(attrs={"class": "choices choices--list"}),
        error_messages={"required": _("Choose the outcome of the review.")},
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    stop_on = stop_date_field(_("Stopped from"), required=False)
    next_week = forms.IntegerField(
        label=_("Next review in week"),
        required=False,  # but for stopping LDN (clean)
        help_text=_("Not needed when LDN is stopped."),
        min_value=1,
        max_value=104,
        initial=12,
        error_messages={
            "required": _("Enter the week of the next review, e.g. 12."),
            "invalid": _("Enter the week as a whole number, e.g. 12."),
            "min_value": _("The next review must be in week 1 to 104."),
            "max_value": _("The next review must be in week 1 to 104."),
        },
    )

    def __init__(
        self,
        *args: Any,
        current_week: int,
        today: dt.date | None = None,
        last_dose: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.current_week = current_week
        self.today, self.last_dose = today or dt.date.today(), last_dose
        self.fields["stop_on"].help_text = _("Only when stopping LDN; the default is today.")
        self.fields["stop_on"].widget.attrs["max"] = self.today.isoformat()

    def clean_next_week(self) -> int | None:
        week: int | None = self.cleaned_data["next_week"]
        if week is not None and week <= self.current_week:
            raise ValidationError(
                _("The next review must come after this week (week %(week)s).")
                % {"week": self.current_week}
            )
        return week

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("outcome") == ReviewOutcome.STOP:
            # Stopping ends the course: no next review point, and a day it stopped from.
            cleaned["next_week"] = None
            self.errors.pop("next_week", None)
            day = cleaned.get("stop_on") or self.today
            if "stop_on" not in self.errors:
                try:
                    check_stop_date(day, today=self.today, last_dose=self.last_dose)
                except ValidationError as problem:
                    self.add_error("stop_on", problem)
                else:
                    cleaned["stop_on"] = day
        else:
            cleaned["stop_on"] = None
            if "next_week" in cleaned and cleaned["next_week"] is None:
                self.add_error("next_week", self.fields["next_week"].error_messages["required"])
        return cleaned


class PrescriptionForm(forms.Form):
    dose_mg = dose_field()
    start_date = forms.DateField(
        label=_("From"),
        widget=date_input(),
        error_messages={"required": _("Choose the start date."), "invalid": _("Enter a date.")},
    )
    timing = forms.ChoiceField(
        label=_("When"),
        choices=Timing.choices,
        widget=forms.RadioSelect(attrs={"class": "choices choices--4"}),
    )
    usual_time = clock_field(
        _("Usual time"),
        invalid=_("Enter a time as HH:MM."),
        required=True,
        required_message=_("Enter the usual time."),
    )
    formulation = forms.ChoiceField(
        label=_("Formulation"),
        choices=Formulation.choices,
        widget=forms.RadioSelect(attrs={"class": "choices choices--4"}),
    )
    concentration = FiniteDecimalField(
        label=_("Liquid concentration (mg per mL)"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("Enter mg per mL as a number, e.g. 1."),
            "min_value": _("The concentration must be more than 0."),
            "max_digits": _("Enter mg per mL below 1,000."),
            "max_whole_digits": _("Enter mg per mL below 1,000."),
            "max_decimal_places": _("Use at most 2 decimal places."),
        },
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["start_date"].widget.attrs["min"] = today.isoformat()

    def clean_start_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["start_date"]
        if day < self.today:
            raise ValidationError(
                _("A prescription starts today or later (%(day)s).")
                % {"day": date_format(self.today, "j M Y")}
            )
        return day

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("formulation") == Formulation.LIQUID:
            if data.get("concentration") is None and "concentration" not in self.errors:
                self.add_error("concentration", _("A liquid needs its concentration in mg per mL."))
        else:
            data["concentration"] = None
        return data


class StepForm(forms.Form):
    """One later step of a titration plan."""

    start_date = forms.DateField(
        label=_("From"),
        required=False,
        widget=date_input(),
        error_messages={"invalid": _("Enter a date.")},
    )
    dose_mg = dose_field("Dose (mg)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day, mg = data.get("start_date"), data.get("dose_mg")
        if day and mg is None and "dose_mg" not in self.errors:
            self.add_error("dose_mg", _("Enter the dose for this step."))
        if mg is not None and not day and "start_date" not in self.errors:
            self.add_error("start_date", _("Choose the date of this step."))
        return data


class BaseStepFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def steps(self) -> list[tuple[dt.date, Decimal]]:
        return [
            (f.cleaned_data["start_date"], f.cleaned_data["dose_mg"])
            for f in self.forms
            if f.cleaned_data.get("start_date")
        ]


StepFormSet = forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=4, max_num=8)


def plan_errors(start: dt.date, steps: list[tuple[dt.date, Decimal]]) -> list[str]:
    """What is wrong with a titration plan: steps after the start, on different days."""
    errors = []
    days = [day for day, _ in steps]
    if any(day <= start for day in days):
        errors.append("Each later step must start after the first dose's date.")
    if len(set(days)) != len(days):
        errors.append("Two steps cannot start on the same day.")
    return errors


class NotificationsForm(forms.Form):
    """How a clinician hears of urgent alerts outside the app (SPEC §10)."""

    urgent_alert_emails = forms.TypedChoiceField(
        label=_("Urgent alerts about your patients"),
        choices=[
            ("yes", _("Email me within minutes, and the daily digest")),
            ("no", _("Only the daily digest")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "choices choices--list"}),
        error_messages={"required": _("Choose one."), "invalid_choice": _("Choose one.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
