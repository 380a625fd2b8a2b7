"""Signing in with email and password (django-allauth), and out; home by role."""

from __future__ import annotations

from django.conf import settings

from tracker.models import AuditEvent

from .factories import PASSWORD, login


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def test_argon2_is_the_first_password_hasher():
    import ldn_tracker.settings as configured

    assert configured.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.AUTH_USER_MODEL == "tracker.User"


def test_a_patient_signs_in_with_email_and_lands_on_today(client, patient):
    response = sign_in(client, "ADA@example.org", follow=True)
    assert response.redirect_chain[-1][0] == "/diary/"
    assert response.context["user"] == patient.user
    assert AuditEvent.objects.filter(action="sign_in", actor=patient.user).exists()


def test_a_wrong_password_is_explained_and_does_not_sign_in(client, patient):
    response = sign_in(client, "ada@example.org", "not the password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.get(action="sign_in_failed")
    assert (failed.actor_email, failed.clinic, failed.outcome) == (
        "ada@example.org",
        patient.user.clinic,
        "failed",
    )


def test_a_deactivated_account_cannot_sign_in(client, patient):
    patient.user.is_active = False
    patient.user.save()
    sign_in(client, "ada@example.org")
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session(client, patient):
    login(client, patient.user)
    assert client.get("/diary/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/diary/").status_code == 302
    assert AuditEvent.objects.filter(action="sign_out", actor=patient.user).exists()


def test_nobody_can_sign_up_alone(client, db):
    response = client.post(
        "/accounts/signup/", {"email": "me@example.org", "password1": "a long enough pw 123"}
    )
    assert "Sign Up Closed" in response.content.decode() or response.status_code == 200
    from tracker.models import User

    assert not User.objects.filter(email="me@example.org").exists()


def test_clinicians_land_on_their_panel(client, clinician):
    login(client, clinician)
    assert client.get("/")["Location"] == "/clinic/"


def test_clinic_admins_land_on_their_accounts_page(client, clinic_admin):
    login(client, clinic_admin)
    assert client.get("/")["Location"] == "/clinic-admin/"


def test_pages_with_health_data_are_never_cached(client, patient):
    login(client, patient.user)
    response = client.get("/diary/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_platform_operator_lands_on_the_django_admin(client, db):
    from tracker.models import User

    operator = User.objects.create_superuser("ops@example.org", PASSWORD)
    from .factories import with_totp

    with_totp(operator)
    login(client, operator)
    assert client.get("/")["Location"] == "/admin/"


def test_a_forgotten_password_is_reset_by_email(
    client, patient, django_capture_on_commit_callbacks
):
    import re

    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):  # the email goes on the queue
        client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    link = re.search(
        r"http://127.0.0.1:8000(/accounts/password/reset/key/\S+/)", mail.outbox[0].body
    )
    form_page = client.get(link.group(1), follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    client.post(
        action, {"password1": "a brand new passphrase", "password2": "a brand new passphrase"}
    )
    client.post(
        "/accounts/login/", {"login": "ada@example.org", "password": "a brand new passphrase"}
    )
    assert client.get("/diary/").status_code == 200
    assert AuditEvent.objects.filter(action="password_reset", actor=patient.user).exists()


def test_a_patient_who_turned_on_a_second_factor_is_asked_for_it(client, patient):
    from .browser import totp_code
    from .factories import with_totp

    with_totp(patient.user)
    response = client.post("/accounts/login/", {"login": "ada@example.org", "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(patient.user.totp_secret)})
    assert client.get("/diary/").status_code == 200
