"""The enterprise profile as the rule engine reads it, and running the rule pack on it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from icpdesk.core.rules import assess, parse_profile
from icpdesk.enterprises.models import Ban, EligibilityAssessment, Enterprise
from icpdesk.lib.packs import current_pack


def search_filter(query: str) -> Q:
    """Enterprises whose name, credit code or domain holds ``query``, typed the way people type them.

    A credit code may come with spaces or dashes and in lower case; a domain as
    an address (``https://shop.example.com/``). An empty query matches everything.
    """
    text = query.strip()
    if not text:
        return Q()
    found = Q(name__icontains=text)
    code = re.sub(r"[\s-]+", "", text).upper()
    if code:
        found |= Q(uscc__icontains=code)
    domain = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text.lower()).split("/", 1)[0].split(":", 1)[0].strip(".")
    if domain:
        found |= Q(domain__icontains=domain)
    return found


def build_profile(enterprise: Enterprise, on: date) -> dict[str, Any]:
    """The assess profile (the public contract of `icpdesk assess`) of a stored enterprise."""
    barred = Ban.barred_until(enterprise.uscc, on)
    return {
        "assessed_on": on.isoformat(),
        "enterprise": {
            "name": enterprise.name,
            "uscc": enterprise.uscc,
            "legal_form": enterprise.legal_form,
            "province": enterprise.province,
            "city": enterprise.city or None,
            "registered_on": enterprise.registered_on.isoformat() if enterprise.registered_on else None,
            "registered_capital_cny": enterprise.registered_capital_cny,
            "business_scope": enterprise.business_scope or None,
            "on_abnormal_list": enterprise.on_abnormal_list,
            "on_serious_violation_list": enterprise.on_serious_violation_list,
        },
        "website": {
            "domain": enterprise.domain or None,
            "domain_holder": enterprise.domain_holder or None,
            "icp_filing_number": enterprise.icp_filing_number or None,
            "server_regions": list(enterprise.server_regions or []),
            "modules": list(enterprise.modules or []),
            "content_compliant": enterprise.content_compliant,
            "third_party_merchants": enterprise.third_party_merchants,
            "services": list(enterprise.services or []),
        },
        "security_staff": [
            {
                "name": s.name,
                "id_number": s.id_number or None,
                "major": s.major or None,
                "certificates": list(s.certificates or []),
                "full_time": s.full_time,
                "insured_province": s.insured_province or None,
                "insured_months": s.insured_months,
            }
            for s in enterprise.security_staff.all()
        ],
        "capital_proof": {
            "verification_report": enterprise.capital_verification_report,
            "bank_statement_months": enterprise.bank_statement_months,
        },
        "history": {
            "violations": [
                {"date": v.date.isoformat(), "description": v.description}
                for v in enterprise.violations.all()
            ],
            "barred": barred is not None,
            "barred_until": barred.isoformat() if barred else None,
        },
    }


def assess_enterprise(
    enterprise: Enterprise, *, user: Any = None, on: date | None = None, lang: str = "zh-hans"
) -> EligibilityAssessment:
    """Run the desk's rule pack on the enterprise and keep the result with its date and pack version."""
    on = on or timezone.localdate()
    pack = current_pack()
    profile = parse_profile(build_profile(enterprise, on))
    result = assess(profile, pack, on=on, lang=lang).to_dict()
    return EligibilityAssessment.objects.create(
        enterprise=enterprise,
        assessed_on=on,
        rule_pack=pack.id,
        rule_pack_version=pack.version,
        verdict=result["verdict"],
        result=result,
        created_by=user if getattr(user, "pk", None) else None,
    )


def may_assess(user: Any, enterprise: Enterprise) -> bool:
    """Who may run an assessment (and keep it): the enterprise itself or an agency with a
    mandate to prepare, and the staff of the enterprise's provincial administration.
    A view-only mandate may read the kept result, not make one."""
    from icpdesk.accounts.choices import Role, Scope
    from icpdesk.enterprises import access

    if access.is_applicant_side(user, enterprise, Scope.PREPARE):
        return True
    return any(
        access.has_regulator_role(user, role, enterprise.province_code)
        for role in (Role.REVIEWER, Role.INSPECTOR, Role.APPROVER, Role.ADMIN)
    )


def run_assessment(user: Any, enterprise: Enterprise, *, lang: str = "zh-hans") -> EligibilityAssessment:
    """The one way pages and the API run an assessment: permission first, then the rule pack."""
    from icpdesk.lib.errors import Forbidden

    if not may_assess(user, enterprise):
        raise Forbidden(
            "您无权为该企业进行资格评估：需要企业本身、持有准备材料委托的代办机构或本省通信管理局。",
            "You may not assess this enterprise: the enterprise itself, an agency with a mandate "
            "to prepare, or the provincial administration must do it.",
        )
    return assess_enterprise(enterprise, user=user, lang=lang)
