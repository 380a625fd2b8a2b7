from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from tracker import audit
from tracker.models import AuditAction, Clinic, validate_time_zone
from tracker.services import invites


class Command(BaseCommand):
    help = "Create a clinic and invite its first clinic admin (the platform operator's job)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name", help="The clinic's name, e.g. 'Riverside Pain Clinic'.")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-first-name", required=True)
        parser.add_argument("--admin-last-name", default="")
        parser.add_argument(
            "--contact",
            default="",
            help="How patients reach the clinic (for their emergency card).",
        )
        parser.add_argument(
            "--time-zone",
            default="Europe/London",
            help="Where the clinic is: staff see times in it, e.g. Europe/Dublin.",
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help="Where the app is served, for the printed link (default: DJANGO_SITE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        try:
            validate_email(options["admin_email"])
        except ValidationError:
            raise CommandError(f"{options['admin_email']!r} is not an email address.") from None
        if not name:
            raise CommandError("The clinic needs a name.")
        try:
            validate_time_zone(options["time_zone"])
        except ValidationError as error:
            raise CommandError(error.messages[0]) from None
        if Clinic.objects.filter(name__iexact=name).exists():
            raise CommandError(f"A clinic called {name!r} already exists.")
        with transaction.atomic():
            clinic = Clinic.objects.create(
                name=name, time_zone=options["time_zone"], contact=options["contact"].strip()
            )
            audit.record(actor=None, clinic=clinic, action=AuditAction.CLINIC_CREATED, obj=clinic)
            try:
                _, token = invites.invite(
                    clinic=clinic,
                    by=None,
                    email=options["admin_email"],
                    role="clinic_admin",
                    first_name=options["admin_first_name"],
                    last_name=options["admin_last_name"],
                )
            except invites.InviteError as error:
                raise CommandError(str(error)) from None
        base = options["base_url"] or settings.SITE_URL
        link = base.rstrip("/") + f"/invite/{token}/"
        self.stdout.write(
            f"Created {clinic}. The first admin's invite (valid 72 hours) was emailed:"
        )
        self.stdout.write(f"  {link}")
