"""Shared bits of the enterprise page tests: personas by name and a complete profile form."""

from __future__ import annotations

from typing import Any

from django.test import Client

from icpdesk.enterprises.models import Enterprise
from tests.factories import Personas

PERSONA_NAMES = [
    "applicant",
    "member",
    "consultant",
    "reviewer",
    "inspector",
    "approver",
    "outsider",
    "other_reviewer",
    "anonymous",
]


def client_for(client: Client, personas: Personas, name: str) -> Client:
    if name != "anonymous":
        client.force_login(getattr(personas, name))
    return client


def is_login_redirect(response: Any) -> bool:
    return bool(response.status_code == 302 and response["Location"].startswith("/accounts/login/"))


def profile_data(enterprise: Enterprise, **overrides: Any) -> dict[str, Any]:
    """Everything the edit form posts, as it stands, with ``overrides``."""

    def tri(value: bool | None) -> str:
        return "unknown" if value is None else "true" if value else "false"

    data: dict[str, Any] = {
        "name": enterprise.name,
        "uscc": enterprise.uscc,
        "legal_form": enterprise.legal_form,
        "province": enterprise.province,
        "city": enterprise.city,
        "registered_on": enterprise.registered_on.isoformat() if enterprise.registered_on else "",
        "registered_capital_cny": enterprise.registered_capital_cny or "",
        "business_scope": enterprise.business_scope,
        "on_abnormal_list": tri(enterprise.on_abnormal_list),
        "on_serious_violation_list": tri(enterprise.on_serious_violation_list),
        "legal_rep_name": enterprise.legal_rep_name,
        "legal_rep_id_number": enterprise.legal_rep_id_number,
        "contact_phone": enterprise.contact_phone,
        "address": enterprise.address,
        "domain": enterprise.domain,
        "domain_holder": enterprise.domain_holder,
        "icp_filing_number": enterprise.icp_filing_number,
        "server_regions": list(enterprise.server_regions),
        "server_address": enterprise.server_address,
        "modules": list(enterprise.modules),
        "content_compliant": tri(enterprise.content_compliant),
        "capital_verification_report": tri(enterprise.capital_verification_report),
        "bank_statement_months": enterprise.bank_statement_months,
        "services_text": "、".join(enterprise.services),
    }
    if enterprise.third_party_merchants:
        data["third_party_merchants"] = "on"
    data.update(overrides)
    return data
