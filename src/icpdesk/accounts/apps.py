from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "icpdesk.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from icpdesk.accounts.two_factor import note_sign_in

        user_logged_in.connect(note_sign_in, dispatch_uid="icpdesk.accounts.two_factor.note_sign_in")
