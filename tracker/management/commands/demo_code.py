from __future__ import annotations

import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker import demo


class Command(BaseCommand):
    help = "Print the demo staff's current two-factor code (development only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_code only runs in development (DJANGO_DEBUG=true).")
        code = format_hotp_value(hotp_value(demo.DEMO_TOTP_SECRET, int(time.time()) // 30))
        left = 30 - int(time.time()) % 30
        self.stdout.write(f"{code}  (valid for {left} more seconds; any demo clinician or admin)")
