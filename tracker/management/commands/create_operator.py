"""The platform operator's account: the Django admin at /admin/ (clinics and accounts, no
diaries). It belongs to no clinic; its second factor is set up at its first sign-in, as for
all staff (tracker/security/second_factor.py)."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from tracker.models import User


class Command(BaseCommand):
    help = "Create the platform operator's account for /admin/ (asks for the password)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("--first-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"An account for {email} already exists.")
        # OPERATOR_PASSWORD for a script; otherwise asked for twice, never echoed.
        password = os.environ.get("OPERATOR_PASSWORD") or self._ask()
        user = User(email=email, first_name=options["first_name"], is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        User.objects.create_superuser(email, password, first_name=options["first_name"])
        self.stdout.write(
            f"Created the operator {email}. Sign in at /accounts/login/: the first sign-in "
            "sets up the second factor (an authenticator app), then opens /admin/."
        )

    def _ask(self) -> str:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password
