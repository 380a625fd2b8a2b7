from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "LDN Tracker"

    def ready(self) -> None:
        # Signal receivers: the second factor's session mark, failed codes counted by the
        # lockout, wrong passwords per account (device cookies), and the audit events of
        # signing in and out.
        from .security import devices, lockout, second_factor, sign_in_audit  # noqa: F401
