"""Settings come from the environment, strictly parsed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ldn_tracker.settings import env_bool, env_int, env_list, env_str


def test_booleans_are_parsed_strictly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", default=False) is True
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", default=False)


def test_numbers_and_lists(monkeypatch):
    monkeypatch.setenv("X_NUM", "12a")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_LIST", "a.example, b.example,")
    assert env_list("X_LIST", []) == ["a.example", "b.example"]


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_str("X_SECRET") == "s3cret"
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="X_SECRET_FILE"):
        env_str("X_SECRET")


def test_production_refuses_to_start_without_a_secret_key():
    env = {"DJANGO_DEBUG": "false", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import ldn_tracker.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-with-plenty-of-entropy-0123456789",
    "DJANGO_ALLOWED_HOSTS": "ldn.example.org",
}


def production(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    return subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
         "'ldn_tracker.settings'; django.setup(); " + code],
        env={**base, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip


def test_production_keeps_security_state_in_the_database_without_redis():
    out = production(
        'from django.core.cache import caches; print(type(caches["default"]).__name__)'
    )
    assert out.stdout.strip() == "DatabaseCache", out.stderr


def test_production_uses_redis_when_told_and_starts():
    """Issue 8: with REDIS_URL set, start-up crashed (the redis package was missing)."""
    out = production(
        "from django.core.cache import caches; from django.core.cache.backends.redis import "
        "RedisCache; import redis; print(isinstance(caches['default'], RedisCache))",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert out.stdout.strip() == "True", out.stderr


def test_a_per_process_cache_is_refused_outside_development():
    from ldn_tracker.settings import require_shared_cache

    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with pytest.raises(ImproperlyConfigured, match="per process"):
        require_shared_cache(locmem, debug=False)
    require_shared_cache(locmem, debug=True)  # one developer, one process: fine


def test_a_malformed_trusted_proxy_stops_start_up():
    out = production("", DJANGO_TRUSTED_PROXIES="10.0.0.2,not-an-address")
    assert out.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES" in out.stderr


def test_allauths_limits_per_address_are_off_and_its_code_cap_stays():
    out = production(
        "from allauth.account import app_settings as s; "
        "print(s.RATE_LIMITS['login'], s.RATE_LIMITS['login_failed'])"
    )
    assert out.stdout.split() == ["None", "5/5m/key"], out.stderr


def test_loading_the_settings_writes_no_file_and_knows_nothing_of_tests(tmp_path):
    """issue 20: settings.py detected pytest and wrote .vapid-dev.key when imported. The
    development key is made on first use instead; the tests' settings live in tests/."""
    import os

    root = Path(__file__).resolve().parent.parent
    before = sorted(p.name for p in root.iterdir())
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = "import ldn_tracker.settings as s; print(s.DEBUG, s.TASKS_BACKEND, 'testserver' in s.ALLOWED_HOSTS)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["True", "database", "False"], out.stderr
    assert sorted(p.name for p in root.iterdir()) == before
    assert "pytest" not in (root / "ldn_tracker" / "settings.py").read_text()
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "tests.settings"  # the suite's own


def test_links_in_development_follow_the_port_make_run_serves_on():
    """`make run PORT=8200`: invite and reset links point at :8200 (issue 23)."""
    shown = "from django.conf import settings; print(settings.SITE_URL)"
    env = {"DJANGO_DEBUG": "true", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    result = production(shown, **env, PORT="8200")
    assert result.stdout.strip() == "http://127.0.0.1:8200", result.stderr
    result = production(shown, **env, PORT="8200", DJANGO_SITE_URL="https://ldn.example.org")
    assert result.stdout.strip() == "https://ldn.example.org"
