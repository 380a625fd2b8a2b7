"""Every form of every role, fuzzed (issue 8): numbers of every size, text of every kind,
fields missing or repeated, and bodies the server cannot parse. Never a 500 (the test
client re-raises one), never a row the database's own rules would refuse."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .factories import diary_until_review, login, valid_form_data

pytestmark = pytest.mark.slow  # `make test-fast` leaves it out

EXAMPLES = 60
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Numbers of every size, as browsers and scripts would type them.
numbers = st.one_of(
    st.integers().map(str),
    st.integers(-(10**60), 10**60).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e28", "-1e28", "1e-28", "9" * 5000, "0x10", "1_000", "٣", "١٢", "+5",
                     "  7  ", "7,5", "Infinity", "NaN", "-0", "0000000.1"]),
)  # fmt: skip
values = st.one_of(
    numbers,
    st.text(max_size=50),
    st.text(max_size=5000).filter(lambda t: len(t) > 2000),
    st.sampled_from(["", "yes", "no", "on", "\x00", "<script>", "2026-02-30", "99:99",
                     "9999-12-31", "0001-01-01"]),
    st.dates().map(lambda d: d.isoformat()),
)  # fmt: skip


def fuzzed(fields: list[str]):  # type: ignore[no-untyped-def]
    """Overrides for some of `fields` (any of them possibly a list: a repeated field)."""
    one = values | st.lists(values, min_size=2, max_size=3)
    return st.dictionaries(st.sampled_from(fields), one, max_size=len(fields))


def every_row_is_valid() -> None:
    """Each stored row passes its model's field validation (choices, lengths, validators:
    what SQLite would not enforce). The ranges are CHECK constraints: the database itself
    refuses a row outside them, so no bad row can be stored to be found here."""
    for model in apps.get_app_config("tracker").get_models():
        if model.__name__ in ("AuditEvent", "PatientSummary"):
            continue
        # Who set a row (a nullable link) is the server's to fill, not the form's.
        servers = [f.name for f in model._meta.fields if f.is_relation and f.null]
        for row in model._default_manager.all():
            row.clean_fields(exclude=servers)
            row.clean()


def post(client: Client, path: str, data: dict[str, object], *, htmx: bool = False):
    response = client.post(path, data, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code < 500, (path, data)
    return response


# --- The patient's forms ----------------------------------------------------------------

DIARY = ["date", "dose_taken", "dose_mg", "time_taken", "sleep_hours", "sleep_quality",
         "dreams", "nightmare_woke", "headache", "pain", "mood", "fatigue", "nausea",
         "irritability", "opioid_taken", "opioid_name", "liver_signs", "note", "version"]  # fmt: skip


@FUZZ
@given(overrides=fuzzed(DIARY), htmx=st.booleans())
def test_the_diary(patient_client, patient, overrides, htmx):
    post(patient_client, "/diary/", valid_form_data(patient.diary_today(), **overrides), htmx=htmx)
    every_row_is_valid()


@FUZZ
@given(overrides=fuzzed(["value"]))
def test_the_review_question(client, patient, overrides):
    if not patient.entries.exists():
        diary_until_review(patient)
    login(client, patient.user)
    post(client, "/review-question/", {"value": "2", **overrides})
    every_row_is_valid()


@FUZZ
@given(overrides=fuzzed(["action", "on", "after", "kept_taking"]))
def test_the_treatment_course_forms(patient_client, patient, overrides):
    """Stopping and restarting, and the answer about an unlogged gap (issue 18)."""
    post(patient_client, "/treatment/", {"action": "stop", **overrides})
    post(patient_client, "/treatment/", {"action": "restart", **overrides})
    post(patient_client, "/treatment/gap/", {"kept_taking": "yes", **overrides})
    every_row_is_valid()


@FUZZ
@given(
    overrides=fuzzed(["reminders", "reminder_time", "reminder_channel", "from", "medicines",
                      "takes_opioids", "pregnancy"])
)  # fmt: skip
def test_the_patients_settings(patient_client, overrides):
    post(patient_client, "/settings/reminders/", overrides)
    post(patient_client, "/enrolment/", overrides)
    every_row_is_valid()


# --- JSON endpoints: always a JSON answer, never a 500 (issue 19) --------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | values,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(values, inner, max_size=4),
    max_leaves=20,
)
subscriptions = st.fixed_dictionaries(
    {"endpoint": json_values | values, "keys": json_values}
) | st.fixed_dictionaries(
    {"endpoint": values, "keys": st.fixed_dictionaries({"p256dh": values, "auth": values})}
)


@FUZZ
@given(
    payload=st.one_of(
        json_values.map(lambda v: __import__("json").dumps(v)),
        subscriptions.map(lambda v: __import__("json").dumps(v)),
        st.binary(max_size=2000),
        st.integers(1000, 200_000).map(lambda n: "[" * n + "]" * n),
        st.integers(1000, 200_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    ),
    path=st.sampled_from(["/push/subscribe/", "/push/unsubscribe/"]),
)
def test_the_json_endpoints(patient_client, payload, path):
    response = patient_client.post(path, payload, content_type="application/json")
    assert response.status_code < 500, payload
    assert response["Content-Type"] == "application/json"
    if response.status_code >= 400:
        assert response.json()["error"]
    every_row_is_valid()


# --- The clinician's forms --------------------------------------------------------------

RX = ["dose_mg", "start_date", "timing", "usual_time", "formulation", "concentration",
      "step-TOTAL_FORMS", "step-INITIAL_FORMS", "step-MAX_NUM_FORMS", "step-0-start_date",
      "step-0-dose_mg", "step-1-start_date", "step-1-dose_mg", "step-7-dose_mg"]  # fmt: skip


@pytest.fixture
def clinician_client(client, clinician):
    login(client, clinician)
    return client


@FUZZ
@given(overrides=fuzzed(RX))
def test_the_prescription(clinician_client, patient, overrides):
    day = patient.diary_today().isoformat()
    data = {"dose_mg": "3", "start_date": day, "timing": "bedtime", "usual_time": "22:00",
            "formulation": "liquid", "concentration": "1", "step-TOTAL_FORMS": "2",
            "step-INITIAL_FORMS": "0", **overrides}  # fmt: skip
    post(clinician_client, f"/clinic/patients/{patient.pk}/prescription/", data)
    every_row_is_valid()


@FUZZ
@given(overrides=fuzzed(["point", "outcome", "note", "next_week", "stop_on"]))
def test_the_review(clinician_client, patient, overrides):
    if not patient.entries.exists():
        diary_until_review(patient)
    data = {"point": "1", "outcome": "continue", "next_week": "12", **overrides}
    post(clinician_client, f"/clinic/patients/{patient.pk}/review/", data)
    every_row_is_valid()


@FUZZ
@given(overrides=fuzzed(["urgent_alert_emails"]), stop=values)
def test_the_clinicians_settings_and_stop_confirmation(clinician_client, patient, overrides, stop):
    post(clinician_client, "/settings/notifications/", overrides)
    response = clinician_client.post(f"/clinic/stops/{stop}/confirm/".replace("//", "/0/"))
    assert response.status_code < 500
    every_row_is_valid()


@FUZZ
@given(overrides=fuzzed(["text"]), htmx=st.booleans())
def test_the_note(clinician_client, patient, overrides, htmx):
    post(clinician_client, f"/clinic/patients/{patient.pk}/notes/", overrides, htmx=htmx)
    every_row_is_valid()


@FUZZ
@given(query=fuzzed(["q", "alerts", "review", "silent", "stopped", "range", "page", "sort"]))
def test_the_panel_and_record_queries(clinician_client, patient, query):
    for path in ("/clinic/", f"/clinic/patients/{patient.pk}/"):
        response = clinician_client.get(path, query)
        assert response.status_code < 500, (path, query)


# --- The clinic admin's forms -----------------------------------------------------------

INVITE = ["role", "first_name", "last_name", "email", "clinician", "condition", "primary_outcome"]


@pytest.fixture
def admin_client(client, clinic_admin):
    login(client, clinic_admin)
    return client


@FUZZ
@given(overrides=fuzzed(INVITE))
def test_the_invite(admin_client, clinician, overrides):
    data = {"role": "patient", "first_name": "Eva", "email": "eva@example.org",
            "clinician": clinician.pk, "condition": "crps", "primary_outcome": "pain", **overrides}  # fmt: skip
    post(admin_client, "/clinic-admin/invite/", data)
    every_row_is_valid()


@FUZZ
@given(overrides=fuzzed(["clinician", "active", "to"]))
def test_the_account_changes(admin_client, patient, overrides):
    post(admin_client, f"/clinic-admin/patients/{patient.pk}/assign/", overrides)
    post(admin_client, f"/clinic-admin/people/{patient.user.pk}/active/", overrides)
    post(admin_client, f"/clinic-admin/people/{patient.clinician_id}/reassign/", overrides)
    every_row_is_valid()


@FUZZ
@given(query=fuzzed(["person", "patient", "action", "since", "until", "page"]))
def test_the_audit_filters(admin_client, query):
    assert admin_client.get("/clinic-admin/audit/", query).status_code < 500


# --- Signing in ---------------------------------------------------------------------------


@FUZZ
@given(overrides=fuzzed(["login", "password", "remember", "code", "password1", "password2"]))
def test_the_sign_in_forms(client, patient, overrides):
    for path in ("/accounts/login/", "/accounts/password/reset/", "/invite/not-a-token/"):
        post(client, path, overrides)


# --- Bodies the server cannot parse --------------------------------------------------------

POST_URLS = ["/accounts/login/", "/diary/", "/review-question/", "/clinic-admin/invite/",
             "/clinic/patients/{pk}/notes/", "/clinic/patients/{pk}/review/",
             "/clinic/patients/{pk}/prescription/"]  # fmt: skip
content_types = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=latin-1",
        "application/x-www-form-urlencoded; charset=no-such-charset",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=----x",
        'multipart/form-data; boundary="\\x00"',
        "application/json",
        "text/plain; charset=utf-16",
        "",
    ]
)
bodies = st.one_of(
    st.binary(max_size=3000),
    st.just("&".join(f"f{i}=1" for i in range(1100)).encode()),
    st.just(b'------x\r\nContent-Disposition: form-data; name="a"\r\n\r\n' + b"x" * 100),
    st.just(
        b'------x\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nx\r\n------x--'
    ),
)


@FUZZ
@given(url=st.sampled_from(POST_URLS), content_type=content_types, body=bodies)
def test_malformed_bodies(patient, clinician, url, content_type, body):
    browser = Client(enforce_csrf_checks=True)
    who = clinician if "/clinic/" in url else patient.user
    login(browser, who)
    browser.get("/accounts/login/")
    token = browser.cookies["csrftoken"].value if "csrftoken" in browser.cookies else ""
    response = browser.generic(
        "POST", url.format(pk=patient.pk), body, content_type=content_type,
        headers={"X-CSRFToken": token},
    )  # fmt: skip
    assert response.status_code < 500
    every_row_is_valid()


def test_the_fuzzer_covers_every_form_of_every_role():
    """Counted for the note: fuzzed tests × examples (each example one or more posts)."""
    fuzzed_tests = [name for name in globals() if name.startswith("test_") and name not in (
        "test_the_fuzzer_covers_every_form_of_every_role",)]  # fmt: skip
    assert len(fuzzed_tests) == 15
    assert EXAMPLES * len(fuzzed_tests) >= 900
