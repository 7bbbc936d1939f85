"""The overviews' figures in the JSON API: ``/api/v1/stats/agency`` and ``/api/v1/stats/province``.

The same dictionaries as the pages (:mod:`icpdesk.overviews.queries`), with
the same access: an agency's staff see their own book, the regulator's staff
their province; anyone else is answered 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from icpdesk.lib.language import current_lang
from icpdesk.overviews import queries

router = Router(tags=["stats"])


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    state: str | None = None


ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


class Figure(Schema):
    count: int
    link: str


class DueWindow(Figure):
    first_day: str
    last_day: str


class StateCount(Schema):
    state: str
    label: str
    count: int
    link: str


class PrefectureCount(Schema):
    prefecture: str
    label: str
    count: int
    link: str


class Deadlines(Schema):
    overdue: Figure
    this_week: DueWindow
    next_week: DueWindow


class Duties(Schema):
    days: int
    until: str
    annual_reports: Figure
    renewals: Figure
    change_filings: Figure


class Week(Schema):
    week: str
    filed: int
    approved: int
    filed_link: str
    approved_link: str


class AgencyStats(Schema):
    today: str
    total: int
    by_state: list[StateCount]
    by_prefecture: list[PrefectureCount]
    deadlines: Deadlines
    duties: Duties
    weekly: list[Week]


class Bucket(Schema):
    key: str
    label: str


class StepLoad(Schema):
    state: str
    label: str
    role: str
    total: int
    buckets: dict[str, int]


class MonthShare(Schema):
    month: str
    done: int
    within_limit: int
    share: float | None


class StepCompliance(Schema):
    step: str
    label: str
    months: list[MonthShare]


class PrefectureReports(Schema):
    prefecture: str
    label: str
    owed: int
    on_time: int
    late: int
    missing: int
    share: float | None


class AnnualReports(Schema):
    reported_year: int
    window_opens: str
    window_closes: str
    window_closed: bool
    prefectures: list[PrefectureReports]


class FindingCount(Schema):
    code: str
    label: str
    severity: str
    count: int
    licenses: int


class ProvinceStats(Schema):
    today: str
    province_code: str
    buckets: list[Bucket]
    caseload: list[StepLoad]
    compliance: list[StepCompliance]
    annual_reports: AnnualReports
    licenses_by_state: list[StateCount]
    site_findings: list[FindingCount]


class FoundCase(Schema):
    id: int
    reference: str
    company: str
    uscc: str
    domain: str
    state: str
    state_label: str
    due_on: str | None
    link: str


class FoundLicense(Schema):
    id: int
    number: str
    company: str
    uscc: str
    domains: list[str]
    state: str
    state_label: str
    expires_on: str
    link: str


class SearchOut(Schema):
    query: str
    limit: int
    cases: list[FoundCase]
    licenses: list[FoundLicense]


def _en(request: HttpRequest) -> bool:
    asked = request.GET.get("lang", "")
    return asked.lower().startswith("en") if asked else current_lang() == "en"


@router.get(
    "/stats/agency",
    response={200: AgencyStats, **ERRORS},
    summary="The agency's book: cases by state and prefecture, deadlines, duties, weekly filings",
)
def agency_stats(request: HttpRequest) -> dict[str, Any]:
    return queries.agency_overview(request.auth, timezone.localdate(), en=_en(request))  # type: ignore[attr-defined]


@router.get(
    "/stats/province",
    response={200: ProvinceStats, **ERRORS},
    summary="The province: caseload by step, statutory compliance, annual reports, licenses by state",
)
def province_stats(request: HttpRequest) -> dict[str, Any]:
    return queries.province_overview(request.auth, timezone.localdate(), en=_en(request))  # type: ignore[attr-defined]


@router.get(
    "/stats/province/search",
    response={200: SearchOut, **ERRORS},
    summary="The province's filed cases and licenses by number, company, credit code or domain (q)",
)
def province_search(request: HttpRequest, q: str = "") -> dict[str, Any]:
    return queries.search(request.auth, q, en=_en(request))  # type: ignore[attr-defined]
