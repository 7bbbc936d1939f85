"""Request and response bodies of the API (pydantic, through ninja)."""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

MAX_ID = 2**63 - 1


class In(BaseModel):
    """A request body: a JSON object (plain pydantic, so a list or a string is refused, not coerced)."""

    model_config = ConfigDict(extra="ignore")


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    state: str | None = None


# ------------------------------------------------------------- enterprises


class EnterpriseRef(Schema):
    id: int
    name: str
    uscc: str


class EnterpriseListItem(Schema):
    id: int
    name: str
    uscc: str
    legal_form: str
    province_code: str
    city: str
    domain: str


class EnterprisePage(Schema):
    total: int
    limit: int
    offset: int
    items: list[EnterpriseListItem]


class SecurityStaffOut(Schema):
    name: str
    id_number: str
    phone: str
    major: str
    certificates: list[str]
    full_time: bool
    insured_province: str
    insured_months: int


class ViolationOut(Schema):
    date: Date
    description: str


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    legal_form: str
    province: str
    province_code: str
    city: str
    registered_on: Date | None
    registered_capital_cny: int | None
    business_scope: str
    on_abnormal_list: bool | None
    on_serious_violation_list: bool | None
    legal_rep_name: str
    legal_rep_id_number: str
    contact_phone: str
    personal_data_masked: bool
    address: str
    domain: str
    domain_holder: str
    icp_filing_number: str
    server_regions: list[str]
    server_address: str
    modules: list[str]
    content_compliant: bool | None
    third_party_merchants: bool
    services: list[str]
    capital_verification_report: bool | None
    bank_statement_months: int
    security_staff: list[SecurityStaffOut]
    violations: list[ViolationOut]


class AssessmentOut(Schema):
    id: int
    enterprise_id: int
    assessed_on: Date
    rule_pack: str
    rule_pack_version: str
    verdict: str
    result: dict[str, Any]


# ------------------------------------------------------------------ cases


class DueOut(Schema):
    step: str
    on: Date | None
    provisional: bool
    days_left: int | None
    overdue: bool


class CaseListItem(Schema):
    id: int
    reference: str
    enterprise: EnterpriseRef
    kind: str
    license_type: str
    state: str
    state_label: str
    version: int
    prefecture: str
    due: DueOut
    filed_on: Date | None
    updated_at: datetime


class CasePage(Schema):
    total: int
    limit: int
    offset: int
    items: list[CaseListItem]


class DeadlineOut(Schema):
    step: str
    started_on: Date
    due_on: Date
    provisional: bool
    met_on: Date | None
    cancelled: bool


class SupplementItem(In):
    item: str = Field(..., max_length=500)
    reason: str = Field(..., max_length=2000)


class SupplementNoticeOut(Schema):
    id: int
    items: list[dict[str, Any]]
    issued_at: datetime
    due_on: Date
    due_provisional: bool
    answered_at: datetime | None
    answer: str


class InspectionOut(Schema):
    id: int
    scheduled_on: Date
    inspectors: list[str]
    record: dict[str, Any] | None
    inspected_on: Date | None
    passed: bool | None


class LicenseOut(Schema):
    number: str
    license_type: str
    issued_on: Date
    expires_on: Date
    state: str


class ActionOut(Schema):
    name: str
    label: str
    method: str
    path: str


class CaseOut(Schema):
    id: int
    reference: str
    enterprise: EnterpriseRef
    agency: str | None
    kind: str
    license_type: str
    state: str
    state_label: str
    version: int
    province_code: str
    prefecture: str
    rule_pack: str
    rule_pack_version: str
    due: DueOut
    filed_on: Date | None
    accepted_on: Date | None
    inspected_on: Date | None
    decided_on: Date | None
    certificate_on: Date | None
    closed_on: Date | None
    decision: str
    decision_reasons: str
    forged: bool
    eligibility: dict[str, Any] | None
    deadlines: list[DeadlineOut]
    supplement_notices: list[SupplementNoticeOut]
    inspections: list[InspectionOut]
    license: LicenseOut | None
    license_number: str | None
    allowed_actions: list[ActionOut]


class CaseCreateIn(In):
    enterprise_id: int = Field(..., ge=1, le=MAX_ID)
    license_type: str = Field("B25", min_length=1, max_length=16)
    kind: str = Field("new", max_length=16)


class VersionIn(In):
    version: int | None = Field(
        None, ge=0, le=MAX_ID, description="The case version you saw (expected_version)"
    )


class ReturnIn(VersionIn):
    items: list[SupplementItem] = Field(..., max_length=200)


class AnswerIn(VersionIn):
    answer: str = Field(..., max_length=20000)


class ScheduleIn(VersionIn):
    date: Date
    inspectors: list[int | str] = Field(..., max_length=50, description="usernames or user ids")


class AreaRecord(In):
    passed: bool
    remarks: str = Field("", max_length=5000)


class RecordIn(VersionIn):
    record: dict[str, AreaRecord]


class ApproveIn(VersionIn):
    reasons: str = Field("", max_length=20000)


class RejectIn(VersionIn):
    reasons: str = Field(..., max_length=20000)
    forged: bool = False


class WithdrawIn(VersionIn):
    reason: str = Field("", max_length=20000)


class CommentIn(In):
    body: str = Field(..., max_length=20000)


class CommentOut(Schema):
    id: int
    author: str
    organisation: str
    body: str
    created_at: datetime


class AuditOut(Schema):
    id: int
    at: datetime
    actor: str
    actor_org: str
    action: str
    from_state: str
    to_state: str
    reason: str
    changes: dict[str, Any]
