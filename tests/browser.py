"""Real Chromium through Playwright for the journeys that matter (Debian's build; Playwright
never downloads a browser here). In CI a missing Chromium fails the test instead of skipping."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        message = "Chromium is not installed (apt-get install chromium)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # between page actions are still synchronous, so Django's async guard does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def track_requests(context: Any) -> set[Any]:
    """The requests this context has sent and not yet had answered."""
    pending: set[Any] = set()
    context.on("request", lambda request: pending.add(request))
    context.on("requestfinished", lambda request: pending.discard(request))
    context.on("requestfailed", lambda request: pending.discard(request))
    return pending


def settle(page: Any, pending: set[Any], timeout_ms: int = 5_000) -> None:
    """Wait until every request the test's pages sent has its answer, so the live server is
    not still writing (an offline diary sent on load, say) when the test database is flushed."""
    waited = 0
    while pending and waited < timeout_ms:
        page.wait_for_timeout(50)
        waited += 50


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    pending = track_requests(context)
    page = context.new_page()
    page.set_default_timeout(8_000)
    page.csp_errors = []
    page.on(
        "console",
        lambda msg: "Content Security Policy" in msg.text and page.csp_errors.append(msg.text),
    )
    yield page
    settle(page, pending)
    context.close()


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def totp_code(secret: str) -> str:
    """The authenticator app's current code, as the phone would show it."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    # Like a person who sees the code about to change: wait for the next one, so it is not
    # checked a moment after its 30 s ran out (no tolerance is allowed).
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in_staff(page: Any, user: Any, password: str) -> None:
    """Password, then the authenticator code: the two factors staff must use."""
    sign_in(page, user.email, password)
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(totp_code(user.totp_secret))
    page.get_by_role("button", name="Sign In").click()
