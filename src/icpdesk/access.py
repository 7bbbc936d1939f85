"""Who may see and do what: the one place every query is scoped.

A user sees the cases and enterprises of their own enterprise, of their
agency's clients under an active mandate, or of their regulator's province
(cases once they are filed, enterprises once they have filed a case); nothing
else exists for them (pages and the API answer 404). Views, the API
and the actions get their querysets from here and nowhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from icpdesk.accounts.choices import OrgKind, Role, Scope
from icpdesk.accounts.models import SCOPE_FIELDS, Mandate
from icpdesk.cases.models import Application
from icpdesk.core.lifecycle import State
from icpdesk.enterprises.models import Enterprise

if TYPE_CHECKING:
    from icpdesk.accounts.models import User


def _org(user: Any) -> Any:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.organisation


def enterprise_filter(user: User | Any, scope: str = Scope.VIEW, prefix: str = "") -> Q | None:
    """A Q on Enterprise (or on a model whose enterprise is at ``prefix``) for what the user may reach.

    ``None`` means nothing at all.
    """
    org = _org(user)
    if org is None:
        return None
    p = prefix
    if org.kind == OrgKind.REGULATOR:
        if not user.valid_roles() or not org.province_code:
            return None
        # An enterprise reaches the regulator with its first filed case: one that
        # has only drafts (or nothing) is the applicant side's own business.
        reached = _filed_cases(org.province_code).values("enterprise_id")
        key = f"{p}id__in" if p else "pk__in"
        return Q(**{f"{p}province_code": org.province_code, key: reached})
    if org.kind == OrgKind.AGENCY:
        if not user.valid_roles():
            return None
        mandates = Mandate.objects.filter(agency=org, revoked_at__isnull=True)
        if scope != Scope.VIEW:
            if scope not in SCOPE_FIELDS:
                return None  # an unknown scope reaches nothing
            mandates = mandates.filter(**{scope: True})
        key = f"{p}id__in" if p else "pk__in"
        return Q(**{key: mandates.values("enterprise_id")})
    if org.kind == OrgKind.ENTERPRISE:
        if not user.valid_roles():
            return None
        return Q(**{f"{p}organisation_id": org.pk})
    return None


def _filed_cases(province_code: str) -> QuerySet[Application]:
    """The cases of a province that have reached its regulator: every case but
    drafts and drafts withdrawn before they were filed."""
    return Application.objects.filter(province_code=province_code).exclude(
        Q(state=State.DRAFT) | Q(state=State.WITHDRAWN, filed_on__isnull=True)
    )


def visible_enterprises(user: User | Any, scope: str = Scope.VIEW) -> QuerySet[Enterprise]:
    condition = enterprise_filter(user, scope)
    if condition is None:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(condition)


def visible_applications(user: User | Any, scope: str = Scope.VIEW) -> QuerySet[Application]:
    org = _org(user)
    if org is None:
        return Application.objects.none()
    if org.kind == OrgKind.REGULATOR:
        if not user.valid_roles() or not org.province_code:
            return Application.objects.none()
        # A case reaches the regulator when it is filed: drafts (and drafts
        # withdrawn before filing) are the applicant's own work.
        return _filed_cases(org.province_code)
    condition = enterprise_filter(user, scope, prefix="enterprise__")
    if condition is None:
        return Application.objects.none()
    return Application.objects.filter(condition)


def is_applicant_side(user: User | Any, enterprise: Enterprise, scope: str) -> bool:
    """May the user act for this enterprise (own member, or agency with a mandate for ``scope``)?"""
    org = _org(user)
    if org is None:
        return False
    if org.kind == OrgKind.ENTERPRISE:
        return enterprise.organisation_id == org.pk and bool(user.valid_roles())
    if org.kind == OrgKind.AGENCY:
        if not user.valid_roles():
            return False
        mandate = Mandate.objects.filter(agency=org, enterprise=enterprise, revoked_at__isnull=True).first()
        return mandate is not None and mandate.allows(scope)
    return False


def has_regulator_role(user: User | Any, role: str, province_code: str) -> bool:
    org = _org(user)
    return (
        org is not None
        and org.kind == OrgKind.REGULATOR
        and org.province_code == province_code
        and role in user.valid_roles()
    )


def is_enterprise_owner(user: User | Any, enterprise: Enterprise) -> bool:
    org = _org(user)
    return (
        org is not None
        and org.kind == OrgKind.ENTERPRISE
        and enterprise.organisation_id == org.pk
        and Role.OWNER in user.valid_roles()
    )


def sees_personal_data(user: User | Any, enterprise: Enterprise) -> bool:
    """Who needs unmasked ID and phone numbers: the enterprise itself, its agency
    with a preparing mandate, and the regulator's staff of its province once it
    has filed a case."""
    org = _org(user)
    if org is None:
        return False
    if org.kind == OrgKind.REGULATOR:
        return (
            org.province_code == enterprise.province_code
            and bool(user.valid_roles())
            and _filed_cases(org.province_code).filter(enterprise=enterprise).exists()
        )
    return is_applicant_side(user, enterprise, Scope.PREPARE)
