"""The materials app's part in the case's transactions and on the case page.

Connected in :meth:`icpdesk.materials.apps.MaterialsConfig.ready`; see
:mod:`icpdesk.cases.hooks` and :mod:`icpdesk.cases.panels`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from icpdesk.cases.models import Application
from icpdesk.lib.errors import PreconditionFailed
from icpdesk.materials.completeness import checklist
from icpdesk.materials.services import missing_required


def refuse_filing_without_materials(sender: Any, application: Application, **kwargs: Any) -> None:
    """A case is filed only with a version of every required material (全: nothing missing)."""
    missing = missing_required(application)
    if missing:
        raise PreconditionFailed(
            "尚缺必交材料，不能申报：" + "、".join(m.name_zh for m in missing),
            "Required materials are missing: " + ", ".join(m.name_en for m in missing),
            field="materials",
            missing=[m.id for m in missing],
        )


def checklist_panel(request: HttpRequest, application: Application) -> dict[str, Any]:
    """The materials checklist of the case page."""
    return checklist(request.user, application)
