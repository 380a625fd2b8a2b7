"""Sign-in security (SPEC §7): lockout, second factor for staff, sessions, headers."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time

import pytest
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from tracker.models import AuditEvent
from tracker.security.idle import LAST_SEEN_KEY

from .browser import totp_code
from .factories import PASSWORD, login
from .test_access import TABLE

ELSEWHERE = {"REMOTE_ADDR": "203.0.113.9"}
INLINE_SCRIPT = re.compile(r'<script(?![^>]*\bsrc=)(?![^>]*type="application/json")[^>]*>')


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Lockout (django-axes) ----------------------------------------------------------------


def test_five_failures_lock_the_account_from_that_address(client, patient):
    for _ in range(5):
        sign_in(client, "ada@example.org", "wrong password!!")
    response = sign_in(client, "ada@example.org")  # the right password, too late
    assert response.status_code == 429
    assert "Sign-in paused for 15 minutes" in response.content.decode()
    assert not signed_in(client)
    assert AuditEvent.objects.filter(action="locked_out", actor_email="ada@example.org").exists()


def test_the_lock_is_per_address(client, patient):
    for _ in range(5):
        sign_in(client, "ada@example.org", "wrong password!!")
    other = Client(**ELSEWHERE)
    sign_in(other, "ada@example.org")
    assert signed_in(other)


def test_the_lock_lifts_after_15_minutes(client, patient):
    for _ in range(5):
        sign_in(client, "ada@example.org", "wrong password!!")
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    sign_in(client, "ada@example.org")
    assert signed_in(client)


def test_a_good_sign_in_resets_the_count(client, patient):
    for _ in range(4):
        sign_in(client, "ada@example.org", "wrong password!!")
    sign_in(client, "ada@example.org")
    client.post("/accounts/logout/")
    for _ in range(4):
        sign_in(client, "ada@example.org", "wrong password!!")
    sign_in(client, "ada@example.org")
    assert signed_in(client)


# --- The second factor --------------------------------------------------------------------


def test_a_clinician_needs_the_authenticator_code_before_any_page(client, clinician):
    response = sign_in(client, clinician.email)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/clinic/").status_code == 302
    assert not signed_in(client)
    client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert not signed_in(client)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(clinician.totp_secret)})
    assert client.get("/clinic/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa_used", actor=clinician).exists()


# Transactional: allauth announces a new authenticator on commit, which in a real request
# happens before the response (and its session) is saved.
@pytest.mark.django_db(transaction=True)
def test_staff_without_an_authenticator_must_set_one_up_first(client, clinic):
    from .factories import UserFactory

    newcomer = UserFactory(role="clinician", clinic=clinic)
    sign_in(client, newcomer.email)
    for path in ("/clinic/", "/", "/accounts/password/change/"):
        assert client.get(path)["Location"] == "/accounts/2fa/totp/activate/"
    activate = client.get("/accounts/2fa/totp/activate/")
    assert activate.status_code == 200
    secret = activate.context["form"].secret
    client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert client.get("/clinic/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa_enabled", actor=newcomer).exists()


def test_a_staff_session_without_the_second_factor_is_ended(client, clinician):
    client.force_login(clinician)  # as if the second factor had been skipped
    assert client.get("/clinic/")["Location"] == "/accounts/login/"
    assert not signed_in(client)


def test_staff_cannot_turn_their_second_factor_off(client, clinician):
    login(client, clinician)
    client.post("/accounts/2fa/totp/deactivate/")
    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(user=clinician, type="totp").exists()


def test_patients_sign_in_without_a_second_factor_by_default(client, patient):
    sign_in(client, "ada@example.org")
    assert client.get("/diary/").status_code == 200


# --- Sessions -------------------------------------------------------------------------------


def test_signing_in_gives_a_new_session_key(client, patient):
    client.get("/accounts/login/")
    before = client.session.session_key
    sign_in(client, "ada@example.org")
    assert client.session.session_key != before


def test_a_session_cannot_be_used_after_signing_out(client, patient):
    sign_in(client, "ada@example.org")
    stolen = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    thief = Client()
    thief.cookies["sessionid"] = stolen
    assert thief.get("/diary/").status_code == 302


@pytest.fixture(params=["db", "cached_db"])
def session_engine(request, settings):
    """Both session engines: the database's (no Redis), and production's with Redis, read
    from the cache and written through to the database (issue 24). Ending a session and
    the idle sign-out must hold with either."""
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{request.param}"
    return request.param


def test_deactivation_ends_open_sessions_at_once(client, clinic_admin, clinician, session_engine):
    staff_phone = Client()
    sign_in(staff_phone, clinician.email)
    staff_phone.post("/accounts/2fa/authenticate/", {"code": totp_code(clinician.totp_secret)})
    assert staff_phone.get("/clinic/").status_code == 200
    assert UserSession.objects.filter(user=clinician).exists()
    login(client, clinic_admin)
    client.post(f"/clinic-admin/people/{clinician.pk}/active/", {"active": "no"})
    assert staff_phone.get("/clinic/").status_code == 302
    assert not UserSession.objects.filter(user=clinician).exists()
    assert AuditEvent.objects.filter(action="account_deactivated", subject=clinician).exists()


def test_staff_are_signed_out_after_30_idle_minutes(client, clinician, session_engine):
    login(client, clinician)
    assert client.get("/clinic/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get("/clinic/")
    assert response["Location"].startswith("/accounts/login/")
    assert not signed_in(client)


def test_staff_active_within_30_minutes_stay_signed_in(client, clinician, session_engine):
    login(client, clinician)
    client.get("/clinic/")
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 29 * 60
    session.save()
    assert client.get("/clinic/").status_code == 200


def test_patients_are_not_signed_out_for_idling(client, patient):
    login(client, patient.user)
    client.get("/diary/")
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 120 * 60
    session.save()
    assert client.get("/diary/").status_code == 200


# --- Headers ------------------------------------------------------------------------------


def _viewer(expected: dict[str, int]) -> str:
    for person in ("clinician", "clinic_admin", "patient"):
        if expected.get(person, expected["default"]) == 200:
            return person
    return "anonymous"


@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_page_carries_the_security_headers(client, request, objects, name):
    method, path, expected = TABLE[name]
    person = _viewer(expected)
    if person != "anonymous":
        someone = request.getfixturevalue(person)
        login(client, getattr(someone, "user", someone))
    response = getattr(client, method)(path.format(**objects))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    if person != "anonymous" and name not in ("manifest", "service_worker"):
        # Any signed-in page may hold health data; the manifest and the service worker are
        # the same for everyone and hold none, so a browser may keep them.
        assert "no-store" in response["Cache-Control"]
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        # A strict CSP would block these: data blocks (JSON) are fine, code and styles not.
        assert not INLINE_SCRIPT.search(html), name
        assert " style=" not in html, name
        assert 'name="viewport"' in html or response.status_code != 200, name


@pytest.mark.slow
def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-with-plenty-of-entropy-0123456789",
        "DJANGO_ALLOWED_HOSTS": "ldn.example.org",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by this test session
    env["DJANGO_SETTINGS_MODULE"] = "ldn_tracker.settings"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_cookies_are_secure_host_cookies():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-with-plenty-of-entropy-0123456789",
    }
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='ldn_tracker.settings'; "
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.DEVICE_COOKIE_NAME)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.split() == [
        "__Host-sessionid", "__Host-csrftoken", "True", "True", "True", "__Host-ldn-device",
    ]  # fmt: skip


def test_messages_need_no_cookie_of_their_own(patient_client):
    """A flash message is kept in the session (a __Host- cookie), not in a `messages` one."""
    response = patient_client.post(
        "/settings/reminders/", {"reminders": "no", "reminder_time": "21:00"}
    )
    assert response.status_code == 302
    assert "messages" not in response.cookies
    assert "Reminders are off." in patient_client.get("/settings/").content.decode()


def test_static_files_carry_the_permissions_policy(client, db):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "camera=()" in response["Permissions-Policy"]


def test_a_change_of_reminders_is_audited(patient_client, patient):
    from tracker.models import AuditEvent

    patient_client.post("/settings/reminders/", {"reminders": "yes", "reminder_time": "20:00"})
    event = AuditEvent.objects.get(action="change_reminders")
    assert (event.actor, event.patient, event.ip) == (patient.user, patient, "127.0.0.1")


def test_an_htmx_request_after_the_session_ended_reloads_to_sign_in(client, db):
    response = client.post("/diary/", {}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/diary/"


def test_an_idle_staff_htmx_request_reloads_to_sign_in(client, clinician):
    login(client, clinician)
    client.get("/clinic/")
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get("/clinic/?review=on", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith("/accounts/login/")


STAFF_URLS = sorted(
    name
    for name, (_, path, expected) in TABLE.items()
    if not path.startswith("/accounts/")
    and any(expected.get(p, expected["default"]) != 403 for p in ("clinician", "clinic_admin"))
)


@pytest.mark.parametrize("name", STAFF_URLS)
@pytest.mark.parametrize("role", ["clinician", "clinic_admin"])
def test_no_staff_page_answers_before_the_second_factor(client, clinic, objects, name, role):
    """Signed in with the password only (no authenticator yet): every page outside the
    two-factor pages sends them to set one up."""
    from .factories import UserFactory

    newcomer = UserFactory(role=role, clinic=clinic)
    sign_in(client, newcomer.email)
    method, path, _ = TABLE[name]
    response = getattr(client, method)(path.format(**objects))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
