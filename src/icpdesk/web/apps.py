from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "icpdesk.web"
    verbose_name = "Desk"

    def ready(self) -> None:
        from icpdesk.web import checks  # noqa: F401  (registers the deploy checks)
