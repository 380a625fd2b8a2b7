"""What every benchmark does first: a database to measure in, production settings, Django
set up and migrated, and browsers signed in as a real sign-in leaves them."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlparse


def prepare_environment(url: str) -> None:
    """Production settings (DEBUG off) on the database at `url`, created if missing."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "ldn_tracker.settings"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghij")
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "false"
    os.environ["DJANGO_STATIC_PLAIN"] = "true"  # no collectstatic needed
    # The test client's host, and this machine's for the load generator.
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    if url.startswith("postgres"):
        import psycopg

        parts = urlparse(url)
        name = parts.path.lstrip("/")
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')


def start(url: str) -> None:
    """`prepare_environment`, then Django set up and the database migrated."""
    prepare_environment(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def signed_in(user: Any) -> Any:
    """A test client signed in as `user`; for staff, with the second factor done (and an
    authenticator made if they have none), as the product's sign-in leaves it."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client

    from tracker.security.second_factor import (
        MFA_SESSION_KEY,
        has_authenticator,
        requires_second_factor,
    )

    client = Client()
    client.force_login(user)
    if requires_second_factor(user):
        if not has_authenticator(user):
            TOTP.activate(user, generate_totp_secret())
        session = client.session
        session[MFA_SESSION_KEY] = True
        session.save()
    return client
