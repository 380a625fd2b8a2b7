"""Requests per second of the signed-in pages against a bare Django view (issue 14; issue 24:
a Django project of its own, bench/bare_project, with no apps and no middleware, under the
same gunicorn): 2 workers each, production settings, wrk with 2 threads × 20 connections,
the pages interleaved with the bare view round after round. "app's stack" is the same
one-word view served through the app's middleware: the fixed cost every page pays.

    .venv/bin/python bench/pages.py [--rounds 3] [--seconds 5]
        [--database-url postgres://postgres@127.0.0.1:5432/ldn_bench] [--redis-url redis://127.0.0.1:6379/1]

The data: a clinician with 300 patients × 365 days of diary, one with 5, and 5,000 more
patients in the database (bench/panel.py and bench/outcomes.py make them, once). Today,
History and Trends are read as one of the 300 patients; the record is theirs. Needs wrk
(`apt-get install wrk`). Prints a table: requests per second, median latency under load,
and each page's share of the bare view's requests per second (1/x).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import common  # noqa: E402


def sessions() -> tuple[str, str, str, int, int]:
    """Session cookies for a patient and the two clinicians, and the record's patient id."""
    import outcomes
    import panel
    from django.conf import settings

    from tracker.models import Patient

    big = panel.generate(300, 365)
    small = panel.generate(5, 365)
    outcomes.generate(5000)
    patient = Patient.objects.filter(clinician=big).order_by("pk").first()
    assert patient is not None

    def cookie(user: object) -> str:
        return common.signed_in(user).cookies[settings.SESSION_COOKIE_NAME].value  # type: ignore[no-any-return]

    return (
        cookie(patient.user),
        cookie(big),
        cookie(small),
        patient.pk,
        Patient.objects.count(),
    )


def wrk(url: str, cookie: str | None, seconds: int) -> tuple[float, float]:
    from django.conf import settings

    command = ["wrk", "-t2", "-c20", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = [
            "-H",
            f"Cookie: {settings.SESSION_COOKIE_NAME}={cookie}",
            "-H",
            "Accept-Encoding: gzip",
        ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"50%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    latency = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} failed responses")
    return rps, latency


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ldn_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/1")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    common.prepare_environment(args.database_url)
    os.environ["REDIS_URL"] = args.redis_url
    os.environ.pop("DJANGO_STATIC_PLAIN", None)  # production static files (collected, compressed)
    os.environ["DJANGO_SETTINGS_MODULE"] = "with_bare_view"
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT / "bench"), str(ROOT)])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    patient_cookie, big_cookie, small_cookie, pk, total = sessions()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "ldn_tracker.wsgi", "--bind", f"127.0.0.1:{args.port}",
         "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env=os.environ,
    )  # fmt: skip
    # The reference: a Django project of its own (bench/bare_project: no apps, no
    # middleware, one view) under the same gunicorn, interleaved round by round (issue 24).
    bare_env = os.environ | {"DJANGO_SETTINGS_MODULE": "bare_project.settings"}
    bare_server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "bare_project.wsgi", "--bind",
         f"127.0.0.1:{args.port + 1}", "--workers", "2", "--log-level", "warning"],
        cwd=ROOT / "bench", env=bare_env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    bare_base = f"http://127.0.0.1:{args.port + 1}"
    pages = {
        "bare Django": (bare_base + "/", None),
        "app's stack": ("/bench/bare/", None),  # the same "ok" through the app's middleware
        "Today": ("/diary/", patient_cookie),
        "History": ("/history/", patient_cookie),
        "Trends": ("/trends/", patient_cookie),
        "panel (300)": ("/clinic/", big_cookie),
        "panel (5)": ("/clinic/", small_cookie),
        "record": (f"/clinic/patients/{pk}/", big_cookie),
    }
    try:
        for answering in (base + "/health/", bare_base + "/"):  # both servers are up
            for _ in range(100):
                try:
                    urllib.request.urlopen(answering, timeout=1)  # noqa: S310 (http, ours)
                    break
                except OSError:
                    time.sleep(0.2)
        for path, cookie in pages.values():  # warm every worker, and check each page answers
            url = path if path.startswith("http") else base + path
            request = urllib.request.Request(url)  # noqa: S310 (http, ours)
            if cookie:
                request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}")
            with urllib.request.urlopen(request) as response:  # noqa: S310
                assert response.status == 200 and response.url == url, (url, response.url)
            wrk(url, cookie, 1)
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in pages}
        for _ in range(args.rounds):
            for name, (path, cookie) in pages.items():
                url = path if path.startswith("http") else base + path
                results[name].append(wrk(url, cookie, args.seconds))
    finally:
        for running in (server, bare_server):
            running.terminate()
            running.wait(timeout=10)
    bare = statistics.median(r for r, _ in results["bare Django"])
    print(f"gunicorn 2 workers, wrk -t2 -c20, {args.rounds} × {args.seconds} s interleaved, "
          f"{total} patients in the database ({args.database_url.split(':')[0]})")  # fmt: skip
    print(f"{'page':<14}{'req/s':>9}{'median ms':>11}{'share of bare':>15}")
    for name, runs in results.items():
        rps = statistics.median(r for r, _ in runs)
        latency = statistics.median(lat for _, lat in runs)
        print(f"{name:<14}{rps:>9.0f}{latency:>11.1f}{'1/' + format(bare / rps, '.1f'):>15}")


if __name__ == "__main__":
    main()
