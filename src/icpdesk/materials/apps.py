from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "icpdesk.materials"
    verbose_name = "Materials"
