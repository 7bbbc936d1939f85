"""Organisation kinds, roles and mandate scopes, with their labels."""

from __future__ import annotations

from django.db import models


class OrgKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业 / Enterprise"
    AGENCY = "agency", "代办机构 / Agency"
    REGULATOR = "regulator", "通信管理局 / Regulator"


class Role(models.TextChoices):
    # regulator
    REVIEWER = "reviewer", "受理审查员 / Reviewer"
    INSPECTOR = "inspector", "核查员 / Inspector"
    APPROVER = "approver", "审批人 / Approver"
    ADMIN = "admin", "管理员 / Administrator"
    # agency
    CONSULTANT = "consultant", "顾问 / Consultant"
    MANAGER = "manager", "经理 / Manager"
    # enterprise
    MEMBER = "member", "成员 / Member"
    OWNER = "owner", "负责人 / Owner"


ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrgKind.REGULATOR: frozenset({Role.REVIEWER, Role.INSPECTOR, Role.APPROVER, Role.ADMIN}),
    OrgKind.AGENCY: frozenset({Role.CONSULTANT, Role.MANAGER}),
    OrgKind.ENTERPRISE: frozenset({Role.MEMBER, Role.OWNER}),
}


class Scope(models.TextChoices):
    VIEW = "view", "查看 / View"
    PREPARE = "prepare", "准备材料 / Prepare"
    FILE = "file", "申报 / File"
    ANSWER_SUPPLEMENT = "answer_supplement", "答复补正 / Answer supplement notices"
    ANNUAL_AND_CHANGES = "annual_and_changes", "年报与变更 / Annual reports and changes"
