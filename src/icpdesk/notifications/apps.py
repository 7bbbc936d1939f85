from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "icpdesk.notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from icpdesk.cases.actions import case_transitioned
        from icpdesk.licenses import events
        from icpdesk.notifications import receivers

        # Both are sent after the commit: these only tell people what already happened.
        case_transitioned.connect(receivers.case_transitioned, dispatch_uid="notifications.case_transitioned")
        events.report_missed.connect(
            receivers.license_report_missed, dispatch_uid="notifications.license_report_missed"
        )
