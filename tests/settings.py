"""The test suite's settings: the product's (ldn_tracker/settings.py, which knows nothing
of tests), with what only tests need. pytest-django loads this module (pyproject.toml);
processes a test starts run `manage.py` with the product's settings and their own
environment."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from ldn_tracker.settings import *  # noqa: F403
from ldn_tracker.settings import ALLOWED_HOSTS, REDIS_URL

ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]

# Background work runs in the request, unless a test asks for a real queue.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND") or "immediate"
if TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Parallel test workers each get a Redis database of their own to empty.
if REDIS_URL and os.environ.get("PYTEST_XDIST_WORKER"):
    worker = int(os.environ["PYTEST_XDIST_WORKER"].removeprefix("gw") or 0)
    REDIS_URL = urlsplit(REDIS_URL)._replace(path=f"/{1 + worker % 15}").geturl()
    CACHES = {
        "default": {
            "BACKEND": "tracker.cache.RedisWithDatabaseFallback",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }

# Plain static files, straight from the source folders (no collectstatic).
STATIC_PLAIN = WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A Web Push key of the suite's own, made in memory: nothing is written to disk.
PUSH_ALLOW_HTTP = True
if not os.environ.get("VAPID_PRIVATE_KEY"):
    from py_vapid import Vapid

    _vapid = Vapid()
    _vapid.generate_keys()
    VAPID_PRIVATE_KEY = _vapid.private_pem().decode()
VAPID_DEV_KEY_FILE = None

# PostgreSQL for tests: commits need not wait for the disk (a crash loses only test data),
# which the many committing browser and concurrency tests would otherwise wait for.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = (_options.get("options", "") + " -c synchronous_commit=off").strip()
