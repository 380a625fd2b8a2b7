"""Error pages (issue 8): a body the server cannot read is a 400 with the product's own
page and its headers, logged as one line; a database outage is a 503 with Retry-After;
neither is ever a bare 500."""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

from .factories import valid_form_data

ATTACKER_BODIES = {
    "latin-1 form": (
        "application/x-www-form-urlencoded; charset=latin-1",
        "login=caf%E9&password=x",
    ),
    "over 1,000 fields": (
        "application/x-www-form-urlencoded",
        "&".join(f"f{i}=1" for i in range(1200)),
    ),
    "multipart without a boundary": ("multipart/form-data", "--yyy\r\nbroken"),
    "multipart with a broken boundary": ('multipart/form-data; boundary="a\x00b"', "--a\r\n"),
}


def csrf_client() -> tuple[Client, str]:
    """A browser that passes the CSRF check the real way (cookie and header), so the body
    is read where the attacker's was: in the CSRF middleware."""
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    return client, client.cookies["csrftoken"].value


@pytest.mark.parametrize("path", ["/accounts/login/", "/diary/", "/clinic-admin/invite/"])
@pytest.mark.parametrize("body", ATTACKER_BODIES, ids=str)
def test_an_unreadable_body_is_a_400_with_the_products_page(db, path, body, caplog):
    client, token = csrf_client()
    content_type, data = ATTACKER_BODIES[body]
    with caplog.at_level(logging.WARNING):
        response = client.post(
            path, data, content_type=content_type, headers={"X-CSRFToken": token}
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert "That request could not be read" in html and "Nothing was saved" in html
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(logged) == 1


@pytest.mark.parametrize("body", ATTACKER_BODIES, ids=str)
def test_a_client_error_is_logged_as_one_line_without_a_traceback(db, caplog, body):
    """As the console handler (settings.LOGGING) writes it: one line, no traceback."""
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    client, token = csrf_client()
    content_type, data = ATTACKER_BODIES[body]
    with caplog.at_level(logging.WARNING):
        client.post(
            "/accounts/login/", data, content_type=content_type, headers={"X-CSRFToken": token}
        )
    (record,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert console.filter(record)
    line = console.format(record)
    assert "\n" not in line and "Traceback" not in line, line


@pytest.mark.parametrize(
    ("field", "value"),
    [("sleep_hours", "1e28"), ("sleep_hours", "9" * 40), ("dose_mg", "1e28"), ("dose_mg", "-1e-28"),
     ("sleep_hours", "1e-28"), ("pain", "1e28"), ("time_taken", "99:99")],
)  # fmt: skip
def test_numbers_of_any_size_get_a_message_by_their_field(patient_client, patient, field, value):
    day = patient.diary_today()
    response = patient_client.post("/diary/", valid_form_data(day, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not patient.entries.exists()


@contextmanager
def database_down():
    """Every query fails as it does when the database server is unreachable."""

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    original = CursorWrapper.execute, CursorWrapper.executemany
    CursorWrapper.execute = CursorWrapper.executemany = refuse  # type: ignore[method-assign]
    try:
        yield
    finally:
        CursorWrapper.execute, CursorWrapper.executemany = original  # type: ignore[method-assign]


@pytest.mark.parametrize(
    ("method", "path", "htmx"),
    [("get", "/diary/", False), ("post", "/diary/", True), ("get", "/clinic/", False),
     ("get", "/history/", False), ("post", "/accounts/login/", False)],
)  # fmt: skip
def test_a_database_outage_is_a_503_that_says_to_try_again(patient, method, path, htmx):
    browser = Client(raise_request_exception=False)  # as a real server: no re-raise
    browser.force_login(patient.user)
    headers = {"HX-Request": "true"} if htmx else {}
    with database_down():
        response = getattr(browser, method)(path, headers=headers)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "briefly unavailable" in response.content.decode()
    assert "try again" in response.content.decode().lower()
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_diary_page_tells_the_patient_when_a_save_did_not_go_through(patient_client):
    html = patient_client.get("/diary/").content.decode()
    assert re.search(r'<script src="/static/js/diary\.js" defer nonce="[^"]+">', html)
    assert 'id="save-problem"' in html and 'role="alert"' in html


def test_every_script_carries_the_nonce_of_its_page(client, clinician, patient):
    """Issue 8: the summary's Chart.js tag had an empty nonce=\\"\\"."""
    from .factories import login

    login(client, clinician)
    for path in (
        f"/clinic/patients/{patient.pk}/summary/",
        f"/clinic/patients/{patient.pk}/",
        "/clinic/",
    ):
        response = client.get(path)
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        tags = re.findall(r"<script src=[^>]*>", response.content.decode())
        assert tags, path
        for tag in tags:
            assert f'nonce="{nonce}"' in tag, (path, tag)
