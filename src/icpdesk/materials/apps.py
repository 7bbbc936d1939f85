from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "icpdesk.materials"
    verbose_name = "Materials"

    def ready(self) -> None:
        from icpdesk.cases import hooks, panels
        from icpdesk.materials import case_hooks

        # Inside the filing transaction: no filing while a required material is missing.
        hooks.filing_requested.connect(
            case_hooks.refuse_filing_without_materials, dispatch_uid="materials.refuse_filing"
        )
        panels.register("materials", case_hooks.checklist_panel)
