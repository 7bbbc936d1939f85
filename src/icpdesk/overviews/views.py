"""The overview pages: the agency's book and the province, each block a chart with its table.

The figures come from :mod:`icpdesk.overviews.queries` (the API serves the
same dictionaries); the views only turn them into charts and tables.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import render
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from icpdesk.lib.errors import ActionError
from icpdesk.lib.language import current_lang, is_english
from icpdesk.overviews import charts, queries
from icpdesk.overviews.charts import Series


def chart_styles(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The desk's CSP, with the request's nonce allowed for styles: the charts' own style elements."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        policy = dict(getattr(settings, "SECURE_CSP", {}) or {})
        if policy:
            policy["style-src"] = [*policy.get("style-src", ["'self'"]), CSP.NONCE]
            response._csp_config = policy  # type: ignore[attr-defined]  # read by Django's CSP middleware
        return response

    return wrapped


def _nonce(request: HttpRequest) -> str | None:
    nonce = get_nonce(request)
    return str(nonce) if nonce is not None else None


def _block(title: str, chart: Any, nonce: str | None) -> dict[str, Any]:
    return {"title": title, "svg": charts.render(chart, nonce)}


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


# ------------------------------------------------------------------ the agency


def _agency_charts(data: dict[str, Any], nonce: str | None) -> dict[str, Any]:
    states, prefectures, weekly = data["by_state"], data["by_prefecture"], data["weekly"]
    deadlines, duties = data["deadlines"], data["duties"]
    return {
        "states": _block(
            _("案件按状态"),
            charts.bar(
                _("案件按状态"),
                [s["label"] for s in states],
                [Series(_("案件"), [s["count"] for s in states], [s["link"] for s in states])],
                horizontal=True,
            ),
            nonce,
        ),
        "prefectures": _block(
            _("案件按市州"),
            charts.bar(
                _("案件按市州"),
                [p["label"] for p in prefectures],
                [Series(_("案件"), [p["count"] for p in prefectures], [p["link"] for p in prefectures])],
                horizontal=True,
            ),
            nonce,
        ),
        "deadlines": _block(
            _("期限"),
            charts.bar(
                _("期限"),
                [_("已逾期"), _("本周到期"), _("下周到期")],
                [
                    Series(
                        _("案件"),
                        [deadlines[k]["count"] for k in ("overdue", "this_week", "next_week")],
                        [deadlines[k]["link"] for k in ("overdue", "this_week", "next_week")],
                    )
                ],
            ),
            nonce,
        ),
        "duties": _block(
            _("未来 90 天的义务"),
            charts.bar(
                _("未来 90 天的义务"),
                [_("年度报告"), _("续期"), _("变更备案")],
                [
                    Series(
                        _("许可证"),
                        [duties[k]["count"] for k in ("annual_reports", "renewals", "change_filings")],
                        [duties[k]["link"] for k in ("annual_reports", "renewals", "change_filings")],
                    )
                ],
            ),
            nonce,
        ),
        "weekly": _block(
            _("每周申报与批准"),
            charts.bar(
                _("每周申报与批准"),
                [w["week"][5:] for w in weekly],
                [
                    Series(_("申报"), [w["filed"] for w in weekly], [w["filed_link"] for w in weekly]),
                    Series(_("批准"), [w["approved"] for w in weekly], [w["approved_link"] for w in weekly]),
                ],
            ),
            nonce,
        ),
    }


@login_required
@require_http_methods(["GET", "HEAD"])
@chart_styles
def agency(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not queries.is_agency(user):
        raise PermissionDenied
    data = queries.agency_overview(user, timezone.localdate(), en=is_english())
    context = {"data": data, "charts": _agency_charts(data, _nonce(request))}
    return render(request, "overviews/agency.html", context)


# ------------------------------------------------------------------ the province


def _province_charts(data: dict[str, Any], nonce: str | None) -> dict[str, Any]:
    caseload, buckets = data["caseload"], data["buckets"]
    compliance, annual = data["compliance"], data["annual_reports"]
    licenses = data["licenses_by_state"]
    months = [m["month"] for m in compliance[0]["months"]] if compliance else []
    return {
        "caseload": _block(
            _("在办案件：按环节与剩余工作日"),
            charts.stacked(
                _("在办案件：按环节与剩余工作日"),
                [row["label"] for row in caseload],
                [
                    Series(bucket["label"], [row["buckets"][bucket["key"]] for row in caseload])
                    for bucket in buckets
                ],
                horizontal=True,
            ),
            nonce,
        ),
        "compliance": _block(
            _("法定时限内办结的比例（按月）"),
            charts.line(
                _("法定时限内办结的比例（按月）"),
                months,
                [
                    Series(step["label"], [_percent(m["share"]) for m in step["months"]])
                    for step in compliance
                ],
                percent=True,
            ),
            nonce,
        ),
        "annual": _block(
            _("%(year)s 年度报告（第一季度报送）按市州") % {"year": annual["reported_year"]},
            charts.stacked(
                _("%(year)s 年度报告（第一季度报送）按市州") % {"year": annual["reported_year"]},
                [p["label"] for p in annual["prefectures"]],
                [
                    Series(_("按期报送"), [p["on_time"] for p in annual["prefectures"]]),
                    Series(_("逾期报送"), [p["late"] for p in annual["prefectures"]]),
                    Series(_("未报送"), [p["missing"] for p in annual["prefectures"]]),
                ],
                horizontal=True,
            ),
            nonce,
        ),
        "licenses": _block(
            _("许可证按状态"),
            charts.bar(
                _("许可证按状态"),
                [s["label"] for s in licenses],
                [Series(_("许可证"), [s["count"] for s in licenses], [s["link"] for s in licenses])],
            ),
            nonce,
        ),
    }


@login_required
@require_http_methods(["GET", "HEAD"])
@chart_styles
def province(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not queries.is_regulator(user):
        raise PermissionDenied
    en = is_english()
    data = queries.province_overview(user, timezone.localdate(), en=en)
    query = request.GET.get("q", "")
    found: dict[str, Any] | None = None
    error = ""
    status = 200
    if "q" in request.GET:
        try:
            found = queries.search(user, query, en=en)
        except ActionError as exc:
            error, status = exc.message(current_lang()), 422
    keys = [bucket["key"] for bucket in data["buckets"]]
    for row in data["caseload"]:
        row["bucket_values"] = [row["buckets"][key] for key in keys]
    compliance_rows = [
        {
            "month": month["month"],
            "cells": [
                {**step["months"][i], "percent": _percent(step["months"][i]["share"])}
                for step in data["compliance"]
            ],
        }
        for i, month in enumerate(data["compliance"][0]["months"] if data["compliance"] else [])
    ]
    annual_rows = [
        {**row, "percent": _percent(row["share"])} for row in data["annual_reports"]["prefectures"]
    ]
    context = {
        "data": data,
        "compliance_rows": compliance_rows,
        "annual_rows": annual_rows,
        "charts": _province_charts(data, _nonce(request)),
        "query": query,
        "found": found,
        "search_error": error,
    }
    return render(request, "overviews/province.html", context, status=status)
