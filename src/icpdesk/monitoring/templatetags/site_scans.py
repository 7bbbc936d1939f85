"""Template hooks that put the site scans on other apps' pages without those apps importing
this one: ``{% load site_scans %}{% license_scans license %}`` on the license page and
``{% case_site_scan case %}`` on the case page."""

from __future__ import annotations

from typing import Any

from django import template

from icpdesk.lib.language import current_lang
from icpdesk.monitoring import services
from icpdesk.monitoring.models import Finding, Scan

register = template.Library()


def _findings(rows: list[Finding], lang: str) -> list[dict[str, Any]]:
    return [{"finding": f, "message": f.message(lang)} for f in rows]


def _scan_row(scan: Scan | None, lang: str) -> dict[str, Any] | None:
    if scan is None:
        return None
    return {"scan": scan, "error": scan.error_en if lang == "en" else scan.error_zh}


@register.inclusion_tag("monitoring/_license_scans.html", takes_context=True)
def license_scans(context: template.Context, license_: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    lang = current_lang()
    findings = list(Finding.objects.filter(license=license_).order_by("-opened_at", "-id")[:100])
    latest = Scan.objects.filter(license=license_).order_by("-created_at", "-id").first()
    return {
        "license": license_,
        "latest": _scan_row(latest, lang),
        "open_findings": _findings([f for f in findings if f.state == Finding.State.OPEN], lang),
        "resolved_findings": _findings([f for f in findings if f.state == Finding.State.RESOLVED], lang),
        "can_start": user is not None and services.may_start(user, license_=license_),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("monitoring/_case_scan.html", takes_context=True)
def case_site_scan(context: template.Context, application: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    lang = current_lang()
    latest = services.latest_case_scan(application)
    findings: list[Finding] = []
    if latest is not None:
        subject = services._subject(latest)
        findings = list(
            Finding.objects.filter(subject, state=Finding.State.OPEN).order_by("-opened_at", "-id")[:50]
        )
    return {
        "case": application,
        "latest": _scan_row(latest, lang),
        "open_findings": _findings(findings, lang),
        "can_start": user is not None and services.may_start(user, application=application),
        "csrf_token": context.get("csrf_token"),
    }
