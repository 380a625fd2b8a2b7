"""The lockout and the client's address (SPEC §7, SPEC §9, issue 8): failures counted per
email and client address in shared storage, wrong codes included; behind a proxy the
client's own address, never one anybody can claim."""

from __future__ import annotations

import pytest
from django.test import Client

from tracker.models import AuditEvent

from .browser import totp_code
from .factories import PASSWORD

PROXY = "10.0.0.2"  # the reverse proxy in front of the app


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.TRUSTED_PROXY_COUNT = 1


def via_proxy(client_address: str, forwarded: str | None = None) -> Client:
    """A browser at `client_address`, reaching the app through the proxy (which appends
    the address it saw to whatever X-Forwarded-For the browser sent)."""
    chain = f"{forwarded}, {client_address}" if forwarded else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=chain)


# --- The client's address -----------------------------------------------------------------


def test_behind_a_trusted_proxy_the_audit_log_has_the_clients_address(behind_proxy, patient):
    browser = via_proxy("203.0.113.7")
    sign_in(browser, "ada@example.org")
    assert AuditEvent.objects.get(action="sign_in").ip == "203.0.113.7"


def test_what_a_client_claims_to_the_left_of_the_proxy_is_ignored(behind_proxy, patient):
    browser = via_proxy("203.0.113.7", forwarded="198.51.100.1")
    sign_in(browser, "ada@example.org")
    assert AuditEvent.objects.get(action="sign_in").ip == "203.0.113.7"


def test_without_a_trusted_proxy_forwarded_headers_are_not_believed(patient):
    browser = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    sign_in(browser, "ada@example.org")
    assert AuditEvent.objects.get(action="sign_in").ip == "203.0.113.7"


def test_a_forged_header_from_outside_the_proxy_is_not_believed(behind_proxy, patient):
    browser = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    sign_in(browser, "ada@example.org")
    assert AuditEvent.objects.get(action="sign_in").ip == "203.0.113.7"


# --- Everyone behind one address ----------------------------------------------------------


def test_strangers_failing_from_elsewhere_do_not_lock_out_a_patient(behind_proxy, patient):
    """Issue 8: behind the proxy everybody had its address, so 50 failures from strangers
    locked a real patient out. Her own phone, which she signed in on before, still works."""
    ada = via_proxy("203.0.113.7")
    sign_in(ada, "ada@example.org")
    ada.post("/accounts/logout/")
    for n in range(50):
        sign_in(via_proxy(f"198.51.100.{n + 1}"), "ada@example.org", "wrong password!!")
    sign_in(ada, "ada@example.org")
    assert signed_in(ada)


def test_guesses_spread_over_many_addresses_are_stopped_past_a_per_account_limit(
    behind_proxy, patient, settings
):
    """Issue 19: 40 wrong passwords from 40 addresses were all checked. Past the account's
    limit (10), a browser that never signed in to it is refused, the right password too,
    without the password being checked; the owner's known browser is not."""
    owner = via_proxy("203.0.113.7")
    sign_in(owner, "ada@example.org")
    owner.post("/accounts/logout/")
    answers = [
        sign_in(via_proxy(f"198.51.100.{n + 1}"), "ada@example.org", f"guess {n}")
        for n in range(40)
    ]
    refusal = "Too many wrong passwords for this account from new devices"
    assert [refusal in r.content.decode() for r in answers].count(True) == 30
    stranger = via_proxy("192.0.2.99")
    response = sign_in(stranger, "ada@example.org")  # the right password, a new browser
    assert refusal in response.content.decode() and not signed_in(stranger)
    sign_in(owner, "ada@example.org")
    assert signed_in(owner)


def test_failures_on_other_accounts_from_a_shared_address_lock_nobody_else_out(
    behind_proxy, patient
):
    """A clinic's network or a mobile carrier puts many people behind one address."""
    for n in range(50):
        sign_in(via_proxy("203.0.113.7"), f"stranger{n}@example.org", "wrong password!!")
    ada = via_proxy("203.0.113.7")
    sign_in(ada, "ada@example.org")
    assert signed_in(ada)


def test_failures_on_one_account_from_one_address_still_lock_it_there(behind_proxy, patient):
    for _ in range(5):
        sign_in(via_proxy("198.51.100.9"), "ada@example.org", "wrong password!!")
    attacker = via_proxy("198.51.100.9")
    assert sign_in(attacker, "ada@example.org").status_code == 429
    ada = via_proxy("203.0.113.7")
    sign_in(ada, "ada@example.org")
    assert signed_in(ada)


# --- Wrong codes ----------------------------------------------------------------------


def test_wrong_codes_are_audited_and_count_towards_the_lockout(client, clinician):
    sign_in(client, clinician.email)
    for _ in range(4):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert AuditEvent.objects.filter(action="mfa_failed", outcome="failed").count() == 4
    fifth = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert fifth.status_code == 429
    assert "Sign-in paused for 15 minutes" in fifth.content.decode()
    assert AuditEvent.objects.filter(action="locked_out", actor_email=clinician.email).exists()
    # Paused means paused: neither the right code nor the right password gets in now.
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(clinician.totp_secret)})
    assert not signed_in(client)
    other = Client()
    assert sign_in(other, clinician.email).status_code == 429
    assert not signed_in(other)


def test_a_wrong_code_names_the_account_it_was_for(client, clinician):
    sign_in(client, clinician.email)
    client.post("/accounts/2fa/authenticate/", {"code": "123456"}, REMOTE_ADDR="192.0.2.5")
    event = AuditEvent.objects.get(action="mfa_failed")
    assert (event.actor_email, event.subject, event.clinic, event.ip) == (
        clinician.email,
        clinician,
        clinician.clinic,
        "192.0.2.5",
    )


def test_a_code_works_once(client_class, clinician):
    """A used code is remembered in the shared cache: no second sign-in with it."""
    code = totp_code(clinician.totp_secret)
    first, second = client_class(), client_class()
    sign_in(first, clinician.email)
    first.post("/accounts/2fa/authenticate/", {"code": code})
    assert signed_in(first)
    sign_in(second, clinician.email)
    second.post("/accounts/2fa/authenticate/", {"code": code})
    assert not signed_in(second)
