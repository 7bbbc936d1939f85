"""The registry of documents the desk drafts: what each is, which material it drafts, what facts it needs.

Each document has one Word template (``docx_templates/<id>.docx``) and one PDF
template (``templates/paperwork/pdf/<id>.html``), both editable without
touching code. ``material_id`` names the checklist material (DOMAIN.md) the
document is a draft of; the three security documents have no material of
their own in the checklist (the inspector checks that they are posted, under
the "rules and drills" area), so they are attached nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMATS = ("docx", "pdf")
TOPOLOGY_FORMATS = ("docx", "pdf", "svg", "png")


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    name_zh: str
    name_en: str
    material_id: str | None  # the checklist material this drafts, if any
    facts: tuple[str, ...]  # the facts of ``context.FACT_LABELS`` it needs; a missing one is listed
    formats: tuple[str, ...] = FORMATS
    case: bool = True  # drafted from a case page (the weekly report is per client instead)

    def name(self, lang: str) -> str:
        return self.name_en if lang.startswith("en") else self.name_zh


_COMPANY = ("company_name", "credit_code", "legal_rep_name", "address")
_SITE = ("domain", "icp_filing_number", "server_address", "server_regions", "modules")

DOCUMENTS: tuple[Document, ...] = (
    Document(
        "application_form",
        "互联网信息服务许可证申请表",
        "ICP license application form",
        "application_form",
        (
            *_COMPANY,
            "registered_on",
            "registered_capital",
            "business_scope",
            "contact_phone",
            *_SITE,
            "security_manager",
        ),
    ),
    Document(
        "no_violation_statement",
        "法定代表人无违法违规声明",
        "Legal representative's no-violation statement",
        "no_violation_statement",
        ("company_name", "credit_code", "legal_rep_name", "domain"),
    ),
    Document(
        "content_review",
        "网站内容自查报告",
        "Content self-review report",
        "content_review",
        ("company_name", "credit_code", "domain", "icp_filing_number", "modules"),
    ),
    Document(
        "privacy_policy",
        "隐私政策与用户协议",
        "Privacy policy and user agreement",
        "privacy_policy",
        ("company_name", "credit_code", "address", "domain", "modules", "contact_phone", "security_manager"),
    ),
    Document(
        "network_security_rules",
        "网络安全管理制度",
        "Network security management rules",
        None,
        ("company_name", "credit_code", "domain", "security_manager"),
    ),
    Document(
        "data_security_rules",
        "数据安全保护制度",
        "Data security protection rules",
        None,
        ("company_name", "credit_code", "domain", "server_address", "security_manager"),
    ),
    Document(
        "emergency_plan",
        "网络与信息安全应急预案",
        "Emergency response plan",
        None,
        ("company_name", "credit_code", "domain", "security_manager", "contact_phone"),
    ),
    Document(
        "topology",
        "网站拓扑结构图",
        "Website topology diagram",
        "topology",
        ("company_name", "credit_code", "domain", "server_address", "server_regions", "modules"),
        formats=TOPOLOGY_FORMATS,
    ),
    Document(
        "weekly_report",
        "代办进度周报",
        "Weekly progress report",
        None,
        ("company_name", "credit_code", "domain"),
        case=False,
    ),
)

BY_ID: dict[str, Document] = {d.id: d for d in DOCUMENTS}
CASE_DOCUMENTS: tuple[Document, ...] = tuple(d for d in DOCUMENTS if d.case)


def get(document_id: str) -> Document:
    """The document, or KeyError."""
    return BY_ID[document_id]
