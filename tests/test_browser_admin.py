"""A clinic admin brings in a clinician and later removes them, in real Chromium."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tracker.models import User

from .browser import PHONE, sign_in, sign_in_staff, totp_code
from .factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "violet kettle orchard 42"


def test_an_admin_invites_a_clinician_who_sets_up_totp_and_is_later_deactivated(
    page, browser, live_server, clinic_admin
):
    sign_in_staff(page, clinic_admin, PASSWORD)
    page.wait_for_url("**/clinic-admin/")
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_role("group", name="Invite a").get_by_text("Clinician", exact=True).click()
    page.get_by_label("First name").fill("Noor")
    page.get_by_label("Last name").fill("Haddad")
    page.get_by_label("Email address").fill("noor@example.org")
    page.get_by_role("button", name="Send invite").click()
    page.get_by_text("Invite sent to noor@example.org").wait_for()
    link = re.search(r"http://[^/\s]+(/invite/\S+/)", mail.outbox[-1].body).group(1)

    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    noor = context.new_page()
    noor.goto(link)
    noor.get_by_label("Choose a password").fill(NEW_PASSWORD)
    noor.get_by_label("Type it again").fill(NEW_PASSWORD)
    noor.get_by_role("button", name="Set my password").click()
    noor.wait_for_url("**/accounts/login/")
    sign_in(noor, "noor@example.org", NEW_PASSWORD)
    noor.wait_for_url("**/accounts/2fa/totp/activate/")
    secret = noor.get_by_label("Authenticator secret").input_value()
    noor.get_by_label("Authenticator code").fill(totp_code(secret))
    noor.get_by_role("button", name="Activate").click()
    noor.wait_for_url("**/accounts/2fa/recovery-codes/")
    noor.get_by_role("heading", name="Your recovery codes").wait_for()  # the product's words
    noor.get_by_role("link", name="Continue to LDN Tracker").click()  # a way on (issue 23)
    noor.wait_for_url("**/clinic/")
    noor.get_by_role("heading", name="Your patients").wait_for()

    page.goto("/clinic-admin/")
    page.get_by_role("button", name="Deactivate Noor Haddad").click()
    page.get_by_role("heading", name="Deactivate Noor Haddad?").wait_for()  # asked first
    page.get_by_role("button", name="Deactivate Noor Haddad").click()
    page.get_by_text("Noor Haddad was deactivated").wait_for()
    assert not User.objects.get(email="noor@example.org").is_active

    noor.goto("/clinic/")
    noor.wait_for_url("**/accounts/login/**")
    assert page.csp_errors == []
    context.close()
