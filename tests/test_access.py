"""Every URL × every person → the status they get (STYLE.md: access as a table).

A URL pattern missing from the table fails `test_every_url_is_in_the_table`. Out-of-scope
objects answer 404; pages for another role answer 403; anonymous people go to sign in."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from .factories import login

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

EVERYONE = {"default": 200}
SIGNED_IN = {"anonymous": 302, "default": 200}
SIGNED_OUT = {"anonymous": 200, "default": 302}
PATIENTS = {"anonymous": 302, "patient": 200, "other_patient": 200, "default": 403}
CLINICIANS = {
    "anonymous": 302,
    "clinician": 200,
    "other_clinician": 200,
    "foreign_clinician": 200,
    "default": 403,
}
# About `patient`, who is assigned to `clinician` only: other clinicians get a 404.
ASSIGNED_ONLY = {
    "anonymous": 302,
    "clinician": 200,
    "other_clinician": 404,
    "foreign_clinician": 404,
    "default": 403,
}
ADMINS = {"anonymous": 302, "clinic_admin": 200, "foreign_admin": 200, "default": 403}
# About `clinic`'s people: its admin acts (and is redirected back), another clinic's gets 404.
OWN_CLINIC = {"anonymous": 302, "clinic_admin": 302, "foreign_admin": 404, "default": 403}
STAFF_ONLY_PAGE = {"anonymous": 302, "patient": 404, "other_patient": 404, "default": 302}
RECOVERY_CODES = {"anonymous": 302, "default": 404}  # none are made until TOTP is set up
SETUP_FOR_PATIENTS = {"patient": 200, "other_patient": 200, "default": 302}

# url name → (method, path, {person: status}); a person not named gets "default".
TABLE: dict[str, tuple[str, str, dict[str, int]]] = {
    "home": ("get", "/", {"anonymous": 302, "default": 302}),
    "accept_invite": ("get", "/invite/{token}/", EVERYONE),
    # The diary, history and trends of whoever is signed in.
    "diary": ("get", "/diary/", PATIENTS),
    "history": ("get", "/history/", PATIENTS),
    "trends": ("get", "/trends/", PATIENTS),
    # With no review point open, a patient's answer is refused with a message, not saved.
    "pgic": ("post", "/review-question/", PATIENTS),
    # The enrolment questions, the emergency card, and "I have read the advice on stopping".
    "enrolment": ("get", "/enrolment/", PATIENTS),
    "emergency_card": ("get", "/card/", PATIENTS),
    "stop_advice_read": ("post", "/stop-advice/read/", {**PATIENTS, "patient": 302, "other_patient": 302}),
    # "I have stopped / restarted LDN", and the answer about an unlogged gap (an empty post
    # is sent back to Today with a message).
    "treatment": ("get", "/treatment/", PATIENTS),
    "plan": ("get", "/plan/", PATIENTS),
    "export_questionnaires_csv": ("get", "/export/questionnaires.csv", PATIENTS),
    "questionnaire": ("get", "/questionnaires/phq-9/baseline/", PATIENTS),
    "gap_answer": ("post", "/treatment/gap/", {**PATIENTS, "patient": 302, "other_patient": 302}),
    # Everyone's settings; a patient's reminders and a clinician's alert emails (an empty
    # post is refused with a message by the field, so 200).
    "settings": ("get", "/settings/", SIGNED_IN),
    "reminder_settings": ("post", "/settings/reminders/", PATIENTS),
    "clinician_notifications": ("post", "/settings/notifications/", CLINICIANS),
    # The link in a reminder works without signing in (it is signed); so does /health/.
    "reminders_stop": ("get", "/reminders/stop/{stop_token}/", EVERYONE),
    "health": ("get", "/health/", EVERYONE),
    # The phone: the app's manifest, service worker and offline page, for anyone; a push
    # subscription is a patient's (an empty post is refused as not one: 400).
    "manifest": ("get", "/manifest.webmanifest", EVERYONE),
    "service_worker": ("get", "/sw.js", EVERYONE),
    "offline": ("get", "/offline/", EVERYONE),
    "push_subscribe": ("post", "/push/subscribe/", {**PATIENTS, "patient": 400, "other_patient": 400}),
    "push_unsubscribe": ("post", "/push/unsubscribe/", {**PATIENTS, "patient": 400, "other_patient": 400}),
    # The patient's own data out (SPEC §8).
    "export_csv": ("get", "/export/diary.csv", PATIENTS),
    "export_json": ("get", "/export/diary.json", PATIENTS),
    "clinician_export_csv": ("get", "/clinic/patients/{patient}/export.csv", ASSIGNED_ONLY),
    "clinician_export_fhir": ("get", "/clinic/patients/{patient}/fhir.json", ASSIGNED_ONLY),
    "clinician_panel": ("get", "/clinic/", CLINICIANS),
    # The clinic's outcomes: counts over the clinician's own clinic only (SPEC §12).
    "clinician_outcomes": ("get", "/clinic/outcomes/", CLINICIANS),
    "clinician_record": ("get", "/clinic/patients/{patient}/", ASSIGNED_ONLY),
    "clinician_review": ("get", "/clinic/patients/{patient}/review/", ASSIGNED_ONLY),
    "clinician_prescription": ("get", "/clinic/patients/{patient}/prescription/", ASSIGNED_ONLY),
    "clinician_summary": ("get", "/clinic/patients/{patient}/summary/", ASSIGNED_ONLY),
    "clinician_plan": ("get", "/clinic/patients/{patient}/plan/", ASSIGNED_ONLY),
    "clinician_questionnaires": (
        "get", "/clinic/patients/{patient}/questionnaires/", ASSIGNED_ONLY,
    ),
    # An empty note is refused with a message (200); nothing is saved.
    "clinician_add_note": ("post", "/clinic/patients/{patient}/notes/", ASSIGNED_ONLY),
    # Acknowledging all of one kind (none open for this patient: back to the record).
    "clinician_acknowledge_kind": (
        "post", "/clinic/patients/{patient}/alerts/acknowledge/",
        {**ASSIGNED_ONLY, "clinician": 302},
    ),
    "clinician_acknowledge": (
        "post",
        "/clinic/alerts/{alert}/acknowledge/",
        {**ASSIGNED_ONLY, "clinician": 302},
    ),
    # Which record sections a clinician keeps open: an empty post is a JSON 400.
    "clinician_record_fold": ("post", "/clinic/record-sections/", {**CLINICIANS, "clinician": 400, "other_clinician": 400, "foreign_clinician": 400}),
    # The panel's selected rows: none selected is refused with a message, back to the panel.
    "clinician_acknowledge_selected": (
        "post", "/clinic/alerts/acknowledge/",
        {**CLINICIANS, "clinician": 302, "other_clinician": 302, "foreign_clinician": 302},
    ),
    # Confirming the stop `patient` reported.
    "clinician_confirm_stop": ("post", "/clinic/stops/{stop}/confirm/", {**ASSIGNED_ONLY, "clinician": 302}),
    "admin_accounts": ("get", "/clinic-admin/", ADMINS),
    "admin_invite": ("get", "/clinic-admin/invite/", ADMINS),
    "admin_audit": ("get", "/clinic-admin/audit/", ADMINS),
    "admin_questionnaires": ("get", "/clinic-admin/questionnaires/", ADMINS),
    "admin_sends": ("get", "/clinic-admin/sends/", ADMINS),
    "admin_resend": ("post", "/clinic-admin/invites/{invite}/resend/", OWN_CLINIC),
    "admin_revoke": ("post", "/clinic-admin/invites/{invite}/revoke/", OWN_CLINIC),
    "admin_set_active": ("post", "/clinic-admin/people/{person}/active/", OWN_CLINIC),
    # Moving a clinician's patients (an empty post is refused with a message, and back).
    "admin_reassign": ("post", "/clinic-admin/people/{colleague}/reassign/", OWN_CLINIC),
    "admin_assign": ("post", "/clinic-admin/patients/{patient}/assign/", OWN_CLINIC),
    # django-allauth: signing in and out, passwords, two-factor, sessions.
    "account_login": ("get", "/accounts/login/", SIGNED_OUT),
    "account_logout": ("get", "/accounts/logout/", {"anonymous": 302, "default": 200}),
    "account_inactive": ("get", "/accounts/inactive/", EVERYONE),
    "account_signup": ("get", "/accounts/signup/", SIGNED_OUT),  # closed: invites only
    "account_reauthenticate": ("get", "/accounts/reauthenticate/", SIGNED_IN),
    "account_email": ("get", "/accounts/email/", SIGNED_IN),
    "account_email_verification_sent": ("get", "/accounts/confirm-email/", EVERYONE),
    "account_confirm_email": ("get", "/accounts/confirm-email/not-a-key/", EVERYONE),
    "account_change_password": ("get", "/accounts/password/change/", SIGNED_IN),
    "account_set_password": ("get", "/accounts/password/set/", {"default": 302}),
    "account_reset_password": ("get", "/accounts/password/reset/", EVERYONE),
    "account_reset_password_done": ("get", "/accounts/password/reset/done/", EVERYONE),
    "account_reset_password_from_key": (
        "get",
        "/accounts/password/reset/key/1-not-a-key/",
        EVERYONE,
    ),
    "account_reset_password_from_key_done": ("get", "/accounts/password/reset/key/done/", EVERYONE),
    "account_confirm_login_code": ("get", "/accounts/login/code/confirm/", {"default": 302}),
    "mfa_index": ("get", "/accounts/2fa/", SIGNED_IN),
    "mfa_authenticate": ("get", "/accounts/2fa/authenticate/", {"default": 302}),
    # Setting up or changing the second factor asks for the password again first.
    "mfa_reauthenticate": ("get", "/accounts/2fa/reauthenticate/", {**SIGNED_IN, "patient": 302,
                                                                     "other_patient": 302}),
    # A first authenticator needs no second password; staff already have theirs.
    "mfa_activate_totp": ("get", "/accounts/2fa/totp/activate/", SETUP_FOR_PATIENTS),
    "mfa_deactivate_totp": ("get", "/accounts/2fa/totp/deactivate/", STAFF_ONLY_PAGE),
    "mfa_view_recovery_codes": ("get", "/accounts/2fa/recovery-codes/", RECOVERY_CODES),
    "mfa_generate_recovery_codes": ("get", "/accounts/2fa/recovery-codes/generate/",
                                    SETUP_FOR_PATIENTS),
    "mfa_download_recovery_codes": ("get", "/accounts/2fa/recovery-codes/download/",
                                    RECOVERY_CODES),
    "usersessions_list": ("get", "/accounts/sessions/", SIGNED_IN),
}  # fmt: skip
# The Django admin is the platform operator's (SPEC §2), with its own sign-in.
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
def test_access(client, request, objects, name, person):
    method, path, expected = TABLE[name]
    path = path.format(**objects)
    if person != "anonymous":
        someone = request.getfixturevalue(person)
        login(client, getattr(someone, "user", someone))
    status = expected.get(person, expected["default"])
    assert getattr(client, method)(path).status_code == status


def test_the_table_has_a_cell_for_every_url_and_person():
    assert len(CELLS) == len(TABLE) * len(PEOPLE) == 76 * 8


# The methods each URL answers (pretix and healthchecks test the others as 405s). allauth's
# views answer GET and POST; ours say exactly which they take.
GET, POST, BOTH = {"get"}, {"post"}, {"get", "post"}
METHODS: dict[str, set[str]] = {
    name: BOTH for name in TABLE if TABLE[name][1].startswith("/accounts/")
}
METHODS |= {
    "home": GET, "accept_invite": BOTH, "diary": BOTH, "history": GET, "trends": GET,
    "pgic": POST, "clinician_panel": GET, "clinician_record": GET, "clinician_add_note": POST,
    "clinician_review": BOTH, "clinician_prescription": BOTH, "clinician_summary": GET,
    "clinician_acknowledge": POST, "clinician_acknowledge_kind": POST,
    "clinician_acknowledge_selected": POST, "clinician_record_fold": POST, "admin_accounts": GET, "admin_invite": BOTH,
    "admin_audit": GET, "admin_resend": POST, "admin_revoke": POST, "admin_set_active": POST,
    "admin_assign": POST, "settings": GET, "reminder_settings": POST,
    "clinician_notifications": POST, "reminders_stop": BOTH, "health": GET, "admin_sends": GET,
    "export_csv": GET, "export_json": GET, "clinician_export_csv": GET, "clinician_export_fhir": GET,
    "manifest": GET, "service_worker": GET, "offline": GET, "push_subscribe": POST,
    "push_unsubscribe": POST, "enrolment": BOTH, "emergency_card": GET, "stop_advice_read": POST,
    "clinician_outcomes": GET, "admin_reassign": POST, "treatment": BOTH, "gap_answer": POST,
    "clinician_confirm_stop": POST, "plan": BOTH, "clinician_plan": BOTH,
    "questionnaire": BOTH, "clinician_questionnaires": BOTH, "admin_questionnaires": BOTH,
    "export_questionnaires_csv": GET,
}  # fmt: skip


def test_every_url_says_which_methods_it_answers():
    assert set(METHODS) == set(TABLE)


def _allowed_person(expected: dict[str, int]) -> str:
    """Someone the URL answers, so that only the method can be what is refused."""
    for status, people in ((200, PEOPLE), (400, PEOPLE), (302, PEOPLE[1:])):
        for person in people:
            if expected.get(person, expected["default"]) == status:
                return person
    return "anonymous"


WRONG_METHODS = [
    (name, method)
    for name in TABLE
    for method in ("get", "post", "put", "delete", "patch")
    if method not in METHODS[name]
]


@pytest.mark.parametrize(("name", "method"), WRONG_METHODS)
def test_a_wrong_method_is_refused_with_405(client, request, objects, name, method):
    _, path, expected = TABLE[name]
    person = _allowed_person(expected)
    if person != "anonymous":
        someone = request.getfixturevalue(person)
        login(client, getattr(someone, "user", someone))
    response = getattr(client, method)(path.format(**objects))
    assert response.status_code == 405, (name, method, person)
    assert "GET" in response["Allow"] or "POST" in response["Allow"]


def test_anonymous_people_are_sent_to_sign_in(client, db):
    response = client.get("/history/")
    assert response["Location"] == "/accounts/login/?next=/history/"
