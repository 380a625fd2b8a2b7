"""An email backend for the worker tests: the file backend, slowed down, so a test can kill
the worker while a message is being sent."""

from __future__ import annotations

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "6")))
        return super().send_messages(email_messages)
