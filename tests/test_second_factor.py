"""Two-factor sign-in (SPEC §7, issue 8): no page, allauth's included, serves a session
that owes a second factor, except the step that gives it; the Django admin signs in
through the product's sign-in."""

from __future__ import annotations

import io

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from tracker.models import User

from .browser import totp_code
from .factories import PASSWORD, UserFactory, with_totp


@pytest.fixture
def operator(db) -> User:
    """The platform operator: Django admin, no clinic."""
    return with_totp(User.objects.create_superuser("ops@example.org", PASSWORD))


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def sign_in_fully(client: Client, user: User) -> None:
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(user.totp_secret)})


def test_the_admins_own_login_form_makes_no_session(client, operator):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": operator.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not signed_in(client)
    final = client.get("/admin/", follow=True)
    assert final.redirect_chain[-1][0].startswith("/accounts/login/")


# The pages the attacker went through: re-authenticate with the password, make recovery
# codes, download them. None may answer a password-only session.
ATTACK_PATH = [
    "/accounts/reauthenticate/",
    "/accounts/2fa/reauthenticate/",
    "/accounts/2fa/recovery-codes/generate/",
    "/accounts/2fa/recovery-codes/download/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/2fa/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/sessions/",
    "/admin/",
]


@pytest.mark.parametrize("path", ATTACK_PATH)
@pytest.mark.parametrize("who", ["operator", "clinician", "clinic_admin"])
def test_a_password_only_session_is_ended_on_every_page(client, request, who, path):
    person = request.getfixturevalue(who)
    client.force_login(person)  # as the admin's login form used to leave it
    for method in ("get", "post"):
        client.force_login(person)
        response = getattr(client, method)(path)
        assert response.status_code == 302, (method, path)
        assert response["Location"] == "/accounts/login/"
        assert not signed_in(client)
    assert not Authenticator.objects.filter(user=person, type="recovery_codes").exists()


def test_a_patient_with_an_authenticator_must_use_it_too(client, patient):
    with_totp(patient.user)
    client.force_login(patient.user)
    assert client.get("/diary/")["Location"] == "/accounts/login/"
    assert not signed_in(client)


def test_a_patient_without_one_signs_in_with_the_password(client, patient):
    client.post("/accounts/login/", {"login": patient.user.email, "password": PASSWORD})
    assert client.get("/diary/").status_code == 200


def test_the_operator_reaches_the_admin_after_the_code(client, operator):
    sign_in_fully(client, operator)
    assert client.get("/admin/").status_code == 200


def test_an_operator_without_an_authenticator_is_sent_to_set_one_up(client, db):
    newcomer = User.objects.create_superuser("new-ops@example.org", PASSWORD)
    client.post("/accounts/login/", {"login": newcomer.email, "password": PASSWORD})
    for path in ("/admin/", "/accounts/2fa/recovery-codes/generate/", "/accounts/reauthenticate/"):
        assert client.get(path)["Location"] == "/accounts/2fa/totp/activate/", path
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def test_staff_without_an_authenticator_can_only_set_one_up_or_sign_out(client, clinic):
    newcomer = UserFactory(role="clinician", clinic=clinic)
    client.post("/accounts/login/", {"login": newcomer.email, "password": PASSWORD})
    assert client.get("/accounts/2fa/recovery-codes/generate/")["Location"] == (
        "/accounts/2fa/totp/activate/"
    )
    assert client.post("/accounts/logout/").status_code == 302
    assert not signed_in(client)


def test_the_operator_cannot_remove_their_authenticator(client, operator):
    sign_in_fully(client, operator)
    client.post("/accounts/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=operator, type="totp").exists()


@pytest.mark.django_db(transaction=True)  # the row lock is taken as in production
def test_staff_make_new_recovery_codes(client, clinician):
    """allauth locks the user row to make new codes; the clinic joined in by default once
    made PostgreSQL refuse the lock (a 500). The CI's PostgreSQL pass runs this for real."""
    sign_in_fully(client, clinician)
    response = client.post("/accounts/2fa/recovery-codes/generate/")
    assert response.status_code == 302, response.status_code
    assert Authenticator.objects.filter(user=clinician, type="recovery_codes").exists()


@pytest.mark.django_db(transaction=True)
def test_a_user_row_can_be_locked_with_its_clinic_loaded(clinician):
    from django.db import transaction

    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=clinician.pk)
    assert locked.clinic == clinician.clinic


def test_create_operator_makes_an_admin_account_that_sets_up_its_second_factor_first(
    client, db, monkeypatch
):
    from django.core.management import CommandError, call_command

    monkeypatch.setenv("OPERATOR_PASSWORD", PASSWORD)
    call_command("create_operator", "Ops@Example.org", stdout=io.StringIO())
    operator = User.objects.get(email="ops@example.org")
    assert operator.is_superuser and operator.is_staff and operator.clinic_id is None
    client.post("/accounts/login/", {"login": "ops@example.org", "password": PASSWORD})
    assert client.get("/admin/")["Location"] == "/accounts/2fa/totp/activate/"
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_operator", "ops@example.org")
    monkeypatch.setenv("OPERATOR_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        call_command("create_operator", "other@example.org")
    assert not User.objects.filter(email="other@example.org").exists()


def test_the_two_factor_pages_speak_the_products_words_and_lead_on(client, clinic, clinician):
    """Issue 23: allauth's "Activate Authenticator App" and a recovery-codes page with no
    way on; now what the step is, why, and Continue."""
    newcomer = UserFactory(role="clinician", clinic=clinic)
    client.post("/accounts/login/", {"login": newcomer.email, "password": PASSWORD})
    html = client.get("/accounts/2fa/totp/activate/").content.decode()
    assert "Set up two-factor sign-in" in html and "Authenticator App" not in html
    assert "Activate two-factor sign-in" in html and "recovery codes" in html
    client.post("/accounts/logout/")
    sign_in_fully(client, clinician)
    client.post("/accounts/2fa/recovery-codes/generate/")
    html = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert "Your recovery codes" in html and "Continue to LDN Tracker" in html
    assert 'href="/"' in html
