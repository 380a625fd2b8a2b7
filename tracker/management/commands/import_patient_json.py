from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tracker.exports.importing import ImportProblem, import_patient
from tracker.models import Clinic, User


class Command(BaseCommand):
    help = (
        "Move a patient here from another clinic: import their JSON export (Download my data) "
        "with the diary and every earlier version of each day. They then set a password "
        "with 'Forgotten your password?'."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The patient's JSON export.")
        parser.add_argument("--clinic", required=True, help="The clinic's name, as it is here.")
        parser.add_argument("--clinician", help="Email of the clinician who will look after them.")
        parser.add_argument("--email", help="Their email address here, if it changed.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from None
        clinic = Clinic.objects.filter(name=options["clinic"]).first()
        if clinic is None:
            raise CommandError(f"There is no clinic called {options['clinic']!r}.")
        clinician = None
        if options["clinician"]:
            clinician = User.objects.filter(
                email__iexact=options["clinician"], clinic=clinic, role=User.Role.CLINICIAN
            ).first()
            if clinician is None:
                raise CommandError(f"{options['clinician']} is not a clinician of {clinic}.")
        try:
            patient = import_patient(
                data, clinic=clinic, clinician=clinician, email=options["email"]
            )
        except (ImportProblem, KeyError, TypeError, ValueError) as error:
            raise CommandError(f"Not imported: {error}") from None
        days = patient.entries.count()
        self.stdout.write(f"Imported {patient.user.email} into {clinic}: {days} diary days.")
