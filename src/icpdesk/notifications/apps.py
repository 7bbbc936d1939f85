from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "icpdesk.notifications"
    verbose_name = "Notifications"
