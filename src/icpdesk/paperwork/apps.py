from django.apps import AppConfig


class PaperworkConfig(AppConfig):
    name = "icpdesk.paperwork"
    verbose_name = "Paperwork"
