from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "icpdesk.cases"
    verbose_name = "Cases"
