"""The patient's forms: the diary (SPEC §3), where every rule a patient can break gets a
message next to its field, and the PGIC answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .. import dosing
from ..formatting import plain_number
from ..models import (
    NOTE_MAX,
    SCALE_0_10,
    SEVERITY_0_3,
    SLEEP_QUALITY,
    DailyEntry,
    Dreams,
    Prescription,
)
from ..models.people import EDITABLE_DAYS
from ..response.explain import PGIC_CHOICES
from .fields import (
    FiniteDecimalField,
    check_stop_date,
    clock_field,
    date_input,
    dose_field,
    scale,
    step_of,
    stop_date_field,
    yes_no,
)

SLEEP_RANGE = _("Sleep must be between 0 and 24 hours.")
MEASURED_MAX = Decimal(9999)  # the field's 6 digits, 2 of them decimal
QUARTER_HOURS = _("Use quarter hours, e.g. 7, 7.25, 7.5 or 7.75.")


class DiaryForm(forms.Form):
    """One day of the diary. The patient and the entry come from the signed-in user and the
    date, never from the submitted data, so a forged id in the POST has nothing to bind to."""

    date = forms.DateField(
        label=_("Day"),
        widget=date_input(),
        error_messages={
            "required": _("Choose the day."),
            "invalid": _("Enter a date as YYYY-MM-DD."),
        },
    )
    dose_taken = yes_no(_("Did you take your LDN dose?"))
    # The dose as measured (SPEC §3a), in the unit of the prescription in force that day;
    # `dose_mg` is taken too, for a client that sends mg.
    dose_amount = FiniteDecimalField(
        label=_("Dose"),
        required=False,
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": _("Enter the amount you took as a number."),
            "max_digits": _("Enter the amount you took: that is far more than a dose."),
            "max_whole_digits": _("Enter the amount you took: that is far more than a dose."),
            "max_decimal_places": _("Use at most 2 decimal places."),
        },
    )
    dose_unit = forms.ChoiceField(
        choices=dosing.UNIT_CHOICES,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That is not a unit of a dose.")},
    )
    dose_mg = dose_field(required=False)
    time_taken = clock_field(_("Time taken"), invalid=_("Enter a time as HH:MM, e.g. 22:00."))
    sleep_hours = FiniteDecimalField(
        label=_("Hours slept last night"),
        min_value=Decimal(0),
        max_value=Decimal(24),
        max_digits=4,
        decimal_places=2,
        validators=[step_of(Fraction(1, 4), QUARTER_HOURS)],
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
        error_messages={
            "required": _("Enter how many hours you slept, e.g. 7.5."),
            "invalid": _("Enter hours as a number, e.g. 7.5."),
            "min_value": SLEEP_RANGE,
            "max_value": SLEEP_RANGE,
            "max_digits": SLEEP_RANGE,
            "max_whole_digits": SLEEP_RANGE,
            "max_decimal_places": QUARTER_HOURS,
        },
    )
    sleep_quality = scale("How well did you sleep?", SLEEP_QUALITY)
    dreams = forms.ChoiceField(
        label=_("Dreams"),
        choices=Dreams.choices,
        widget=forms.RadioSelect(attrs={"class": "choices choices--4"}),
        error_messages={
            "required": _("Choose none, normal, vivid or nightmares."),
            "invalid_choice": _("Choose none, normal, vivid or nightmares."),
        },
    )
    nightmare_woke = forms.BooleanField(label=_("A nightmare woke me up"), required=False)
    headache = scale("Headache", SEVERITY_0_3)
    pain = scale(
        "Pain, on average over the last 24 hours",
        SCALE_0_10,
        help_text=_("0 no pain · 10 worst pain imaginable"),
    )
    mood = scale("Mood", SCALE_0_10, help_text=_("0 worst · 10 best"))
    fatigue = scale(
        "Fatigue (optional)", SCALE_0_10, required=False, help_text=_("0 none · 10 worst")
    )
    nausea = scale("Nausea or stomach upset (optional)", SEVERITY_0_3, required=False)
    irritability = scale("Irritability or anxiety (optional)", SEVERITY_0_3, required=False)
    opioid_taken = yes_no(
        "Did you take any opioid painkiller?",
        help_text=_("For example codeine, tramadol, morphine or oxycodone."),
    )
    opioid_name = forms.CharField(label=_("Which opioid?"), required=False, max_length=200)
    liver_signs = yes_no(
        "Any yellow skin or eyes, dark urine, pale stools or pain under the right ribs?",
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Keep the note to %(n)s characters or fewer.") % {"n": f"{NOTE_MAX:,}"}
        },
    )
    # The entry version this form was filled from; empty for a new entry.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        earliest: dt.date,
        latest: dt.date,
        asks_dose: bool = True,
        prescription: Prescription | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.earliest, self.latest = earliest, latest
        # What the patient measures: the prescription's unit, or mg without one.
        self.prescription = prescription
        self.unit = prescription.dose_unit if prescription else dosing.Unit.MG.value
        self.strength = prescription.strength_mg if prescription else Decimal(1)
        shown = self.data.get("dose_unit") if self.is_bound else self.initial.get("dose_unit")
        if shown == dosing.Unit.MG:  # an entry logged in mg is changed in mg
            self.unit, self.strength = dosing.Unit.MG.value, Decimal(1)
        amount = self.fields["dose_amount"]
        amount.label = _("Dose (%(unit)s)") % {"unit": dosing.unit_label(self.unit)}
        step = dosing.STEP[dosing.Unit(self.unit)]
        amount.widget.attrs.update(step=dosing.plain(step), min=dosing.plain(step))
        if step == 1:
            amount.widget.attrs["inputmode"] = "numeric"
        self.fields["dose_unit"].initial = self.unit
        # While LDN is stopped the dose is not asked (SPEC §4); a dose sent all the same is
        # kept, and starts a new course.
        self.asks_dose = asks_dose
        self.fields["dose_taken"].required = asks_dose
        # The picker offers the diary's days (issue 23): after midnight, before the day
        # boundary, today's calendar date is not offered though a save of it is accepted.
        diary_day = min(latest, earliest + dt.timedelta(days=EDITABLE_DAYS))
        self.fields["date"].widget.attrs.update(min=earliest.isoformat(), max=diary_day.isoformat())
        # A browser would cut a longer note short without a word: the server says so instead.
        self.fields["note"].widget.attrs.pop("maxlength", None)

    def clean_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["date"]
        if day > self.latest:
            raise ValidationError(
                _("That day hasn't happened yet: choose today or an earlier day.")
            )
        if day < self.earliest:
            raise ValidationError(
                _("Only the last 7 days can be logged or changed; the earliest is %(day)s.")
                % {"day": date_format(self.earliest, "l j F")}
            )
        return day

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("dose_taken"):
            self._measured(data)
            if data.get("time_taken") is None and "time_taken" not in self.errors:
                self.add_error("time_taken", _("Enter the time you took it."))
        elif data.get("dose_taken") in (False, None, ""):
            data["dose_taken"] = False
            # A missed dose has no amount or time; dropping them keeps the record honest.
            data["dose_mg"] = data["dose_amount"] = None
            data["dose_unit"] = ""
            data["time_taken"] = None
            for name in ("dose_mg", "dose_amount", "dose_unit", "time_taken"):
                self.errors.pop(name, None)
        if not data.get("opioid_taken"):
            data["opioid_name"] = ""
        if data.get("dreams") != Dreams.NIGHTMARES:
            data["nightmare_woke"] = False
        return data

    def _measured(self, data: dict[str, Any]) -> None:
        """The measured amount and the mg it makes (SPEC §3a): an amount in the
        prescription's unit, refused in another unit, as a fraction of a capsule or a drop,
        or outside 0.1-12 mg; or, from a client that sends mg, the mg and the amount that
        makes it in the prescription's unit (mg when none does)."""
        if {"dose_amount", "dose_unit", "dose_mg"} & set(self.errors):
            return
        amount, unit, mg = data.get("dose_amount"), data.get("dose_unit"), data.get("dose_mg")
        if amount is None and mg is None:
            message = _("Enter the dose you took, in %(unit)s.")
            self.add_error(self.dose_field.name, message % {"unit": dosing.unit_label(self.unit)})
            return
        if amount is None:
            assert mg is not None
            converted = dosing.to_amount(mg, self.strength, self.unit)
            if converted is None:
                data["dose_amount"], data["dose_unit"] = mg, dosing.Unit.MG.value
            else:
                data["dose_amount"], data["dose_unit"] = converted, self.unit
            return
        unit = unit or self.unit
        if unit == dosing.Unit.MG:
            # mg is every prescription's measure: an entry first logged in mg stays in mg.
            strength = Decimal(1)
        elif unit != self.unit:
            self.add_error(
                "dose_amount",
                _("Your prescription is measured in %(unit)s: enter the dose in %(unit)s.")
                % {"unit": dosing.unit_label(self.unit)},
            )
            return
        else:
            strength = self.strength
        problem = dosing.amount_problem(amount, unit, strength)
        if problem:
            self.add_error("dose_amount", problem)
            return
        made = dosing.to_mg(amount, strength)
        if mg is not None and mg != made:
            self.add_error(
                "dose_amount",
                _("%(amount)s makes %(mg)s mg, not the %(sent)s mg sent with it.")
                % {"amount": dosing.unit_words(amount, unit), "mg": dosing.plain(made),
                   "sent": dosing.plain(mg)},
            )  # fmt: skip
            return
        data["dose_amount"], data["dose_unit"], data["dose_mg"] = amount, unit, made

    @property
    def dose_field(self) -> forms.BoundField:
        """The dose as this patient measures it: in mg as `dose_mg`, else `dose_amount`."""
        return self["dose_mg" if self.unit == dosing.Unit.MG else "dose_amount"]

    @property
    def dose_meaning(self) -> str:
        """What the amount in the form makes: "1.5 mL = 1.5 mg"."""
        value = self["dose_amount"].value()
        if self.unit == dosing.Unit.MG:
            return ""
        try:  # whatever was typed: 1e999999 is a number no dose can be (a 500 otherwise)
            amount = Decimal(str(value))
            if not amount.is_finite() or not 0 < amount <= MEASURED_MAX:
                return ""
            mg = dosing.to_mg(amount, self.strength)
        except (ArithmeticError, ValueError):
            return ""
        return f"{dosing.unit_words(amount, self.unit)} = {dosing.plain(mg)} mg"

    def entry_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in DailyEntry.VALUE_FIELDS}


def initial_from_entry(entry: DailyEntry) -> dict[str, Any]:
    values = entry.values()
    for name in ("dose_taken", "opioid_taken", "liver_signs"):
        values[name] = "yes" if values[name] else "no"
    for name in ("dose_mg", "dose_amount", "sleep_hours"):
        values[name] = plain_number(values[name])
    return {**values, "date": entry.date, "version": entry.version}


class StopForm(forms.Form):
    """ "I have stopped taking LDN", with the day (SPEC §4)."""

    on = stop_date_field(_("Since which day?"))

    def __init__(
        self, *args: Any, today: dt.date, last_dose: dt.date | None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.today, self.last_dose = today, last_dose
        self.fields["on"].widget.attrs["max"] = today.isoformat()

    def clean_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["on"]
        check_stop_date(day, today=self.today, last_dose=self.last_dose)
        return day


class GapForm(forms.Form):
    """ "Did you keep taking LDN while you weren't logging?" (SPEC §4)."""

    after = forms.DateField(widget=forms.HiddenInput)
    kept_taking = yes_no(_("Did you keep taking LDN while you weren't logging?"))


class PGICForm(forms.Form):
    """Patient Global Impression of Change (1 very much improved … 7 very much worse)."""

    value = forms.TypedChoiceField(
        label=_("Since you started LDN, how would you describe the change in your condition?"),
        choices=[(str(v), text) for v, text in PGIC_CHOICES],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "choices choices--list"}),
        error_messages={
            "required": _("Choose the answer closest to how you feel."),
            "invalid_choice": _("Choose one of the seven answers."),
        },
    )


def reminder_channels() -> list[tuple[str, Any]]:
    """By email always; by push where the server has its Web Push key (SPEC §11)."""
    from ..notifications.channels import vapid_private_key

    channels: list[tuple[str, Any]] = [("email", _("By email"))]
    if vapid_private_key():
        channels.append(("push", _("To my phone (push), or by email if it cannot")))
    return channels


class ReminderForm(forms.Form):
    """Whether and when to be reminded to log (SPEC §10)."""

    reminders = yes_no(_("Remind me to fill in my diary?"))
    reminder_time = clock_field(
        _("At what time? (24-hour, e.g. 21:00)"), invalid=_("Enter a time as HH:MM, e.g. 21:00.")
    )
    reminder_channel = forms.ChoiceField(
        label=_("How?"),
        choices=[("email", _("By email")), ("push", _("To my phone (push)"))],
        initial="email",
        required=False,
        widget=forms.RadioSelect(attrs={"class": "choices choices--two"}),
        error_messages={"invalid_choice": _("Choose how to be reminded.")},
    )

    def __init__(
        self, *args: Any, channels: list[tuple[str, Any]] | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if channels:
            self.fields["reminder_channel"].choices = channels  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("reminders")
            and data.get("reminder_time") is None
            and "reminder_time" not in self.errors
        ):
            self.add_error("reminder_time", _("Choose the time of your reminder, e.g. 21:00."))
        data["reminder_channel"] = data.get("reminder_channel") or "email"
        return data


class EnrolmentForm(forms.Form):
    """Asked on the first sign-in (SPEC §13): what else the patient takes, and pregnancy."""

    medicines = forms.CharField(
        label=_("Which medicines do you take now? (optional)"),
        required=False,
        max_length=2000,
        help_text=_("Prescribed or bought, including pain killers and supplements."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep this to 2,000 characters or fewer.")},
    )
    takes_opioids = yes_no(
        _("Do you take any opioid pain medicine?"),
        help_text=_("For example codeine, tramadol, morphine, oxycodone or fentanyl patches."),
    )
    pregnancy = forms.ChoiceField(
        label=_("Are you pregnant or breastfeeding?"),
        choices=[("yes", _("Yes")), ("no", _("No")), ("na", _("Not applicable"))],
        widget=forms.RadioSelect(attrs={"class": "choices choices--list"}),
        error_messages={"required": _("Choose one."), "invalid_choice": _("Choose one.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["medicines"].widget.attrs.pop("maxlength", None)
