"""The reference bench/pages.py measures every page against (issue 24): a Django project of
its own with no apps, no middleware and one view, under the same gunicorn, so a page's
share of its requests per second is comparable with a bare Django view."""

SECRET_KEY = "bare-benchmark-only-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105 (no secrets here)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bare_project.urls"
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
