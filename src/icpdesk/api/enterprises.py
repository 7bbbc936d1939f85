"""Enterprises and their eligibility, scoped by :mod:`icpdesk.enterprises.access`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import translation
from ninja import Field as NinjaField
from ninja import Query, Router, Schema
from pydantic import ConfigDict

from icpdesk.api.auth import current_user
from icpdesk.api.errors import request_lang
from icpdesk.api.schemas import MAX_ID, AssessmentOut, EnterpriseOut, EnterprisePage, ErrorOut, In
from icpdesk.cases import access
from icpdesk.changes.display import action_label, field_changes
from icpdesk.changes.models import ChangeRecord
from icpdesk.core.identifiers import mask_id_number, mask_mobile
from icpdesk.enterprises import actions as enterprise_actions
from icpdesk.enterprises import services as enterprise_services
from icpdesk.enterprises.forms import EnterpriseForm, profile_form_data
from icpdesk.enterprises.models import EligibilityAssessment, Enterprise
from icpdesk.lib.errors import InvalidInput, NotFound

router = Router(tags=["enterprises"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class EnterpriseFilters(Schema):
    q: str = NinjaField("", max_length=200, description="name, credit code or domain contains")
    limit: int = NinjaField(50, ge=1, le=200)
    offset: int = NinjaField(0, ge=0, le=10**9)


def load_enterprise(request: HttpRequest, enterprise_id: int) -> Enterprise:
    """The enterprise if the user may see it; otherwise the same 404 as for none at all."""
    enterprise = None
    if 0 < enterprise_id <= MAX_ID:
        enterprise = access.visible_enterprises(current_user(request)).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFound("没有找到该企业。", "No such enterprise.")
    return enterprise


@router.get("/enterprises", response={200: EnterprisePage, **ERRORS}, summary="List enterprises")
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilters]) -> dict[str, Any]:
    qs = access.visible_enterprises(current_user(request))
    term = filters.q.strip()
    if term:
        qs = qs.filter(Q(name__icontains=term) | Q(uscc__icontains=term) | Q(domain__icontains=term))
    total = qs.count()
    rows = qs.order_by("name", "id").values(
        "id", "name", "uscc", "legal_form", "province_code", "city", "domain"
    )[filters.offset : filters.offset + filters.limit]
    return {"total": total, "limit": filters.limit, "offset": filters.offset, "items": list(rows)}


@router.get("/enterprises/{enterprise_id}", response={200: EnterpriseOut, **ERRORS}, summary="One enterprise")
def get_enterprise(request: HttpRequest, enterprise_id: int) -> dict[str, Any]:
    enterprise = load_enterprise(request, enterprise_id)
    unmasked = access.sees_personal_data(current_user(request), enterprise)

    def id_number(value: str) -> str:
        return value if unmasked else mask_id_number(value)

    def phone(value: str) -> str:
        return value if unmasked else mask_mobile(value)

    return {
        **{
            f: getattr(enterprise, f)
            for f in (
                "id",
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
        },
        "legal_rep_id_number": id_number(enterprise.legal_rep_id_number or ""),
        "contact_phone": phone(enterprise.contact_phone or ""),
        "personal_data_masked": not unmasked,
        "security_staff": [
            {
                "name": s.name,
                "id_number": id_number(s.id_number or ""),
                "phone": phone(s.phone or ""),
                "major": s.major,
                "certificates": list(s.certificates or []),
                "full_time": s.full_time,
                "insured_province": s.insured_province,
                "insured_months": s.insured_months,
            }
            for s in enterprise.security_staff.order_by("id")
        ],
        "violations": [
            {"date": v.date, "description": v.description} for v in enterprise.violations.order_by("date")
        ],
    }


def _assessment(a: EligibilityAssessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "enterprise_id": a.enterprise_id,
        "assessed_on": a.assessed_on,
        "rule_pack": a.rule_pack,
        "rule_pack_version": a.rule_pack_version,
        "verdict": a.verdict,
        "result": a.result,
    }


@router.post(
    "/enterprises/{enterprise_id}/eligibility",
    response={201: AssessmentOut, **ERRORS},
    summary="Assess eligibility now",
)
def run_assessment(request: HttpRequest, enterprise_id: int) -> tuple[int, dict[str, Any]]:
    user = current_user(request)
    enterprise = load_enterprise(request, enterprise_id)
    assessment = enterprise_services.run_assessment(user, enterprise, lang=request_lang(request))
    return 201, _assessment(assessment)


@router.get(
    "/enterprises/{enterprise_id}/eligibility",
    response={200: AssessmentOut, **ERRORS},
    summary="The latest kept assessment",
)
def latest_assessment(request: HttpRequest, enterprise_id: int) -> dict[str, Any]:
    enterprise = load_enterprise(request, enterprise_id)
    assessment = enterprise.assessments.order_by("-created_at", "-id").first()
    if assessment is None:
        raise NotFound("该企业尚未进行资格评估。", "The enterprise has not been assessed yet.")
    return _assessment(assessment)


# ------------------------------------------------------------------ changes


class ChangeFilters(Schema):
    limit: int = NinjaField(50, ge=1, le=200)
    offset: int = NinjaField(0, ge=0, le=10**9)


class FieldChangeOut(Schema):
    field: str
    label: str
    before: Any = None
    after: Any = None


class ChangeOut(Schema):
    id: int
    at: datetime
    actor: str
    request_id: str
    action: str
    action_label: str
    object_type: str | None
    object_id: int | None
    object_label: str
    changes: list[FieldChangeOut]


class ChangePage(Schema):
    total: int
    limit: int
    offset: int
    items: list[ChangeOut]


def _change(record: ChangeRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "at": record.at,
        "actor": record.actor_name,
        "request_id": record.request_id,
        "action": record.action,
        "action_label": action_label(record.action),
        "object_type": record.content_type.model if record.content_type is not None else None,
        "object_id": record.object_id,
        "object_label": record.object_label,
        "changes": [
            {"field": c.name, "label": c.label, "before": c.before, "after": c.after}
            for c in field_changes(record)
        ],
    }


@router.get(
    "/enterprises/{enterprise_id}/changes",
    response={200: ChangePage, **ERRORS},
    summary="The enterprise's change records, newest first",
    description="Who changed what and when, with the request id; ID numbers, mobiles and secrets "
    "are masked as they were recorded.",
)
def list_changes(request: HttpRequest, enterprise_id: int, filters: Query[ChangeFilters]) -> dict[str, Any]:
    enterprise = load_enterprise(request, enterprise_id)
    qs = ChangeRecord.objects.filter(enterprise_id=enterprise.pk)
    total = qs.count()
    rows = qs.select_related("content_type").order_by("-at", "-id")[
        filters.offset : filters.offset + filters.limit
    ]
    return {
        "total": total,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_change(r) for r in rows],
    }


# ------------------------------------------------------------------ editing


class EnterprisePatchIn(In):
    """The fields to change; those left out keep their value. The same checks as the profile page."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    uscc: str | None = None
    legal_form: str | None = None
    province: str | None = None
    city: str | None = None
    registered_on: date | None = None
    registered_capital_cny: int | None = None
    business_scope: str | None = None
    on_abnormal_list: bool | None = None
    on_serious_violation_list: bool | None = None
    legal_rep_name: str | None = None
    legal_rep_id_number: str | None = None
    contact_phone: str | None = None
    address: str | None = None
    domain: str | None = None
    domain_holder: str | None = None
    icp_filing_number: str | None = None
    server_regions: list[str] | None = None
    server_address: str | None = None
    modules: list[str] | None = None
    content_compliant: bool | None = None
    third_party_merchants: bool | None = None
    services: list[str] | None = None
    capital_verification_report: bool | None = None
    bank_statement_months: int | None = None


# Fields where null is an answer ("unknown" or "none"), not "leave as is".
NULLABLE = {
    "registered_on",
    "registered_capital_cny",
    "on_abnormal_list",
    "on_serious_violation_list",
    "content_compliant",
    "capital_verification_report",
}


@router.patch(
    "/enterprises/{enterprise_id}",
    response={200: EnterpriseOut, **ERRORS},
    summary="Change an enterprise's profile",
    description="Only the enterprise itself or an agency with a mandate to prepare. Each change is "
    "kept in the enterprise's change records (`GET /enterprises/{id}/changes`).",
)
def patch_enterprise(request: HttpRequest, enterprise_id: int, payload: EnterprisePatchIn) -> dict[str, Any]:
    user = current_user(request)
    enterprise = load_enterprise(request, enterprise_id)
    enterprise_actions.ensure_may_prepare(user, enterprise)
    sent = payload.model_dump(exclude_unset=True)
    for name, value in sent.items():
        if value is None and name not in NULLABLE:
            raise InvalidInput(f"{name} 不能为 null", f"{name} may not be null", field=name)
    current = {
        f: getattr(enterprise, f) for f in enterprise_actions.ENTERPRISE_FIELDS if f != "province_code"
    }
    with translation.override(request_lang(request)):
        form = EnterpriseForm(profile_form_data({**current, **sent}), instance=enterprise)
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            shown: str | None = {"services_text": "services", "__all__": None}.get(field, field)
            message = f"{shown}：{errors[0]}" if shown else str(errors[0])
            raise InvalidInput(message, message, field=shown)
        enterprise_actions.update_enterprise(user, enterprise, form.values())
    return get_enterprise(request, enterprise_id)
