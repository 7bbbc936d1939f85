from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "icpdesk.accounts"
    verbose_name = "Accounts"
