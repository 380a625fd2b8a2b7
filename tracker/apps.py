from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "LDN Tracker"

    def ready(self) -> None:
        # Signal receivers: the second factor's session mark, failed codes counted by the
        # lockout, wrong passwords per account (device cookies), and the audit events of
        # signing in and out.
        # The questionnaires are data (SPEC §14): a malformed definition stops start-up.
        from django.core.exceptions import ImproperlyConfigured

        from . import instruments
        from .security import devices, lockout, second_factor, sign_in_audit  # noqa: F401

        try:
            instruments.load()
        except instruments.BadDefinition as problem:
            raise ImproperlyConfigured(f"Questionnaire definition: {problem}") from problem
