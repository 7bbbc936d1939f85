from django.apps import AppConfig


class BulkConfig(AppConfig):
    name = "icpdesk.bulk"
    verbose_name = "Bulk work"
