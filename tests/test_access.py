"""Every URL × every person → the status they get (STYLE.md: access as a table).

A URL pattern missing from the table fails `test_every_url_is_in_the_table`."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tracker import services
from tracker.models import Alert

from .factories import EntryFactory

PEOPLE = [
    "anonymous",
    "patient",
    "other_patient",
    "clinician",
    "other_clinician",
    "foreign_clinician",
    "clinic_admin",
    "foreign_admin",
]

PATIENT_PAGE = {"anonymous": 302, "patient": 200, "other_patient": 200, "default": 403}
CLINICIAN_PAGE = {
    "anonymous": 302,
    "clinician": 200,
    "other_clinician": 200,
    "foreign_clinician": 200,
    "default": 403,
}
# A page about `patient`, who is assigned to `clinician` only: other clinicians get a 404.
ASSIGNED_ONLY = {
    "anonymous": 302,
    "clinician": 200,
    "other_clinician": 404,
    "foreign_clinician": 404,
    "default": 403,
}

# url name → (method, path, {person: expected status}); unspecified people get `default`.
TABLE: dict[str, tuple[str, str, dict[str, int]]] = {
    "home": (
        "get",
        "/",
        {
            "anonymous": 302,
            "patient": 302,
            "other_patient": 302,
            "clinic_admin": 200,
            "foreign_admin": 200,
            "default": 302,
        },
    ),
    "login": ("get", "/sign-in/", {"anonymous": 200, "default": 302}),
    "diary": ("get", "/diary/", PATIENT_PAGE),
    "history": ("get", "/history/", PATIENT_PAGE),
    "trends": ("get", "/trends/", PATIENT_PAGE),
    # With no review point open, a patient's answer is refused with a message (not saved).
    "pgic": ("post", "/review-question/", PATIENT_PAGE),
    # GET is refused (signing out is a POST); anonymous people are sent to sign in first.
    "logout": ("get", "/sign-out/", {"anonymous": 302, "default": 405}),
    "clinician_panel": ("get", "/clinic/", CLINICIAN_PAGE),
    "clinician_record": ("get", "/clinic/patients/{patient}/", ASSIGNED_ONLY),
    "clinician_review": ("get", "/clinic/patients/{patient}/review/", ASSIGNED_ONLY),
    "clinician_prescription": ("get", "/clinic/patients/{patient}/prescription/", ASSIGNED_ONLY),
    "clinician_summary": ("get", "/clinic/patients/{patient}/summary/", ASSIGNED_ONLY),
    # An empty note is refused with a message (200); nothing is saved.
    "clinician_add_note": ("post", "/clinic/patients/{patient}/notes/", ASSIGNED_ONLY),
    "clinician_acknowledge": (
        "post",
        "/clinic/alerts/{alert}/acknowledge/",
        {**ASSIGNED_ONLY, "clinician": 302},
    ),
}
# The Django admin is the platform operator's (SPEC §2); it has its own login and tests.
EXCLUDED_PREFIXES = ("admin/",)


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            sub = prefix + str(item.pattern)
            if not sub.startswith(EXCLUDED_PREFIXES):
                names |= _names(item, sub)
        elif isinstance(item, URLPattern) and item.name:
            names.add(item.name)
    return names


def test_every_url_is_in_the_table():
    assert _names(get_resolver()) == set(TABLE)


CELLS = [(name, person) for name in TABLE for person in PEOPLE]


@pytest.fixture
def objects(patient):
    """The ids a path may name: `patient` (assigned to `clinician`) and one of their alerts."""
    EntryFactory(patient=patient, opioid_taken=True)
    services.refresh_patient(patient)
    return {"patient": patient.pk, "alert": Alert.objects.get(patient=patient).pk}


@pytest.mark.parametrize(("name", "person"), CELLS)
def test_access(client, request, objects, name, person):
    method, path, expected = TABLE[name]
    path = path.format(**objects)
    if person != "anonymous":
        someone = request.getfixturevalue(person)
        client.force_login(getattr(someone, "user", someone))
    status = expected.get(person, expected["default"])
    assert getattr(client, method)(path).status_code == status


def test_anonymous_people_are_sent_to_sign_in(client, db):
    response = client.get("/history/")
    assert response["Location"] == "/sign-in/?next=/history/"
