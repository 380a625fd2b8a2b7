"""The links messages carry: absolute, and for reminders a signed one-click stop link (it
cannot be made up or changed, and needs no sign-in)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from ..models import Patient

STOP_SALT = "ldn-reminders-stop"  # as ever: stop links already sent keep working


def link(path: str) -> str:
    return settings.SITE_URL + path


def stop_token(patient: Patient) -> str:
    return signing.dumps(patient.pk, salt=STOP_SALT)


def patient_for(token: str) -> Patient | None:
    """The patient a stop link was made for."""
    try:
        pk = signing.loads(token, salt=STOP_SALT)
    except signing.BadSignature:
        return None
    return Patient.objects.filter(pk=pk).first()
