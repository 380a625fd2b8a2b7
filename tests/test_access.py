"""Every URL × every person → the status they get (STYLE.md: access as a table).

A URL pattern missing from the table fails `test_every_url_is_in_the_table`."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

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

# url name → (method, path, {person: expected status}); unspecified people get `default`.
TABLE: dict[str, tuple[str, str, dict[str, int]]] = {
    "home": ("get", "/", {"anonymous": 302, "patient": 302, "other_patient": 302, "default": 200}),
    "login": ("get", "/sign-in/", {"anonymous": 200, "default": 302}),
    "diary": ("get", "/diary/", PATIENT_PAGE),
    "history": ("get", "/history/", PATIENT_PAGE),
    "trends": ("get", "/trends/", PATIENT_PAGE),
    # With no review point open, a patient's answer is refused with a message (not saved).
    "pgic": ("post", "/review-question/", PATIENT_PAGE),
    # GET is refused (signing out is a POST); anonymous people are sent to sign in first.
    "logout": ("get", "/sign-out/", {"anonymous": 302, "default": 405}),
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


@pytest.mark.parametrize(("name", "person"), CELLS)
def test_access(client, request, name, person):
    method, path, expected = TABLE[name]
    if person != "anonymous":
        someone = request.getfixturevalue(person)
        client.force_login(getattr(someone, "user", someone))
    status = expected.get(person, expected["default"])
    assert getattr(client, method)(path).status_code == status


def test_anonymous_people_are_sent_to_sign_in(client, db):
    response = client.get("/history/")
    assert response["Location"] == "/sign-in/?next=/history/"
