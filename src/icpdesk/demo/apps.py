from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "icpdesk.demo"
    verbose_name = "Demo data"
