"""Fixtures for the reminder tests: a desk with a license, locmem email and immediate tasks."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest

from icpdesk.cases.models import Application
from icpdesk.enterprises.models import Enterprise
from icpdesk.licenses.models import License

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _mail_and_tasks(settings: Any, monkeypatch: Any) -> None:
    # The test robots listen on 127.0.0.1, which the address guard refuses otherwise.
    monkeypatch.setenv("ICPDESK_SCAN_ALLOW_PRIVATE", "1")
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.RULE_PACK = "gansu"
    settings.NOTIFICATION_THRESHOLDS = None


def make_license(
    enterprise: Enterprise,
    *,
    issued_on: date = date(2025, 6, 10),
    expires_on: date = date(2030, 6, 10),
    annual_report_due_on: date | None = date(2026, 3, 31),
    state: str = "valid",
) -> License:
    n = next(_serial)
    application = Application.objects.create(
        reference=f"T-LIC-{n:06d}",
        enterprise=enterprise,
        state="certificate_issued",
        province_code="CN-GS",
        rule_pack="gansu",
    )
    return License.objects.create(
        number=f"甘B2-{issued_on.year}{n:04d}",
        holder=enterprise,
        holder_name=enterprise.name,
        application=application,
        license_type="B25",
        province_code="CN-GS",
        issued_on=issued_on,
        expires_on=expires_on,
        annual_report_due_on=annual_report_due_on,
        state=state,
    )


def give_emails(personas: Any) -> None:
    for user in (
        personas.applicant,
        personas.member,
        personas.consultant,
        personas.reviewer,
        personas.inspector,
        personas.approver,
        personas.outsider,
        personas.other_reviewer,
    ):
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])


@pytest.fixture
def desk(personas: Any) -> Any:
    give_emails(personas)
    personas.license = make_license(personas.enterprise)
    return personas
