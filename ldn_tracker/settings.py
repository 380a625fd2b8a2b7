"""Settings for LDN Tracker: one module, everything that differs between machines from the
environment. Defaults suit a developer's laptop; production (DJANGO_DEBUG=false) refuses to
start without the secrets it needs."""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    """A setting from the environment, or from the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false.")


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env_str(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set when DJANGO_DEBUG is false."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's sessions page loads it
    "django.forms",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "django_tasks_db",
    "crontask",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tracker.security.compression.CompressionMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tracker.security.methods.OnlyGetAndPostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tracker.security.htmx.HtmxSignInRedirectMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tracker.security.idle.StaffIdleMiddleware",
    "tracker.security.second_factor.SecondFactorMiddleware",
    "tracker.security.headers.SecurityHeadersMiddleware",
    "tracker.security.devices.DeviceCookieMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "ldn_tracker.urls"
WSGI_APPLICATION = "ldn_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
FORM_RENDERER = "tracker.forms.rendering.FormRenderer"

try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60),
            conn_health_checks=True,
        )
    }
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a usable database address: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions avoid "database is locked" when two requests write at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too (not memory), so concurrent writers behave as they do in use.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds security state (used one-time codes, rate limits), so every process must
# share it: Redis when REDIS_URL is set, else a table in the database. Only a developer's
# single process may keep it in memory; production refuses to start with that.
REDIS_URL = env_str("REDIS_URL")
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis, falling back to the database cache while Redis cannot be reached, so
            # pages still answer and security state stays shared (tracker/cache.py).
            "BACKEND": "tracker.cache.RedisWithDatabaseFallback",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ldn_cache",
        }
    }


def require_shared_cache(caches: dict[str, Any], debug: bool) -> None:
    """Refuse a per-process cache outside development: with several workers, a one-time
    code could be used once per worker and wrong guesses counted per worker."""
    backend = caches["default"]["BACKEND"]
    if not debug and backend in PER_PROCESS_CACHES:
        raise ImproperlyConfigured(
            f"The cache {backend} keeps security state per process: set REDIS_URL, or use "
            "django.core.cache.backends.db.DatabaseCache, in production."
        )


require_shared_cache(CACHES, DEBUG)

# Sessions: with Redis, read from the cache and written through to the database (Django's
# cached_db), so a page does not query its session; ending one (signing out, deactivation)
# deletes it from both. Without Redis, the database's.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# Behind a reverse proxy: the addresses of the proxies that may tell us the client's address
# (X-Forwarded-For), and how many stand in a row. Nobody else's header is believed.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES", [])
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 1)
if TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be 1 or more.")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"DJANGO_TRUSTED_PROXIES: {_proxy!r} is not an address or network."
        ) from None

AUTH_USER_MODEL = "tracker.User"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",  # first: refuses locked-out sign-ins
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Accounts (django-allauth): email and password; no public sign-up (clinics invite people);
# TOTP two-factor with recovery codes, required for staff by tracker.middleware.
ACCOUNT_ADAPTER = "tracker.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"  # an invite link already proves the address
ACCOUNT_EMAIL_SUBJECT_PREFIX = "LDN Tracker: "
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Failed sign-ins are django-axes' to count, per email and client address (wrong codes
# included, security/lockout.py). allauth's own limits per address ("login", and the
# address part of "login_failed") would lock out everyone behind one shared address (a
# clinic's network, a mobile carrier's); its count per email for passwords is skipped by
# the adapter, since a stranger could use it to lock anyone out. What stays is its cap on
# second-factor codes per account: 5 in 5 minutes, from anywhere.
ACCOUNT_RATE_LIMITS = {"login": None, "login_failed": "5/5m/key"}
MFA_ADAPTER = "tracker.adapters.MFAAdapter"
MFA_FORMS = {"authenticate": "tracker.security.lockout.PausedAwareAuthenticateForm"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "LDN Tracker"
MFA_ALLOW_UNVERIFIED_EMAIL = True
USERSESSIONS_TRACK_ACTIVITY = False  # sessions are recorded at sign-in: enough to end them
STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 30)
INVITE_VALID_HOURS = 72

# Lockout (django-axes): per email address and client address, 15 minutes, reset by a good
# sign-in. Kept in the database, so every worker counts the same failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_CLIENT_IP_CALLABLE = "tracker.security.client_ip.axes_client_ip"
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "tracker.security.lockout.axes_username"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False
# Per account, whatever the address (security/devices.py): past this many wrong passwords
# in the window from browsers never signed in to the account, only those that have may try.
ACCOUNT_GUESS_LIMIT = env_int("ACCOUNT_GUESS_LIMIT", 10)
ACCOUNT_GUESS_WINDOW = timedelta(minutes=15)
DEVICE_COOKIE_NAME = "ldn-device"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS: list[Any] = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
# Development serves static files straight from the source folders (DJANGO_STATIC_PLAIN;
# production collects and compresses them, with hashed names).
STATIC_PLAIN = env_bool("DJANGO_STATIC_PLAIN", default=DEBUG)
WHITENOISE_USE_FINDERS = STATIC_PLAIN
WHITENOISE_AUTOREFRESH = STATIC_PLAIN
# Source maps are for a developer's tools, never a phone: not compressed at every deploy.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# Flash messages live in the session (its cookie is __Host- in production), not in a
# cookie of their own.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if STATIC_PLAIN
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Where links in emails and pushes point (the worker has no request to read it from); in
# development it follows `make run PORT=…`.
SITE_URL = (
    env_str("DJANGO_SITE_URL")
    or (f"http://127.0.0.1:{env_str('PORT') or '8000'}" if DEBUG else f"https://{ALLOWED_HOSTS[0]}")
).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"DJANGO_SITE_URL={SITE_URL!r} must start with https://.")

EMAIL_BACKEND_CLASS = env_str("EMAIL_BACKEND_CLASS") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
MAILERS: dict[str, Any] = {"default": {"BACKEND": EMAIL_BACKEND_CLASS}}
if EMAIL_BACKEND_CLASS.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 587),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", default=True),
        "timeout": 10,
    }
if EMAIL_BACKEND_CLASS.endswith("filebased.EmailBackend") or env_str("EMAIL_FILE_PATH"):
    # Messages as files (a test, or a demo without a mail server).
    MAILERS["default"]["OPTIONS"] = {
        "file_path": env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "LDN Tracker <no-reply@localhost>")

# Web Push (SPEC §11): the server's VAPID key, base64url (as `vapid --gen` prints it) or
# PEM. Without one, production offers no push (reminders go by email); a developer's
# machine makes one on first use and keeps it in VAPID_DEV_KEY_FILE, so subscriptions
# survive restarts (notifications/channels.py: nothing is written when settings load).
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY") or ""
VAPID_SUBJECT = env_str("VAPID_SUBJECT") or f"mailto:no-reply@{ALLOWED_HOSTS[0].strip('[]')}"
VAPID_DEV_KEY_FILE = BASE_DIR / ".vapid-dev.key" if DEBUG else None
# A push service on this machine (development and tests) may be plain http.
PUSH_ALLOW_HTTP = DEBUG

# Background work (Django's Tasks framework). "database": django-tasks-db, the embedded
# default, worked by `manage.py db_worker`; "redis": RQ through django-tasks-rq, worked by
# `manage.py rqworker --with-scheduler --job-class django_tasks_rq.Job`; "immediate": run
# in the request (tests). The schedule (tracker/tasks.py) runs in `manage.py schedule`.
TASKS_BACKEND = env_str("TASKS_BACKEND") or "database"
TASKS: dict[str, dict[str, Any]]
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=redis needs REDIS_URL.")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r}: use database, redis or immediate."
    )
# Two schedulers never both run where Redis can hold the lock; without it, sending stays
# idempotent anyway (one row per message, written before sending).
# The schedule (`manage.py schedule`, tracker/scheduling.py): with Redis, one scheduler at a
# time holds a lock it confirms every SCHEDULE_LOCK_REFRESH seconds; unconfirmed for
# SCHEDULE_LOCK_TIMEOUT seconds, the lock lapses and another scheduler may take over.
# `/health/` shows why a part failed only to a request bearing this token (the operator's).
HEALTH_TOKEN = env_str("HEALTH_TOKEN") or ""
# How often the scheduler sweeps the outbox (sends a worker never finished, or whose task
# the queue lost) and queues the workers' heartbeat; a pending send this many seconds past
# its time counts as lost.
SWEEP_SECONDS = env_int("SWEEP_SECONDS", 120)
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 60)
SEND_OVERDUE_SECONDS = env_int("SEND_OVERDUE_SECONDS", 30)
SCHEDULE_LOCK_REFRESH = env_int("SCHEDULE_LOCK_REFRESH", 5)
SCHEDULE_LOCK_TIMEOUT = env_int("SCHEDULE_LOCK_TIMEOUT", 10)
# A send claimed by a worker that then died is tried again after this long.
SEND_STALE_SECONDS = env_int("SEND_STALE_SECONDS", 600)

# Chart.js: from a CDN, pinned and checked with Subresource Integrity, or (CHARTJS_SOURCE=local,
# for offline clinics and tests) the copy `make vendor` installs from the npm registry. The
# hash is that of node_modules/chart.js/dist/chart.umd.min.js; a test keeps the two in step.
CHARTJS_VERSION = "4.6.1"
CHARTJS_INTEGRITY = "sha384-Emf5ZVIUiarAdhkgtqK+5/Z5qIvM6QoVrS+qAVtfyZVuD5lIHrac0me485+Antp0"
CHARTJS_CDN = "https://cdn.jsdelivr.net"
CHARTJS_CDN_URL = f"{CHARTJS_CDN}/npm/chart.js@{CHARTJS_VERSION}/dist/chart.umd.min.js"
CHARTJS_SOURCE = env_str("CHARTJS_SOURCE", "cdn")
if CHARTJS_SOURCE not in ("cdn", "local"):
    raise ImproperlyConfigured(f"CHARTJS_SOURCE={CHARTJS_SOURCE!r}: use cdn or local.")
CHARTJS_LOCAL_DIR = BASE_DIR / "node_modules" / "chart.js" / "dist"
# Only the file the pages load, served as static/vendor/chart.js/chart.umd.min.js.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "tracker.staticfinders.ChartJsFinder",
]

# A strict policy: no inline script or style anywhere; scripts only from here, with a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, *([CHARTJS_CDN] if CHARTJS_SOURCE == "cdn" else [])],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


def _static_headers(headers: Any, path: str, url: str) -> None:
    """Static files get the Permissions-Policy too: whitenoise serves them before the
    middleware that sets it on pages (tracker/security/headers.py) runs."""
    headers["Permissions-Policy"] = PERMISSIONS_POLICY


WHITENOISE_ADD_HEADERS_FUNCTION = _static_headers

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    DEVICE_COOKIE_NAME = "__Host-ldn-device"

# One line per event on stdout: JSON in production (LOG_FORMAT=json), readable text for a
# developer (LOG_FORMAT=text, the default with DEBUG). See tracker/logs.py.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "tracker.logs.ClientErrorsWithoutTraceback"}},
    "formatters": {
        "json": {"()": "tracker.logs.JsonFormatter"},
        "text": {"()": "tracker.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["client_errors"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handler would print its lines a second time: they reach ours anyway.
        "django": {"handlers": [], "level": env_str("LOG_LEVEL", "INFO"), "propagate": True},
        # django-axes says every success at INFO; its warnings (failures, lockouts) stay.
        "axes": {"level": "WARNING"},
    },
}
