"""Who may see and act for an enterprise: the one place enterprise queries are scoped.

A user sees their own enterprise, their agency's clients under an active
mandate, or the enterprises of their regulator's province once they have filed
a case; nothing else exists for them (pages and the API answer 404). Case
scoping builds on this in :mod:`icpdesk.cases.access`.

The cases app sits above this one, so a filed case is found through the
``applications`` relation by its name (:func:`filed`), never by importing the
case model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from icpdesk.accounts.choices import OrgKind, Role, Scope
from icpdesk.accounts.models import SCOPE_FIELDS, Mandate
from icpdesk.core.lifecycle import State
from icpdesk.enterprises.models import Enterprise

if TYPE_CHECKING:
    from icpdesk.accounts.models import User

# Every state a case can be in once it was filed (a withdrawn case only if it was filed first).
_FILED_STATES = tuple(s.value for s in State if s not in (State.DRAFT, State.WITHDRAWN))


def filed(prefix: str = "") -> Q:
    """A Q on a case (or on the case relation at ``prefix``) for "it has reached its regulator".

    Every case but drafts and drafts withdrawn before they were filed. Written
    positively, so that across the ``applications`` relation it asks for one
    such case rather than excluding enterprises with any draft.
    """
    p = prefix
    return Q(**{f"{p}state__in": _FILED_STATES}) | Q(
        **{f"{p}state": State.WITHDRAWN.value, f"{p}filed_on__isnull": False}
    )


def organisation_of(user: User | Any) -> Any:
    """The organisation of an active, signed-in user; ``None`` for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.organisation


def enterprise_filter(user: User | Any, scope: str = Scope.VIEW, prefix: str = "") -> Q | None:
    """A Q on Enterprise (or on a model whose enterprise is at ``prefix``) for what the user may reach.

    ``None`` means nothing at all.
    """
    org = organisation_of(user)
    if org is None:
        return None
    p = prefix
    key = f"{p}id__in" if p else "pk__in"
    if org.kind == OrgKind.REGULATOR:
        if not user.valid_roles() or not org.province_code:
            return None
        # An enterprise reaches the regulator with its first filed case: one that
        # has only drafts (or nothing) is the applicant side's own business.
        # One filter() call, so both conditions hold for the same case.
        reached = Enterprise.objects.filter(
            Q(applications__province_code=org.province_code) & filed("applications__")
        ).values("pk")
        return Q(**{f"{p}province_code": org.province_code, key: reached})
    if org.kind == OrgKind.AGENCY:
        if not user.valid_roles():
            return None
        mandates = Mandate.objects.filter(agency=org, revoked_at__isnull=True)
        if scope != Scope.VIEW:
            if scope not in SCOPE_FIELDS:
                return None  # an unknown scope reaches nothing
            mandates = mandates.filter(**{scope: True})
        return Q(**{key: mandates.values("enterprise_id")})
    if org.kind == OrgKind.ENTERPRISE:
        if not user.valid_roles():
            return None
        return Q(**{f"{p}organisation_id": org.pk})
    return None


def visible_enterprises(user: User | Any, scope: str = Scope.VIEW) -> QuerySet[Enterprise]:
    condition = enterprise_filter(user, scope)
    if condition is None:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(condition)


def case_filter(user: User | Any, scope: str = Scope.VIEW) -> Q | None:
    """A Q on a case for the cases the user may reach with ``scope``; ``None`` means none.

    The regulator reaches the cases of its province once they are filed; everyone
    else the cases of the enterprises they reach (a scope narrows an agency to the
    clients whose mandate grants it).
    """
    org = organisation_of(user)
    if org is None:
        return None
    if org.kind == OrgKind.REGULATOR:
        if not user.valid_roles() or not org.province_code:
            return None
        # Drafts (and drafts withdrawn before filing) are the applicant's own work.
        return filed() & Q(province_code=org.province_code)
    return enterprise_filter(user, scope, prefix="enterprise__")


def cases_of(user: User | Any, enterprise: Enterprise) -> QuerySet[Any]:
    """The enterprise's cases that the user may see, for the enterprise's own page."""
    condition = case_filter(user)
    if condition is None:
        return enterprise.applications.none()
    return enterprise.applications.filter(condition)


def is_applicant_side(user: User | Any, enterprise: Enterprise, scope: str) -> bool:
    """May the user act for this enterprise (own member, or agency with a mandate for ``scope``)?"""
    org = organisation_of(user)
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
    org = organisation_of(user)
    return (
        org is not None
        and org.kind == OrgKind.REGULATOR
        and org.province_code == province_code
        and role in user.valid_roles()
    )


def is_enterprise_owner(user: User | Any, enterprise: Enterprise) -> bool:
    org = organisation_of(user)
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
    org = organisation_of(user)
    if org is None:
        return False
    if org.kind == OrgKind.REGULATOR:
        return (
            org.province_code == enterprise.province_code
            and bool(user.valid_roles())
            and enterprise.applications.filter(filed(), province_code=org.province_code).exists()
        )
    return is_applicant_side(user, enterprise, Scope.PREPARE)
