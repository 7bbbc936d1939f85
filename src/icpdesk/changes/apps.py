from __future__ import annotations

from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "icpdesk.changes"
    verbose_name = "Changes"

    def ready(self) -> None:
        from icpdesk.changes.records import record_noted_change
        from icpdesk.lib.changelog import change_noted

        change_noted.connect(record_noted_change, dispatch_uid="icpdesk.changes.record_noted_change")
