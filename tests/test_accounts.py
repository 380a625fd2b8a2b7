"""Signing in with email and password, and signing out."""

from __future__ import annotations

from django.conf import settings

from .factories import PASSWORD


def test_argon2_is_the_first_password_hasher():
    import ldn_tracker.settings as configured

    assert configured.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.AUTH_USER_MODEL == "tracker.User"


def test_a_patient_signs_in_with_email_and_lands_on_today(client, patient):
    response = client.post(
        "/sign-in/", {"username": "ADA@example.org", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/diary/"
    assert response.context["user"] == patient.user


def test_a_wrong_password_is_explained_and_does_not_sign_in(client, patient):
    response = client.post("/sign-in/", {"username": "ada@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_deactivated_account_cannot_sign_in(client, patient):
    patient.user.is_active = False
    patient.user.save()
    client.post("/sign-in/", {"username": "ada@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session(patient_client):
    assert patient_client.get("/diary/").status_code == 200
    patient_client.post("/sign-out/")
    assert patient_client.get("/diary/").status_code == 302


def test_clinicians_land_on_their_panel(client, clinician):
    client.force_login(clinician)
    assert client.get("/")["Location"] == "/clinic/"


def test_clinic_admins_land_on_their_home_page(client, clinic_admin):
    client.force_login(clinic_admin)
    response = client.get("/")
    assert response.status_code == 200
    assert "Riverside Pain Clinic" in response.content.decode()


def test_pages_with_health_data_are_never_cached(patient_client):
    response = patient_client.get("/diary/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_pages_carry_a_strict_content_security_policy(patient_client):
    response = patient_client.get("/diary/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    html = response.content.decode()
    assert "<script>" not in html and "style=" not in html
