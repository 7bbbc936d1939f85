from django.apps import AppConfig


class LicensesConfig(AppConfig):
    name = "icpdesk.licenses"
    verbose_name = "Licenses"

    def ready(self) -> None:
        from icpdesk.cases import hooks, panels
        from icpdesk.licenses import case_hooks

        # Inside the issuing transaction: the certificate creates (or renews) the license.
        hooks.certificate_issued.connect(case_hooks.issue_license, dispatch_uid="licenses.issue_license")
        panels.register("license", case_hooks.license_panel)
