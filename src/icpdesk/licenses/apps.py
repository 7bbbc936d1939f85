from django.apps import AppConfig


class LicensesConfig(AppConfig):
    name = "icpdesk.licenses"
    verbose_name = "Licenses"
