"""One action per write of an enterprise's profile: the profile, a new client, security staff, violations.

Each action checks that the user may see the enterprise (else NotFound, the
same answer as for none) and may prepare for it (the enterprise itself, or an
agency whose mandate covers preparing; else Forbidden), writes in one
transaction with one change record per object written, and leaves the
``change_recorded`` events to go out after the commit. Pages and the API parse
and validate the input (the forms), then call one of these.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from icpdesk.accounts.choices import OrgKind, Scope
from icpdesk.accounts.models import Mandate, Organisation, User
from icpdesk.changes.records import diff, record_change, snapshot
from icpdesk.core.identifiers import mask_id_number
from icpdesk.enterprises import access
from icpdesk.enterprises.models import Enterprise, SecurityStaff, Violation
from icpdesk.lib.errors import Forbidden, InvalidInput, NotFound

# What the profile form writes (the form's fields, plus what it derives).
ENTERPRISE_FIELDS = (
    "name",
    "uscc",
    "legal_form",
    "province",
    "province_code",
    "city",
    "registered_on",
    "registered_capital_cny",
    "business_scope",
    "on_abnormal_list",
    "on_serious_violation_list",
    "legal_rep_name",
    "legal_rep_id_number",
    "contact_phone",
    "address",
    "domain",
    "domain_holder",
    "icp_filing_number",
    "server_regions",
    "server_address",
    "modules",
    "content_compliant",
    "third_party_merchants",
    "services",
    "capital_verification_report",
    "bank_statement_months",
)
STAFF_FIELDS = (
    "name",
    "id_number",
    "phone",
    "major",
    "certificates",
    "full_time",
    "insured_province",
    "insured_months",
)
VIOLATION_FIELDS = ("date", "description")
MANDATE_FIELDS = ("agency", "prepare", "file", "answer_supplement", "annual_and_changes")

DUPLICATE_USCC = ("已有企业使用此统一社会信用代码", "Another enterprise already has this credit code.")


def ensure_may_prepare(user: User | Any, enterprise: Enterprise) -> None:
    """NotFound when the user may not see the enterprise, Forbidden when they may not change its profile."""
    if not access.visible_enterprises(user).filter(pk=enterprise.pk).exists():
        raise NotFound("没有找到该企业。", "No such enterprise.")
    if not access.is_applicant_side(user, enterprise, Scope.PREPARE):
        raise Forbidden(
            "只有企业本身或持有“准备材料”委托的代办机构可以修改企业资料。",
            "Only the enterprise itself or an agency with a mandate to prepare may change its profile.",
        )


def _assign(obj: Any, values: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise InvalidInput(
            f"不能修改字段：{unknown[0]}", f"Field {unknown[0]} cannot be set.", field=unknown[0]
        )
    for name, value in values.items():
        setattr(obj, name, value)


def _save_unique(obj: Any) -> None:
    """Save; a credit code already taken (the form checks, a racing writer may not) is a field error."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise InvalidInput(*DUPLICATE_USCC, field="uscc") from None


# ------------------------------------------------------------------ profile


@transaction.atomic
def update_enterprise(user: User | Any, enterprise: Enterprise, values: Mapping[str, Any]) -> Enterprise:
    """Change the profile's fields to ``values``; nothing is written when nothing differs."""
    ensure_may_prepare(user, enterprise)
    current = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before = snapshot(current, ENTERPRISE_FIELDS)
    _assign(current, values, ENTERPRISE_FIELDS)
    old, new = diff(before, snapshot(current, ENTERPRISE_FIELDS))
    if old or new:
        _save_unique(current)
        record_change(user, current, "enterprise.update", old, new, enterprise=current)
    return current


@transaction.atomic
def create_client(user: User | Any, values: Mapping[str, Any]) -> Enterprise:
    """An agency's new client: the enterprise, its organisation and the agency's mandate for every scope."""
    agency = user.organisation if getattr(user, "is_authenticated", False) else None
    if agency is None or agency.kind != OrgKind.AGENCY or not user.valid_roles():
        raise Forbidden(
            "只有代办机构的顾问可以新建客户企业；企业用户请编辑本企业资料。",
            "Only an agency's consultants create client enterprises; an enterprise edits its own profile.",
        )
    enterprise = Enterprise()
    _assign(enterprise, values, ENTERPRISE_FIELDS)
    if Enterprise.objects.filter(uscc=enterprise.uscc).exists():
        raise InvalidInput(*DUPLICATE_USCC, field="uscc")
    enterprise.organisation = Organisation.objects.create(
        kind=OrgKind.ENTERPRISE, name=enterprise.name, province_code=enterprise.province_code
    )
    _save_unique(enterprise)
    mandate = Mandate.objects.create(agency=agency, enterprise=enterprise, granted_by=user)
    record_change(
        user,
        enterprise,
        "enterprise.create",
        {},
        snapshot(enterprise, ENTERPRISE_FIELDS),
        enterprise=enterprise,
    )
    record_change(
        user, mandate, "mandate.grant", {}, snapshot(mandate, MANDATE_FIELDS), enterprise=enterprise
    )
    return enterprise


# ----------------------------------------------------------- security staff


@transaction.atomic
def create_security_staff(
    user: User | Any, enterprise: Enterprise, values: Mapping[str, Any]
) -> SecurityStaff:
    ensure_may_prepare(user, enterprise)
    staff = SecurityStaff(enterprise=enterprise)
    _assign(staff, values, STAFF_FIELDS)
    _derive_masked_id(staff)
    staff.save()
    after = snapshot(staff, STAFF_FIELDS)
    record_change(user, staff, "security_staff.create", {}, after, enterprise=enterprise)
    return staff


@transaction.atomic
def update_security_staff(user: User | Any, staff: SecurityStaff, values: Mapping[str, Any]) -> SecurityStaff:
    enterprise = staff.enterprise
    ensure_may_prepare(user, enterprise)
    current = SecurityStaff.objects.select_for_update().get(pk=staff.pk, enterprise=enterprise)
    before = snapshot(current, STAFF_FIELDS)
    _assign(current, values, STAFF_FIELDS)
    old, new = diff(before, snapshot(current, STAFF_FIELDS))
    if old or new:
        _derive_masked_id(current)
        current.save()
        record_change(user, current, "security_staff.update", old, new, enterprise=enterprise)
    return current


def _derive_masked_id(staff: SecurityStaff) -> None:
    # Kept beside the encrypted number so lists show it without decrypting.
    staff.id_number_masked = mask_id_number(staff.id_number) if staff.id_number else ""


@transaction.atomic
def delete_security_staff(user: User | Any, staff: SecurityStaff) -> None:
    enterprise = staff.enterprise
    ensure_may_prepare(user, enterprise)
    current = SecurityStaff.objects.select_for_update().filter(pk=staff.pk, enterprise=enterprise).first()
    if current is None:
        raise NotFound("没有找到该安全责任人。", "No such security staff member.")
    record_change(
        user, current, "security_staff.delete", snapshot(current, STAFF_FIELDS), {}, enterprise=enterprise
    )
    current.delete()


# --------------------------------------------------------------- violations


@transaction.atomic
def create_violation(user: User | Any, enterprise: Enterprise, values: Mapping[str, Any]) -> Violation:
    ensure_may_prepare(user, enterprise)
    violation = Violation(enterprise=enterprise)
    _assign(violation, values, VIOLATION_FIELDS)
    violation.save()
    record_change(
        user,
        violation,
        "violation.create",
        {},
        snapshot(violation, VIOLATION_FIELDS),
        enterprise=enterprise,
        label=_violation_label(violation),
    )
    return violation


@transaction.atomic
def delete_violation(user: User | Any, violation: Violation) -> None:
    enterprise = violation.enterprise
    ensure_may_prepare(user, enterprise)
    current = Violation.objects.select_for_update().filter(pk=violation.pk, enterprise=enterprise).first()
    if current is None:
        raise NotFound("没有找到该违规记录。", "No such violation.")
    record_change(
        user,
        current,
        "violation.delete",
        snapshot(current, VIOLATION_FIELDS),
        {},
        enterprise=enterprise,
        label=_violation_label(current),
    )
    current.delete()


def _violation_label(violation: Violation) -> str:
    return f"{violation.date} {violation.description}"


# ----------------------------------------------------------------- mandates
# Here rather than in accounts: who may grant is who owns the enterprise, and
# the record belongs on the enterprise's page.

OWNER_ONLY = (
    "只有企业负责人可以授予或撤销委托。",
    "Only the enterprise's owner grants and revokes mandates.",
)


@transaction.atomic
def grant_mandate(
    user: User | Any, enterprise: Enterprise, agency: Organisation, scopes: Mapping[str, bool]
) -> Mandate:
    """The owner gives an agency a mandate for ``scopes`` (every other scope is off)."""
    if not access.visible_enterprises(user).filter(pk=enterprise.pk).exists():
        raise NotFound("没有找到该企业。", "No such enterprise.")
    if not access.is_enterprise_owner(user, enterprise):
        raise Forbidden(*OWNER_ONLY)
    if agency.kind != OrgKind.AGENCY:
        raise InvalidInput("没有这个代办机构", "No such agency.", field="agency")
    unknown = sorted(set(scopes) - set(MANDATE_FIELDS[1:]))
    if unknown:
        raise InvalidInput(
            f"没有这个委托范围：{unknown[0]}", f"No such scope: {unknown[0]}.", field=unknown[0]
        )
    try:
        with transaction.atomic():
            mandate = Mandate.objects.create(
                agency=agency,
                enterprise=enterprise,
                granted_by=user,
                **{name: bool(scopes.get(name, False)) for name in MANDATE_FIELDS[1:]},
            )
    except IntegrityError:
        raise InvalidInput(
            "该代办机构已持有本企业的有效委托。",
            "The agency already holds an active mandate of this enterprise.",
            field="agency",
        ) from None
    record_change(
        user, mandate, "mandate.grant", {}, snapshot(mandate, MANDATE_FIELDS), enterprise=enterprise
    )
    return mandate


@transaction.atomic
def revoke_mandate(user: User | Any, mandate: Mandate) -> bool:
    """End the mandate now; ``False`` when it was already revoked (nothing is written then)."""
    enterprise = mandate.enterprise
    if not access.visible_enterprises(user).filter(pk=enterprise.pk).exists():
        raise NotFound("没有找到该委托。", "No such mandate.")
    if not access.is_enterprise_owner(user, enterprise):
        raise Forbidden(*OWNER_ONLY)
    now = timezone.now()
    # A conditional update: of two owners revoking at once, one writes the revocation.
    revoked = Mandate.objects.filter(pk=mandate.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=user
    )
    if not revoked:
        return False
    mandate.refresh_from_db()
    record_change(
        user,
        mandate,
        "mandate.revoke",
        {"revoked_at": None, "revoked_by": None},
        snapshot(mandate, ("revoked_at", "revoked_by")),
        enterprise=enterprise,
    )
    return True
