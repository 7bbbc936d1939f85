"""Who may see which cases: case scoping, on top of the enterprise scoping.

A user sees the cases of the enterprises they may reach; the regulator sees
the cases of its province once they are filed. The rule itself is written once,
as a Q, in :mod:`icpdesk.enterprises.access` (the enterprise page lists its
cases through the same rule); here it becomes the case querysets. Views, the
API and the actions of this app and of the apps above it take their querysets
from here, which also offers the enterprise-level answers, so that one import
serves a module that needs both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from icpdesk.accounts.choices import Scope
from icpdesk.cases.models import Application
from icpdesk.enterprises.access import (
    case_filter,
    enterprise_filter,
    has_regulator_role,
    is_applicant_side,
    is_enterprise_owner,
    sees_personal_data,
    visible_enterprises,
)

if TYPE_CHECKING:
    from icpdesk.accounts.models import User

__all__ = [
    "case_filter",
    "enterprise_filter",
    "has_regulator_role",
    "is_applicant_side",
    "is_enterprise_owner",
    "sees_personal_data",
    "visible_applications",
    "visible_enterprises",
]


def visible_applications(user: User | Any, scope: str = Scope.VIEW) -> QuerySet[Application]:
    """The cases the user may reach with ``scope`` (``view`` by default).

    A scope narrows an agency to the clients whose mandate grants it; an
    enterprise's own members and the regulator are not narrowed by it.
    """
    condition = case_filter(user, scope)
    if condition is None:
        return Application.objects.none()
    return Application.objects.filter(condition)
