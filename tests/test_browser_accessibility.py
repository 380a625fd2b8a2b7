"""axe-core (npm) in real Chromium on every page of every role, on a phone and a desktop,
error states included (issue 12): no violations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .browser import sign_in, sign_in_staff
from .factories import PASSWORD, EntryFactory, diary_until_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations)"
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})" for v in found
    ]


def check(page, path: str | None, problems: dict[str, list[str]], label: str = "") -> None:  # type: ignore[no-untyped-def]
    """The page as a phone shows it, then as a desktop does (the same page, resized)."""
    if path is not None:
        page.goto(path)
    page.wait_for_load_state("networkidle")
    for size, viewport in SCREENS.items():
        page.set_viewport_size(viewport)
        # Two frames: the new layout is drawn (and charts have redrawn) before axe looks.
        page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
        found = violations(page)
        if found:
            problems[f"{label or path or page.url} ({size})"] = found
    page.set_viewport_size(SCREENS["phone"])


@pytest.fixture
def screen(browser, live_server, request):  # type: ignore[no-untyped-def]
    def open_screen():  # type: ignore[no-untyped-def]
        # The test injects axe as a script of its own, which the strict CSP would block.
        context = browser.new_context(
            viewport=SCREENS["phone"], base_url=live_server.url, bypass_csp=True
        )
        request.addfinalizer(context.close)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    return open_screen


def test_the_patients_pages(screen, patient):
    EntryFactory(patient=patient, date=patient.diary_today() - dt.timedelta(days=1))
    page, problems = screen(), {}
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    for path in ("/diary/", "/history/", "/trends/", "/settings/", "/accounts/password/change/",
                 "/accounts/2fa/", "/accounts/sessions/", "/accounts/email/", "/offline/",
                 "/enrolment/", "/card/", "/treatment/", "/plan/",
                 "/accounts/2fa/totp/activate/", "/history/?show=notes"):  # fmt: skip
        check(page, path, problems)
    page.goto("/plan/")
    page.get_by_label("Amount (mg)").fill("")
    page.get_by_role("button", name="Record the supply").click()
    page.get_by_text("Enter how much was dispensed.").wait_for()
    check(page, None, problems, "supply with errors")
    page.goto("/diary/")
    page.get_by_role("button", name="Save today").click()
    page.locator("#error-summary").wait_for()
    check(page, None, problems, "diary with errors")
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_today_while_stopped_and_with_the_gap_question(screen, patient):
    """The course's states on Today: the question about an unlogged gap, then stopped."""
    from tracker.models import TreatmentStop
    from tracker.services.status import refresh_patient

    today = patient.diary_today()
    for n in range(25, 32):
        EntryFactory(patient=patient, date=today - dt.timedelta(days=n))
    page, problems = screen(), {}
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    page.locator("#gap-question").wait_for()
    check(page, "/diary/", problems, "Today with the gap question")
    TreatmentStop.objects.create(
        patient=patient, on=today, reason="patient", reported_by=patient.user
    )
    refresh_patient(patient)
    check(page, "/diary/", problems, "Today while stopped")
    check(page, "/treatment/", problems, "restart page")
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_clinicians_pages(screen, clinician, patient):
    diary_until_review(patient, on={3: {"opioid_taken": True}})
    page, problems = screen(), {}
    sign_in_staff(page, clinician, PASSWORD)
    page.wait_for_url("**/clinic/")
    record = f"/clinic/patients/{patient.pk}/"
    for path in (
        "/clinic/",
        "/clinic/outcomes/",
        record,
        f"{record}review/",
        f"{record}prescription/",
        f"{record}summary/",
        f"{record}plan/",
        f"{record}questionnaires/",
        "/settings/",
    ):
        check(page, path, problems)
    page.goto(f"{record}review/")
    page.get_by_role("button", name="Record review").click()
    page.wait_for_load_state("networkidle")
    check(page, None, problems, "review with errors")
    page.goto(f"{record}prescription/")
    page.get_by_label("Dose (mg)").first.fill("99")
    page.get_by_role("button", name="Save prescription").click()
    check(page, None, problems, "prescription with errors")
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_clinic_admins_pages(screen, clinic_admin, patient):
    page, problems = screen(), {}
    sign_in_staff(page, clinic_admin, PASSWORD)
    page.wait_for_url("**/clinic-admin/")
    for path in (
        "/clinic-admin/",
        "/clinic-admin/invite/",
        "/clinic-admin/audit/",
        "/clinic-admin/sends/",
        "/clinic-admin/questionnaires/",
        "/settings/",
    ):
        check(page, path, problems)
    page.goto("/clinic-admin/invite/")
    page.get_by_role("button", name="Send invite").click()
    check(page, None, problems, "invite with errors")
    page.get_by_label("Clinician", exact=True).check()
    page.get_by_label("Email address").fill("newcomer@example.org")
    page.get_by_label("First name").fill("Nia")
    page.get_by_role("button", name="Send invite").click()
    page.get_by_text("Invite sent to newcomer@example.org.").wait_for()
    check(page, None, problems, "a message shown")  # issue 23: a flash message's list
    page.goto("/clinic-admin/")
    page.get_by_role("button", name="Deactivate Ada").first.click()
    page.get_by_role("heading", name="Deactivate Ada").wait_for()
    check(page, None, problems, "confirm deactivating")
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_pages_before_signing_in(screen, patient):
    from tracker.notifications import links

    page, problems = screen(), {}
    for path in ("/accounts/login/", "/accounts/password/reset/", "/invite/not-a-real-token/",
                 f"/reminders/stop/{links.stop_token(patient)}/", "/offline/", "/no-such-page/"):  # fmt: skip
        check(page, path, problems)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("ada@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign In").click()
    check(page, None, problems, "sign-in with errors")
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
