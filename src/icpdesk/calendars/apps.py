from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "icpdesk.calendars"
    verbose_name = _("节假日安排")
    default_auto_field = "django.db.models.BigAutoField"
