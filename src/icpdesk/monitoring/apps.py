from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "icpdesk.monitoring"
    label = "monitoring"
    verbose_name = "网站监测 / Site monitoring"
