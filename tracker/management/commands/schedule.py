"""Run the schedule (tasks.py's cron jobs): one scheduler at a time, riding out a lost lock.
Replaces `crontask`, which exits (status 0) when Redis restarts (issue 19)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand

from ...scheduling import run_forever

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run_forever()
        except Exception:
            # Anything unexpected: said, and a non-zero exit for the supervisor to act on.
            log.exception("scheduler failed", extra={"event": "schedule_failed"})
            raise SystemExit(1) from None
