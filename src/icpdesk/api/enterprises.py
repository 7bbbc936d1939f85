"""Enterprises and their eligibility, scoped by :mod:`icpdesk.enterprises.access`."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from icpdesk.accounts.choices import Role, Scope
from icpdesk.api.auth import current_user
from icpdesk.api.errors import request_lang
from icpdesk.api.schemas import MAX_ID, AssessmentOut, EnterpriseOut, EnterprisePage, ErrorOut
from icpdesk.cases import access
from icpdesk.core.identifiers import mask_id_number, mask_mobile
from icpdesk.enterprises.models import EligibilityAssessment, Enterprise
from icpdesk.enterprises.services import assess_enterprise
from icpdesk.lib.errors import Forbidden, NotFound

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


REGULATOR_ROLES = (Role.REVIEWER, Role.INSPECTOR, Role.APPROVER, Role.ADMIN)


@router.post(
    "/enterprises/{enterprise_id}/eligibility",
    response={201: AssessmentOut, **ERRORS},
    summary="Assess eligibility now",
)
def run_assessment(request: HttpRequest, enterprise_id: int) -> tuple[int, dict[str, Any]]:
    user = current_user(request)
    enterprise = load_enterprise(request, enterprise_id)
    may_assess = access.is_applicant_side(user, enterprise, Scope.PREPARE) or any(
        access.has_regulator_role(user, role, enterprise.province_code) for role in REGULATOR_ROLES
    )
    if not may_assess:
        raise Forbidden(
            "您无权为该企业进行资格评估：需要企业本身、持有准备材料委托的代办机构或本省通信管理局。",
            "You may not assess this enterprise: the enterprise itself, an agency with a mandate "
            "to prepare, or the provincial administration must do it.",
        )
    assessment = assess_enterprise(enterprise, user=user, lang=request_lang(request))
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
