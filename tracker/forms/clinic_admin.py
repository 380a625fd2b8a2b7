"""The clinic admin's forms: invites, assignments and the audit log's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AuditAction, Condition, Outcome, User


class InviteForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Invite a"),
        choices=[("patient", "Patient"), ("clinician", "Clinician")],
        widget=forms.RadioSelect(attrs={"class": "choices choices--two"}),
        error_messages={"required": _("Choose patient or clinician.")},
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,  # as the accounts' column: longer once passed the form, then failed
        error_messages={
            "required": _("Enter their email address."),
            "invalid": _("Enter a valid email address."),
            "max_length": _("An email address has at most 254 characters."),
        },
    )
    clinician = forms.ModelChoiceField(
        label=_("Clinician (for a patient)"), queryset=User.objects.none(), required=False
    )
    condition = forms.ChoiceField(
        label=_("Condition (for a patient)"),
        choices=[("", "—"), *Condition.choices],
        required=False,
    )
    primary_outcome = forms.ChoiceField(
        label=_("Primary outcome (for a patient)"), choices=Outcome.choices, initial="pain"
    )

    def __init__(self, *args: Any, clinicians: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["clinician"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = clinicians
        field.label_from_instance = lambda u: u.display_name  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("role") == "patient" and not data.get("condition"):
            self.add_error("condition", _("Choose the patient's condition."))
        if data.get("role") == "clinician":
            data.update(clinician=None, condition="")
        return data


class AssignForm(forms.Form):
    clinician = forms.ModelChoiceField(
        label=_("Clinician"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
    )

    def __init__(self, *args: Any, clinicians: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields["clinician"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = clinicians
        field.label_from_instance = lambda u: u.display_name  # type: ignore[method-assign,assignment]


class AuditFilters(forms.Form):
    person = forms.CharField(label=_("Person (email)"), required=False, max_length=254)
    patient = forms.CharField(label=_("Patient (email)"), required=False, max_length=254)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", "Any"), *AuditAction.choices]
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


ACCOUNT_SORTS = {
    "name": ("last_name", "first_name", "email", "pk"),
    "-name": ("-last_name", "-first_name", "-email", "-pk"),
    "role": ("role", "last_name", "first_name", "email", "pk"),
    "status": ("-is_active", "last_name", "first_name", "email", "pk"),
    "-status": ("is_active", "last_name", "first_name", "email", "pk"),
    "last_login": ("-last_login", "last_name", "first_name", "email", "pk"),
    "-last_login": ("last_login", "last_name", "first_name", "email", "pk"),
}


class AccountFilters(forms.Form):
    """The accounts list's search and sort, from the URL."""

    q = forms.CharField(
        label=_("Search by name or email"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Everyone")), *User.Role.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Active and deactivated")),
            ("active", _("Active")),
            ("inactive", _("Deactivated")),
        ],
    )
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in ACCOUNT_SORTS])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ReassignForm(AssignForm):
    """Who takes over a clinician's patients (optional when deactivating)."""

    def __init__(self, *args: Any, clinicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, clinicians=clinicians, **kwargs)
        field = self.fields["clinician"]
        field.label = _("Move their patients to")
        assert isinstance(field, forms.ModelChoiceField)
        field.empty_label = _("Keep them for now")
