from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "icpdesk.web"
    verbose_name = "Desk"
