from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "icpdesk.enterprises"
    verbose_name = "Enterprises"
