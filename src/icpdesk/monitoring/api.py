"""Site scans in the JSON API: a license's scans and findings, and starting one.

Mounted in ``icpdesk/api/main.py`` (``api.add_router("/", monitoring_router)``):
``GET /api/v1/licenses/{id}/scans`` lists the latest scans with the license's
open and resolved findings; ``POST`` queues a scan (202). The errors are the
desk's :class:`~icpdesk.lib.errors.ActionError` values, which the API turns
into its error shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Router, Schema
from ninja.responses import Status

from icpdesk.monitoring import services
from icpdesk.monitoring.models import Finding, Scan

router = Router(tags=["monitoring"])


class ErrorBody(Schema):
    code: str
    message: str
    field: str | None = None
    state: str | None = None


ERRORS: dict[int, Any] = {401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody}


class EvidenceOut(Schema):
    url: str
    excerpt: str


class FindingOut(Schema):
    id: int
    code: str
    severity: str
    message: str
    message_code: str
    params: dict[str, str]
    evidence: EvidenceOut
    state: str
    opened_at: datetime
    resolved_at: datetime | None
    first_scan_id: int
    resolved_scan_id: int | None


class ScanOut(Schema):
    id: int
    url: str
    trigger: str
    status: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    pages: int
    codes: list[str]
    error_code: str
    error: str


class ScansOut(Schema):
    license_id: int
    license_number: str
    can_start: bool
    scans: list[ScanOut]
    open_findings: list[FindingOut]
    resolved_findings: list[FindingOut]


def _lang(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    lang = asked or get_language() or "zh-hans"
    return "en" if lang.lower().startswith("en") else "zh-hans"


def scan_out(scan: Scan, lang: str) -> dict[str, Any]:
    return {
        "id": scan.pk,
        "url": scan.url,
        "trigger": scan.trigger,
        "status": scan.status,
        "created_at": scan.created_at,
        "started_at": scan.started_at,
        "finished_at": scan.finished_at,
        "pages": scan.pages,
        "codes": list(scan.codes or []),
        "error_code": scan.error_code,
        "error": scan.error_en if lang == "en" else scan.error_zh,
    }


def finding_out(finding: Finding, lang: str) -> dict[str, Any]:
    return {
        "id": finding.pk,
        "code": finding.code,
        "severity": finding.severity,
        "message": finding.message(lang),
        "message_code": finding.message_code,
        "params": {k: str(v) for k, v in (finding.params or {}).items()},
        "evidence": {"url": finding.evidence_url, "excerpt": finding.evidence_excerpt},
        "state": finding.state,
        "opened_at": finding.opened_at,
        "resolved_at": finding.resolved_at,
        "first_scan_id": finding.first_scan_id,
        "resolved_scan_id": finding.resolved_scan_id,
    }


@router.get(
    "/licenses/{license_id}/scans",
    response={200: ScansOut, **ERRORS},
    summary="A license's site scans and findings",
    description="The latest 20 scans of the license's site, and its open and resolved findings.",
)
def list_scans(request: HttpRequest, license_id: int) -> dict[str, Any]:
    lang = _lang(request)
    license_, scans = services.scans_of_license(request.user, license_id)
    findings = list(Finding.objects.filter(license=license_).order_by("-opened_at", "-id")[:200])
    return {
        "license_id": license_.pk,
        "license_number": license_.number,
        "can_start": services.may_start(request.user, license_=license_),
        "scans": [scan_out(s, lang) for s in scans],
        "open_findings": [finding_out(f, lang) for f in findings if f.state == Finding.State.OPEN],
        "resolved_findings": [finding_out(f, lang) for f in findings if f.state == Finding.State.RESOLVED],
    }


@router.post(
    "/licenses/{license_id}/scans",
    response={202: ScanOut, **ERRORS},
    summary="Start a scan of the license's site",
    description=(
        "Queue a scan (reviewer, inspector, the holder or its agency). 409 `scan_running` while one is "
        "queued or running."
    ),
)
def start_scan(request: HttpRequest, license_id: int) -> Status[dict[str, Any]]:
    scan = services.request_license_scan(request.user, license_id)
    scan.refresh_from_db()
    return Status(202, scan_out(scan, _lang(request)))
