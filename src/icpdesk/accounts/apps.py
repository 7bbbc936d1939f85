from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "icpdesk.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from icpdesk.accounts import signals  # noqa: F401
