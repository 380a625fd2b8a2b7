"""The patient's phone, in real Chromium (SPEC §11, issue 12): every page fits the screen,
the app installs, a diary saved offline waits on the phone and is sent once, push can be
turned on, and a failed save says what is wrong where the patient is looking."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tracker.models import AuditEvent, DailyEntry, EntryRevision, PushSubscription

from .browser import CHROMIUM_ARGS, sign_in  # noqa: F401
from .factories import PASSWORD, EntryFactory
from .push_service import Phone, PushService, b64

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONES = [{"width": 320, "height": 640}, {"width": 390, "height": 844}]


def choose(page, legend: str, option: str) -> None:
    page.get_by_role("group", name=legend).get_by_text(option, exact=True).click()


def normal_day(page) -> None:  # type: ignore[no-untyped-def]
    """The five taps of an ordinary day, defaults kept, then Save: six in all."""
    page.get_by_role("group", name="Quick choices for hours slept").get_by_role(
        "button", name="7.5"
    ).click()
    choose(page, "How well did you sleep?", "Good")
    choose(page, "Dreams", "Normal")
    choose(page, "Pain, on average over the last 24 hours", "4")
    choose(page, "Mood", "7")
    page.get_by_role("button", name="Save today").click()


def signed_in_phone(browser, live_server, viewport, **options):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=viewport, base_url=live_server.url, **options)
    page = context.new_page()
    page.set_default_timeout(8_000)
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    return context, page


def fits(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", PHONES, ids=lambda v: f"{v['width']}px")
def test_no_patient_page_is_wider_than_the_phone(browser, live_server, patient, viewport):
    yesterday = patient.diary_today() - dt.timedelta(days=1)
    EntryFactory(patient=patient, date=yesterday, note="A long note with no spaces: " + "x" * 80)
    context, page = signed_in_phone(browser, live_server, viewport)
    for path in ("/diary/", f"/diary/?date={yesterday.isoformat()}", "/history/", "/trends/",
                 "/trends/?range=all", "/settings/", "/accounts/password/change/", "/accounts/2fa/",
                 "/accounts/sessions/", "/accounts/email/", "/enrolment/", "/treatment/",
                 "/plan/"):  # fmt: skip
        page.goto(path)
        assert fits(page), (path, page.evaluate("document.documentElement.scrollWidth"))
        sign_out = page.get_by_role("button", name="Sign out", exact=True)
        box = sign_out.bounding_box()
        assert box and box["x"] + box["width"] <= viewport["width"], path  # not clipped
    page.goto("/card/")  # the printable card: its own page, no navigation
    assert fits(page), ("/card/", page.evaluate("document.documentElement.scrollWidth"))
    page.goto("/diary/")
    page.get_by_label("Hours slept last night").fill("99")  # a failed save: errors shown
    page.get_by_role("button", name="Save today").click()
    page.locator("#error-summary").wait_for()
    assert fits(page)
    context.close()


@pytest.mark.parametrize("viewport", PHONES, ids=lambda v: f"{v['width']}px")
def test_a_0_to_10_scale_is_one_row_of_tappable_buttons(browser, live_server, patient, viewport):
    context, page = signed_in_phone(browser, live_server, viewport)
    labels = page.locator("fieldset.field--pain .choices label")
    boxes = [labels.nth(0).bounding_box(), labels.nth(10).bounding_box()]
    assert labels.count() == 11
    assert boxes[0] and boxes[1] and boxes[0]["y"] == boxes[1]["y"]  # one row
    assert min(b["width"] for b in boxes) >= 24 and min(b["height"] for b in boxes) >= 44
    context.close()


@pytest.mark.parametrize("viewport", PHONES, ids=lambda v: f"{v['width']}px")
def test_the_first_question_is_on_the_first_screen(browser, live_server, patient, viewport):
    context, page = signed_in_phone(browser, live_server, viewport)
    first = page.get_by_role("group", name="Did you take your LDN dose?")
    box = first.bounding_box()
    assert box and box["y"] + box["height"] <= viewport["height"]
    save = page.get_by_role("button", name="Save today").bounding_box()
    assert save and save["y"] + save["height"] <= viewport["height"]  # Save is always in reach
    context.close()


def test_a_normal_day_is_six_taps_and_no_typing(page, patient):
    """Defaults kept; sleep, quality, dreams, pain and mood set; then Save."""
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    normal_day(page)
    page.get_by_role("heading", name="Saved for").wait_for()
    entry = DailyEntry.objects.get(patient=patient)
    assert (entry.sleep_hours, entry.sleep_quality, entry.pain, entry.mood, entry.dose_mg) == (
        7.5,
        4,
        4,
        7,
        1.5,
    )
    assert entry.headache == 0 and entry.fatigue is None  # nothing carried over from another day


def test_a_liquid_patient_logs_a_normal_day_in_the_same_six_taps(page, patient):
    """issue 21: a liquid of 0.5 mg/mL, 1.5 mg a night: Today asks 3 mL, shows the mg it
    makes, and stores exactly the amount the form showed."""
    from decimal import Decimal

    from .factories import PrescriptionFactory

    PrescriptionFactory(
        patient=patient, dose_mg=Decimal("1.5"), formulation="liquid", dose_unit="ml",
        strength_mg=Decimal("0.5"), start_date=patient.diary_today() - dt.timedelta(days=3),
    )  # fmt: skip
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    assert page.viewport_size["width"] == 390
    shown = page.locator("input[name=dose_amount]").input_value()
    assert shown == "3"
    assert "3 mL = 1.5 mg" in page.locator(".dose-details summary").inner_text()
    normal_day(page)
    page.get_by_role("heading", name="Saved for").wait_for()
    assert "3 mL = 1.5 mg" in page.locator("#diary").inner_text()
    entry = DailyEntry.objects.get(patient=patient)
    assert (entry.dose_amount, entry.dose_unit, entry.dose_mg) == (
        Decimal(shown), "ml", Decimal("1.5"),
    )  # fmt: skip
    # Changing the amount shows the mg it makes before saving (the server stores it exactly).
    page.goto("/diary/")
    page.locator(".dose-details summary").click()
    page.locator("input[name=dose_amount]").fill("2.5")
    assert page.locator("output.dose-mg").inner_text() == "= 1.25 mg"


def test_a_failed_save_moves_focus_to_a_summary_that_links_to_each_field(page, patient):
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    page.get_by_label("Hours slept last night").fill("7.1")
    page.get_by_role("button", name="Save today").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert summary.get_attribute("role") == "alert"  # announced
    # htmx settles the swap (and runs onLoad, which moves the focus) a moment after it.
    page.wait_for_function("document.activeElement.id === 'error-summary'", timeout=3000)
    links = summary.get_by_role("link").all()
    assert {link.get_attribute("href") for link in links} >= {
        "#id_sleep_hours",
        "#id_sleep_quality_0",
        "#id_dreams_0",
        "#id_pain_0",
        "#id_mood_0",
    }
    summary.get_by_role(
        "link", name="Hours slept last night: Use quarter hours, e.g. 7, 7.25, 7.5 or 7.75."
    ).click()
    assert page.evaluate("document.activeElement.id") == "id_sleep_hours"


def test_a_backfilled_day_is_named_even_after_a_failed_save(page, patient):
    day = patient.diary_today() - dt.timedelta(days=2)
    name = f"{day:%A} {day.day} {day:%B}"
    sign_in(page, "ada@example.org", PASSWORD)
    page.goto(f"/diary/?date={day.isoformat()}")
    page.get_by_role("heading", name=name).wait_for()
    page.get_by_role("button", name=f"Save {day:%a} {day.day} {day:%b}").click()  # nothing chosen
    page.locator("#error-summary").wait_for()
    assert page.get_by_role("heading", name=name).is_visible()
    assert page.get_by_role("button", name=f"Save {day:%a} {day.day} {day:%b}").is_visible()


def test_times_read_in_24_hours_like_the_rest(page, patient):
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    page.locator("details.dose-details summary").click()
    field = page.get_by_label("Time taken")
    assert field.input_value() == "22:00"
    assert field.get_attribute("type") == "text"
    assert "22:00" in page.locator("details.dose-details summary").inner_text()


# --- Installable, and calm offline -------------------------------------------------------


def test_the_app_can_be_installed(page, patient):
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    state = page.evaluate("navigator.serviceWorker.ready.then((r) => r.active && r.active.state)")
    assert state in ("activating", "activated")
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(async (r) => "
        "({type: r.headers.get('content-type'), body: await r.json()}))"
    )
    assert manifest["type"] == "application/manifest+json"
    body = manifest["body"]
    assert (body["start_url"], body["display"], body["theme_color"]) == (
        "/diary/",
        "standalone",
        "#1f5f8b",
    )
    sizes = {(i["sizes"], i["purpose"]) for i in body["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in body["icons"]:
        assert page.evaluate(f"fetch('{icon['src']}').then((r) => r.status)") == 200
    assert page.locator("link[rel=apple-touch-icon]").count() == 1


def test_a_diary_saved_offline_waits_on_the_phone_and_is_sent_once(page, patient):
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    page.evaluate("navigator.serviceWorker.ready")
    page.get_by_role("group", name="Quick choices for hours slept").get_by_role(
        "button", name="7", exact=True
    ).click()
    choose(page, "How well did you sleep?", "Fair")
    choose(page, "Dreams", "None")
    choose(page, "Pain, on average over the last 24 hours", "5")
    choose(page, "Mood", "6")
    page.context.set_offline(True)
    page.get_by_role("button", name="Save today").click()
    page.get_by_text("Saved on this phone — will send when you are back online.").wait_for()
    assert not DailyEntry.objects.exists()
    kept = page.evaluate("window.ldnOutbox.get()")
    assert kept["entry"]["pain"] == "5"
    page.context.set_offline(False)
    page.get_by_role("heading", name="Saved for").wait_for()
    assert page.evaluate("window.ldnOutbox.get()") is None  # nothing left on the phone
    entry = DailyEntry.objects.get(patient=patient)
    assert (entry.pain, entry.version) == (5, 1)
    assert not EntryRevision.objects.exists()
    assert AuditEvent.objects.filter(action="save_entry").count() == 1


def test_a_second_send_of_the_same_entry_is_not_a_second_edit(page, patient):
    """The network dropped after the server saved it: the phone sends it again."""
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    for legend, option in [("How well did you sleep?", "Fair"), ("Dreams", "None"),
                           ("Pain, on average over the last 24 hours", "3"), ("Mood", "6")]:  # fmt: skip
        choose(page, legend, option)
    page.get_by_label("Hours slept last night").fill("8")
    form = page.evaluate(
        "Object.fromEntries(new FormData(document.querySelector('form.diary-form')))"
    )
    page.get_by_role("button", name="Save today").click()
    page.get_by_role("heading", name="Saved for").wait_for()
    page.evaluate("(entry) => window.ldnOutbox.put({entry})", form)  # as if the reply was lost
    with page.expect_response(
        lambda r: r.url.endswith("/diary/") and r.request.method == "POST"
    ) as sent:
        page.goto("/diary/")  # the kept entry goes again on load
    assert sent.value.ok
    for _ in range(100):  # the phone forgets it once the reply is read
        if page.evaluate("window.ldnOutbox.get()") is None:
            break
        page.wait_for_timeout(50)
    assert page.evaluate("window.ldnOutbox.get()") is None
    entry = DailyEntry.objects.get(patient=patient)
    assert entry.version == 1 and not EntryRevision.objects.exists()
    assert AuditEvent.objects.filter(action="save_entry").count() == 1


def test_signing_out_removes_what_the_phone_kept(page, patient):
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    page.evaluate("window.ldnOutbox.put({entry: {pain: '5'}})")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")
    sign_in(page, "ada@example.org", PASSWORD)
    page.wait_for_url("**/diary/")
    assert page.evaluate("window.ldnOutbox.get()") is None


# --- Push -------------------------------------------------------------------------------


def test_turning_on_push_stores_this_phones_subscription_and_a_push_arrives(
    browser, live_server, patient
):
    service = PushService()
    phone = Phone()
    endpoint = service.endpoint("chromium")
    context, page = signed_in_phone(browser, live_server, PHONES[1])
    context.grant_permissions(["notifications"])
    # Headless Chromium has no push service of its own to reach here: the browser's
    # subscribe() answers with this test's push service, as a phone's would with Google's.
    subscription = {"endpoint": endpoint, "keys": {"p256dh": phone.p256dh, "auth": b64(phone.auth)}}
    page.add_init_script(
        "PushManager.prototype.getSubscription = async function () { return null; };"
        f"PushManager.prototype.subscribe = async function () {{ const s = {json.dumps(subscription)};"
        " return { endpoint: s.endpoint, toJSON: () => s, unsubscribe: async () => true }; };"
    )
    page.goto("/settings/")
    page.get_by_role("button", name="Send reminders to this phone").click()
    page.get_by_text("This phone will get your reminders.").wait_for()
    stored = PushSubscription.objects.get()
    assert (stored.user, stored.endpoint) == (patient.user, endpoint)
    from tracker.models import Notification
    from tracker.notifications.channels import Message, PushChannel

    note = Notification.objects.create(
        kind="reminder", key="push", recipient=patient.user, channel="push"
    )
    PushChannel().send(
        note, Message("LDN Tracker", "Hello Ada,\n\nTime for today's diary.", "/diary/")
    )
    assert json.loads(phone.read(service.received[0][2]))["body"] == "Time for today's diary."
    service.close()
    context.close()


def test_the_app_installs_even_when_one_shell_file_is_missing(browser, live_server, patient):
    """issue 20: the service worker's install failed whole when one listed file did not load;
    now only the offline page is required."""
    context = browser.new_context(base_url=live_server.url, service_workers="allow")
    try:
        context.route("**/img/icon-192*", lambda route: route.fulfill(status=404))
        page = context.new_page()
        sign_in(page, "ada@example.org", PASSWORD)
        page.wait_for_url("**/diary/")
        state = page.evaluate(
            "navigator.serviceWorker.ready.then((r) => r.active && r.active.state)"
        )
        assert state in ("activating", "activated")
        cached = page.evaluate(
            "caches.keys().then((names) => caches.open(names[0]))"
            ".then((cache) => cache.keys()).then((reqs) => reqs.map((r) => new URL(r.url).pathname))"
        )
        assert "/offline/" in cached
        assert not any("icon-192" in path for path in cached)
    finally:
        context.close()
