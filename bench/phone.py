"""Today's transfer on a cold phone load (issue 12): every byte Chromium receives for the
patient's Today page, compressed as production serves it (gunicorn, DEBUG off, static files
collected with whitenoise's gzip and brotli, HTML through the compression middleware),
from an empty cache. Chart.js is not on Today; it is reported apart if present.

    .venv/bin/python bench/phone.py [--port 8765]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--budget-kb", type=float, default=35)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ldn-phone-"))
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{work / 'phone.sqlite3'}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "phone-benchmark-only-secret-key-0123456789abcdefghijklmnopqrstu",
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "CHARTJS_SOURCE": "local",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "ldn_tracker.settings",
    }
    for name in ("DJANGO_STATIC_PLAIN", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)

    def manage(*command: str) -> None:
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603

    manage("migrate", "--noinput", "-v", "0")
    manage("collectstatic", "--noinput", "-v", "0")
    manage("shell", "-c", (
        "from tracker.models import Clinic, User, Patient, Prescription; import datetime as dt; "
        "c = Clinic.objects.create(name='Phone bench'); "
        "u = User.objects.create_user('phone@bench.example', 'phone-bench-password-2026', first_name='Pat', role='patient', clinic=c); "
        "p = Patient.objects.create(user=u, condition='fibromyalgia', reminders_asked=True, enrolment_answered_on=dt.date.today(), takes_opioids=False); "
        "Prescription.objects.create(patient=p, dose_mg='4.5', start_date=dt.date.today() - dt.timedelta(days=30))"
    ))  # fmt: skip
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "ldn_tracker.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", "1"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/health/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        measure(f"http://localhost:{args.port}", args.budget_kb)
    finally:
        server.terminate()
        server.wait(timeout=10)


def measure(base: str, budget_kb: float) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        signing_in = browser.new_context(viewport={"width": 390, "height": 844}, base_url=base)
        page = signing_in.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill("phone@bench.example")
        page.get_by_label("Password").fill("phone-bench-password-2026")
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url("**/diary/")
        cookies = signing_in.storage_state()["cookies"]
        # A cold phone: signed in, but nothing cached and no service worker yet.
        cold = browser.new_context(viewport={"width": 390, "height": 844}, base_url=base)
        cold.add_cookies(cookies)
        page = cold.new_page()
        responses = []
        page.on("requestfinished", lambda request: responses.append(request))
        page.goto("/diary/", wait_until="networkidle")
        page.wait_for_timeout(500)
        total = chart = 0.0
        print(f"{'bytes':>8}  encoding  resource")
        for request in responses:
            sizes = request.sizes()
            size = float(sizes["responseBodySize"] + sizes["responseHeadersSize"])
            response = request.response()
            encoding = (response.headers.get("content-encoding") if response else "") or "-"
            url = request.url.replace(base, "")
            if "chart" in url and "umd" in url:
                chart += size
                continue
            total += size
            print(f"{size:8.0f}  {encoding:<8}  {url}")
        print(f"Today, cold, on a phone: {total / 1024:.1f} KB over the network, headers included "
              f"(budget {budget_kb:.0f} KB: {'within' if total / 1024 <= budget_kb else 'OVER'})"
              + (f"; Chart.js {chart / 1024:.1f} KB more" if chart else ""))  # fmt: skip
        browser.close()


if __name__ == "__main__":
    main()
