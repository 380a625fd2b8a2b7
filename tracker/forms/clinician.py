"""The clinician's forms: panel filters, notes, reviews and prescriptions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .. import dosing
from ..dosing import Unit
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

# The prescription form's choice of form: a formulation and the unit it is measured in.
FORMS = {
    "capsule": (Formulation.CAPSULE.value, Unit.CAPSULE.value),
    "liquid": (Formulation.LIQUID.value, Unit.ML.value),
    "drops": (Formulation.DROPS.value, Unit.DROP.value),
    "cream-click": (Formulation.CREAM.value, Unit.CLICK.value),
    "cream-ml": (Formulation.CREAM.value, Unit.ML.value),
    "other": (Formulation.OTHER.value, Unit.MG.value),
}
FORM_CHOICES = [
    ("capsule", _("Capsules (mg per capsule)")),
    ("liquid", _("Liquid, measured in mL (mg per mL)")),
    ("drops", _("Drops (mg per drop)")),
    ("cream-click", _("Cream, measured in clicks (mg per click)")),
    ("cream-ml", _("Cream, measured in mL (mg per mL)")),
    ("other", _("Other, measured in mg")),
]
STRENGTH_NEEDED = {
    Unit.CAPSULE: _("Enter the mg in one capsule."),
    Unit.ML: _("Enter the mg in one mL, e.g. 1."),
    Unit.DROP: _("Enter the mg in one drop, e.g. 0.5."),
    Unit.CLICK: _("Enter the mg in one click."),
}


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
    form = forms.ChoiceField(
        label=_("Form, and what the patient measures"),
        choices=FORM_CHOICES,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "choices choices--list"}),
        error_messages={
            "required": _("Choose the form."),
            "invalid_choice": _("Choose one of the forms."),
        },
    )
    strength = FiniteDecimalField(
        label=_("Strength: mg per capsule, per mL, per drop or per click"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("1000"),
        max_digits=6,
        decimal_places=2,
        help_text=_("For example 1.5 (mg per capsule), 1 (mg per mL) or 0.5 (mg per drop)."),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("Enter the strength as a number of mg, e.g. 1."),
            "min_value": _("The strength must be more than 0."),
            "max_value": _("Enter a strength of at most 1,000 mg."),
            "max_digits": _("Enter a strength of at most 1,000 mg."),
            "max_whole_digits": _("Enter a strength of at most 1,000 mg."),
            "max_decimal_places": _("Use at most 2 decimal places."),
        },
    )

    # As a client posted before the form and strength (SPEC §3a): a formulation, and a
    # liquid's concentration. Not shown; read when `form` is not sent.
    formulation = forms.ChoiceField(
        choices=Formulation.choices, required=False, widget=forms.HiddenInput
    )
    concentration = FiniteDecimalField(
        required=False,
        min_value=Decimal("0.01"),
        max_digits=6,
        decimal_places=2,
        widget=forms.HiddenInput,
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
        if not data.get("form") and not self._legacy(data):
            return data
        data["formulation"], data["unit"] = FORMS[data["form"]]
        if data["unit"] == Unit.MG:
            data["strength"] = Decimal(1)
        elif data.get("strength") is None:
            if "strength" not in self.errors:
                self.add_error("strength", STRENGTH_NEEDED[data["unit"]])
            return data
        mg = data.get("dose_mg")
        if mg is not None:
            problem = measurable(mg, data["strength"], data["unit"])
            if problem:
                self.add_error("dose_mg", problem)
        return data

    def _legacy(self, data: dict[str, Any]) -> bool:
        """A formulation without a form: a capsule of the dose, a liquid of its
        concentration, anything else in mg (as the migration read what was stored)."""
        formulation = data.get("formulation")
        if not formulation:
            if "form" not in self.errors:
                self.add_error("form", _("Choose the form."))
            return False
        if formulation == Formulation.LIQUID:
            data["form"] = "liquid"
            if data.get("strength") is None:
                data["strength"] = data.get("concentration")
            if data["strength"] is None:
                if "concentration" not in self.errors:
                    self.add_error(
                        "concentration", _("A liquid needs its concentration in mg per mL.")
                    )
                return False
        elif formulation == Formulation.CAPSULE:
            data["form"] = "capsule"
            if data.get("strength") is None:
                data["strength"] = data.get("dose_mg")
        else:
            data["form"] = {"drops": "drops", "cream": "cream-ml"}.get(formulation, "other")
            if data.get("strength") is None:
                data["strength"] = data.get("concentration")
        return True


def form_key(formulation: str, unit: str) -> str:
    """The form choice a prescription was made with (its formulation and unit)."""
    for key, pair in FORMS.items():
        if pair == (formulation, unit):
            return key
    return "other"


def measurable(mg: Decimal, strength: Decimal, unit: str) -> str | None:
    """Why `mg` cannot be measured in the unit (3 mg of 2 mg capsules), or None."""
    if dosing.to_amount(mg, strength, unit) is not None:
        return None
    return str(
        _("%(mg)s mg is not a whole number of %(unit)s at %(strength)s %(per)s: change the "
          "dose or the strength.")
        % {
            "mg": dosing.plain(mg),
            "unit": dosing.unit_label(unit),
            "strength": dosing.plain(strength),
            "per": dosing.PER_UNIT[Unit(unit)],
        }
    )  # fmt: skip


class ScheduleForm(forms.Form):
    """A titration schedule from a preset or from its four numbers, to fill in the steps."""

    preset = forms.ChoiceField(
        label=_("Schedule"),
        choices=[(p.key, p.label) for p in dosing.PRESETS] + [("custom", _("Custom"))],
        widget=forms.RadioSelect(attrs={"class": "choices choices--list"}),
        error_messages={
            "required": _("Choose a schedule."),
            "invalid_choice": _("Choose a schedule."),
        },
    )
    first = forms.DateField(
        label=_("First step from"),
        widget=date_input(),
        error_messages={
            "required": _("Choose the date of the first step."),
            "invalid": _("Enter a date."),
        },
    )
    start_mg = dose_field(_("Start (mg)"), required=False)
    step_mg = dose_field(_("Step (mg)"), required=False)
    interval = forms.IntegerField(
        label=_("Days on each step"),
        required=False,
        min_value=1,
        max_value=56,
        error_messages={
            "invalid": _("Enter a whole number of days."),
            "min_value": _("Enter 1 to 56 days."),
            "max_value": _("Enter 1 to 56 days."),
        },
    )
    target_mg = dose_field(_("Target (mg)"), required=False)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "schedule")
        # Only "Fill in the steps" reads it: saving the prescription must not be held up
        # by the browser asking for a schedule.
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["first"].widget.attrs["min"] = today.isoformat()

    def clean_first(self) -> dt.date:
        day: dt.date = self.cleaned_data["first"]
        if day < self.today:
            raise ValidationError(_("A schedule starts today or later."))
        return day

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("preset") != "custom":
            return data
        for name in ("start_mg", "step_mg", "interval", "target_mg"):
            if data.get(name) is None and name not in self.errors:
                self.add_error(name, _("Enter this for a custom schedule."))
        start, target = data.get("start_mg"), data.get("target_mg")
        if start is not None and target is not None and target < start:
            self.add_error("target_mg", _("The target cannot be below the start."))
        return data

    def steps(self) -> list[dosing.Step]:
        data = self.cleaned_data
        if data["preset"] == "custom":
            return dosing.schedule(
                data["first"], data["start_mg"], data["step_mg"], data["interval"],
                data["target_mg"],
            )  # fmt: skip
        preset = next(p for p in dosing.PRESETS if p.key == data["preset"])
        return dosing.schedule(
            data["first"], preset.start_mg, preset.step_mg, preset.interval, preset.target_mg,
            preset.doses,
        )  # fmt: skip


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


StepFormSet = forms.formset_factory(
    StepForm, formset=BaseStepFormSet, extra=4, max_num=dosing.MAX_STEPS, validate_max=True
)


def plan_errors(
    start: dt.date,
    steps: list[tuple[dt.date, Decimal]],
    strength: Decimal | None = None,
    unit: str = Unit.MG,
) -> list[str]:
    """What is wrong with a titration plan: steps after the start, on different days, each
    measurable in the prescription's unit."""
    errors = []
    if strength is not None:
        for day, mg in steps:
            problem = measurable(mg, strength, unit)
            if problem:
                errors.append(f"{date_format(day, 'j M Y')}: {problem}")
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
