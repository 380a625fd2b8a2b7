from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tracker import services
from tracker.models import Alert, Patient


class Command(BaseCommand):
    help = "Recompute the alerts of every patient (run daily: 'not logging' needs no entry)."

    def handle(self, *args: Any, **options: Any) -> None:
        before = Alert.objects.count()
        patients = 0
        for patient in Patient.objects.select_related("user").iterator():
            services.refresh_patient(patient)
            patients += 1
        raised = Alert.objects.count() - before
        self.stdout.write(f"Checked {patients} patients; {raised} new alerts.")
