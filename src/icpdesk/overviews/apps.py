from django.apps import AppConfig


class OverviewsConfig(AppConfig):
    name = "icpdesk.overviews"
    verbose_name = "Overviews"
