from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tracker.services.status import refresh_everyone


class Command(BaseCommand):
    help = (
        "Re-evaluate every patient and raise new alerts ('not logging' needs no entry). The "
        "worker's schedule runs this nightly; run it by hand after restoring a backup."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = refresh_everyone()
        self.stdout.write(
            f"Checked {run.checked} patients; {run.raised} new alerts; {run.failed} failed."
        )
        if run.failed:
            raise CommandError(f"{run.failed} patients could not be re-evaluated: see the log.")
