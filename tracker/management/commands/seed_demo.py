from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker import demo


class Command(BaseCommand):
    help = "Create the demo clinic with realistic diaries (development only; safe to re-run)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs in development (DJANGO_DEBUG=true): demo accounts with a "
                "published password must never exist in production."
            )
        patients, entries = demo.seed()
        if patients:
            self.stdout.write(f"Created {patients} demo patients with {entries} diary entries.")
        else:
            self.stdout.write("The demo clinic is already here; nothing to add.")
        self.stdout.write(f"\nDemo logins for {demo.CLINIC_NAME} (password: {demo.DEMO_PASSWORD})")
        for email, role, what in demo.logins():
            self.stdout.write(f"  {email:<42} {role:<13} {what}")
        self.stdout.write(
            "\nStaff sign in with a second factor: run `python manage.py demo_code` for the "
            f"current code, or add the secret {demo.DEMO_TOTP_SECRET} to an authenticator app."
        )
