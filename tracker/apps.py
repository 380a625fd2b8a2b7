from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "LDN Tracker"

    def ready(self) -> None:
        from . import security  # noqa: F401 (connects the sign-in signal receivers)
