"""The figures of the two overviews, aggregated in the database and returned as plain data.

Every block is one or two aggregate queries (``GROUP BY`` with conditional
counts), whatever the size of the book or the province: no case or license
row is read into Python. The pages, their charts and ``/api/v1/stats/...``
all read these dictionaries, so the figures are the same everywhere. Each
figure carries the link to the list it counts, with that list's filters.

Scoping: the agency's cases come from :func:`icpdesk.cases.access.visible_applications`
and its licenses from :func:`icpdesk.licenses.services.visible_licenses`; the
regulator's cases from the same case scoping (filed cases of its province),
and its licenses by the province code, which is the same set (a license is
only issued on a filed case of the province) without a join through the
enterprises of a million licenses.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse

from icpdesk.accounts.choices import OrgKind
from icpdesk.calendars.services import get_calendar
from icpdesk.cases import access
from icpdesk.cases.models import Application, Deadline
from icpdesk.core import sitecheck
from icpdesk.core.lifecycle import QUEUE_ROLE, STATE_LABELS, STEPS, State
from icpdesk.core.periods import add_months, day_in_year, shift
from icpdesk.enterprises.access import organisation_of
from icpdesk.enterprises.models import Enterprise
from icpdesk.lib.errors import Forbidden, InvalidInput
from icpdesk.lib.packs import current_pack
from icpdesk.licenses import actions as license_actions
from icpdesk.licenses.models import AnnualReport, License
from icpdesk.licenses.services import returned_change_outstanding, visible_licenses
from icpdesk.monitoring.models import Finding

DUTY_DAYS = 90
WEEKS = 12
MONTHS = 12
SEARCH_LIMIT = 50
NO_PREFECTURE = "（未填写）"
# The steps whose statutory limits the compliance block measures, in workflow order.
COMPLIANCE_STEPS = tuple(s.id for s in STEPS if s.limit is not None)
# The regulator's open states, in workflow order (a returned case runs the applicant's clock).
OPEN_STATES = tuple(s.value for s in QUEUE_ROLE)
# Working-day buckets of the caseload: (key, label zh, label en).
BUCKETS = (
    ("overdue", "已逾期", "Overdue"),
    ("d0_2", "剩 0–2 个工作日", "0–2 working days left"),
    ("d3_5", "剩 3–5 个工作日", "3–5 working days left"),
    ("later", "剩 5 个工作日以上", "More than 5 working days left"),
    ("none", "无期限", "No deadline"),
)


def _url(name: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def _state_label(state: str, en: bool) -> str:
    try:
        zh, english = STATE_LABELS[State(state)]
    except ValueError:
        return state
    return english if en else zh


def _rows(values: Any) -> list[dict[str, Any]]:
    """The grouped rows of a ``values().annotate()`` query, as plain dictionaries."""
    return [dict(row) for row in values]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# ------------------------------------------------------------------ who may see what


def is_agency(user: Any) -> bool:
    org = organisation_of(user) if user is not None else None
    return org is not None and org.kind == OrgKind.AGENCY and bool(user.valid_roles())


def is_regulator(user: Any) -> bool:
    org = organisation_of(user) if user is not None else None
    return (
        org is not None
        and org.kind == OrgKind.REGULATOR
        and bool(org.province_code)
        and bool(user.valid_roles())
    )


def require_agency(user: Any) -> None:
    if not is_agency(user):
        raise Forbidden(
            "只有代办机构的顾问和经理可以查看代办概览。",
            "Only an agency's consultants and managers see the agency overview.",
        )


def require_regulator(user: Any) -> None:
    if not is_regulator(user):
        raise Forbidden(
            "只有通信管理局的审查、核查、审批人员和管理员可以查看全省概览。",
            "Only the regulator's reviewers, inspectors, approvers and administrators see the province.",
        )


# ------------------------------------------------------------------ the agency


def _per_day(cases: QuerySet[Application], column: str, first: date, **extra: Any) -> dict[date, int]:
    """Cases per day of ``column`` from ``first`` on: one ``GROUP BY`` of at most a few dozen days."""
    rows = (
        cases.filter(**{f"{column}__gte": first}, **extra)
        .order_by()
        .values_list(column)
        .annotate(n=Count("id"))
        .values_list(column, "n")
    )
    return dict(rows)


def _case_blocks(cases: QuerySet[Application], today: date, en: bool) -> dict[str, Any]:
    """States, prefectures and deadlines in one scan of the book's cases; the weekly series in two more.

    The first query groups by (state, prefecture) with the deadline counts as
    conditional aggregates; the others count filings and approvals per day of
    the last twelve weeks. The small grouped results are then added up here.
    """
    this_monday = _monday(today)
    next_monday = this_monday + timedelta(days=7)
    after_next = next_monday + timedelta(days=7)
    first_week = this_monday - timedelta(days=7 * (WEEKS - 1))
    weeks = [first_week + timedelta(days=7 * i) for i in range(WEEKS)]
    groups = _rows(
        cases.order_by()
        .values("state", "prefecture")
        .annotate(
            n=Count("id"),
            overdue=Count("id", filter=Q(due_on__lt=today)),
            this_week=Count("id", filter=Q(due_on__gte=today, due_on__lt=next_monday)),
            next_week=Count("id", filter=Q(due_on__gte=next_monday, due_on__lt=after_next)),
        )
    )
    filed = _per_day(cases, "filed_on", first_week)
    approved = _per_day(cases, "decided_on", first_week, decision="approved")
    totals: dict[str, int] = defaultdict(int)
    for i, monday in enumerate(weeks):
        days = [monday + timedelta(days=d) for d in range(7)]
        totals[f"filed_{i}"] = sum(filed.get(day, 0) for day in days)
        totals[f"approved_{i}"] = sum(approved.get(day, 0) for day in days)

    by_state: dict[str, int] = defaultdict(int)
    by_prefecture: dict[str, int] = defaultdict(int)
    for group in groups:
        by_state[group["state"]] += group["n"]
        by_prefecture[group["prefecture"] or ""] += group["n"]
        for key in ("overdue", "this_week", "next_week"):
            totals[key] += group[key]

    queue = "cases:queue"
    states = [
        {
            "state": s.value,
            "label": _state_label(s.value, en),
            "count": by_state.get(s.value, 0),
            "link": _url(queue, state=s.value),
        }
        for s in State
        if by_state.get(s.value)
    ]
    prefectures = [
        {
            "prefecture": name,
            "label": name or NO_PREFECTURE,
            "count": count,
            "link": _url(queue, prefecture=name) if name else "",
        }
        for name, count in sorted(by_prefecture.items(), key=lambda item: (-item[1], item[0]))
    ]
    deadlines = {
        "overdue": {"count": totals["overdue"], "link": _url(queue, overdue="on")},
        "this_week": {
            "count": totals["this_week"],
            "first_day": today.isoformat(),
            "last_day": (next_monday - timedelta(days=1)).isoformat(),
            "link": _url(queue, due_from=today.isoformat(), due_before=next_monday.isoformat()),
        },
        "next_week": {
            "count": totals["next_week"],
            "first_day": next_monday.isoformat(),
            "last_day": (after_next - timedelta(days=1)).isoformat(),
            "link": _url(queue, due_from=next_monday.isoformat(), due_before=after_next.isoformat()),
        },
    }
    weekly = []
    for i, monday in enumerate(weeks):
        end = monday + timedelta(days=7)
        weekly.append(
            {
                "week": monday.isoformat(),
                "filed": totals[f"filed_{i}"],
                "approved": totals[f"approved_{i}"],
                "filed_link": _url(queue, filed_from=monday.isoformat(), filed_before=end.isoformat()),
                "approved_link": _url(
                    queue, approved_from=monday.isoformat(), approved_before=end.isoformat()
                ),
            }
        )
    return {
        "total": sum(by_state.values()),
        "by_state": states,
        "by_prefecture": prefectures,
        "deadlines": deadlines,
        "weekly": weekly,
    }


def _duty_blocks(user: Any, today: date) -> dict[str, Any]:
    """The licenses' duties of the next 90 days: annual reports, renewals and returned change filings."""
    pack = current_pack()
    until = today + timedelta(days=DUTY_DAYS)
    renewal = pack.limit("renewal_reminder")
    # Renewal is due once it opens (the pack's months before expiry): every
    # valid license without a renewal case whose opening falls before ``until``.
    expires_by = shift(until, renewal.value, renewal.unit)
    licenses = visible_licenses(user).filter(state="valid")
    counts = licenses.aggregate(
        annual=Count("id", filter=Q(annual_report_due_on__gte=today, annual_report_due_on__lte=until)),
        renewals=Count(
            "id",
            filter=Q(expires_on__gte=today, expires_on__lte=expires_by, renewal_application__isnull=True),
        ),
    )
    changes = licenses.filter(returned_change_outstanding()).aggregate(n=Count("id"))
    licenses_url = "licenses:list"
    return {
        "days": DUTY_DAYS,
        "until": until.isoformat(),
        "annual_reports": {
            "count": counts["annual"],
            "link": _url(licenses_url, state="valid", annual_due_by=until.isoformat()),
        },
        "renewals": {
            "count": counts["renewals"],
            "link": _url(licenses_url, state="valid", expires_by=expires_by.isoformat(), unrenewed="1"),
        },
        "change_filings": {
            "count": changes["n"],
            "link": _url(licenses_url, state="valid", change_returned="1"),
        },
    }


def agency_overview(user: Any, today: date, *, en: bool = False) -> dict[str, Any]:
    """The agency's book at a glance (403 for anyone but an agency's staff)."""
    require_agency(user)
    cases = access.visible_applications(user)
    blocks = _case_blocks(cases, today, en)
    blocks["duties"] = _duty_blocks(user, today)
    blocks["today"] = today.isoformat()
    return blocks


# ------------------------------------------------------------------ the province


def _bucket_bounds(today: date) -> tuple[date, date]:
    """The first due dates with 3 and with 6 working days left (the buckets' upper bounds)."""
    calendar = get_calendar()
    return calendar.add_working_days(today, 3).date, calendar.add_working_days(today, 6).date


def _caseload(cases: QuerySet[Application], today: date, en: bool) -> list[dict[str, Any]]:
    three, six = _bucket_bounds(today)
    rows: dict[str, dict[str, Any]] = {
        row["state"]: row
        for row in _rows(
            cases.filter(state__in=OPEN_STATES)
            .order_by()
            .values("state")
            .annotate(
                total=Count("id"),
                overdue=Count("id", filter=Q(due_on__lt=today)),
                d0_2=Count("id", filter=Q(due_on__gte=today, due_on__lt=three)),
                d3_5=Count("id", filter=Q(due_on__gte=three, due_on__lt=six)),
                later=Count("id", filter=Q(due_on__gte=six)),
                none=Count("id", filter=Q(due_on__isnull=True)),
            )
        )
    }
    out = []
    for state in OPEN_STATES:
        row = rows.get(state, {})
        out.append(
            {
                "state": state,
                "label": _state_label(state, en),
                "role": str(QUEUE_ROLE[State(state)]),
                "total": row.get("total", 0),
                "buckets": {key: row.get(key, 0) for key, _zh, _en in BUCKETS},
            }
        )
    return out


def _months(today: date) -> list[date]:
    first = today.replace(day=1)
    return [add_months(first, i - (MONTHS - 1)) for i in range(MONTHS)]


def _compliance(province_code: str, today: date, en: bool) -> list[dict[str, Any]]:
    """Per step and month: deadlines met, and met within the limit (``met_on <= due_on``).

    Grouped by step and day met (at most four steps × a year of days), then
    added up by month here.
    """
    months = _months(today)
    rows = (
        Deadline.objects.filter(
            step__in=COMPLIANCE_STEPS,
            cancelled=False,
            met_on__gte=months[0],
            application__province_code=province_code,
        )
        .order_by()
        .values_list("step", "met_on")
        .annotate(done=Count("id"), ok=Count("id", filter=Q(met_on__lte=F("due_on"))))
        .values_list("step", "met_on", "done", "ok")
    )
    index = {(m.year, m.month): i for i, m in enumerate(months)}
    done: dict[tuple[str, int], int] = defaultdict(int)
    within: dict[tuple[str, int], int] = defaultdict(int)
    for step, met_on, n, ok in rows:
        i = index.get((met_on.year, met_on.month)) if met_on is not None else None
        if i is not None:
            done[step, i] += n
            within[step, i] += ok
    steps = {s.id: s for s in STEPS}
    out = []
    for step in COMPLIANCE_STEPS:
        series = []
        for i, start in enumerate(months):
            n, ok = done[step, i], within[step, i]
            series.append(
                {
                    "month": start.strftime("%Y-%m"),
                    "done": n,
                    "within_limit": ok,
                    "share": round(ok / n, 4) if n else None,
                }
            )
        out.append(
            {
                "step": step,
                "label": steps[step].label_en if en else steps[step].label_zh,
                "months": series,
            }
        )
    return out


def annual_window(today: date) -> tuple[int, date, date]:
    """The reporting year of the latest annual-report window opened, and that window's dates."""
    pack = current_pack()
    year = today.year
    opens = day_in_year(year, pack.annual_report_window[0])
    if today < opens:
        year -= 1
        opens = day_in_year(year, pack.annual_report_window[0])
    return year - 1, opens, day_in_year(year, pack.annual_report_window[1])


def _annual(province_code: str, today: date) -> dict[str, Any]:
    """Reports owed in the latest window, by prefecture: on time, late, and still owed (or lapsed)."""
    reported_year, opens, closes = annual_window(today)
    reports = _rows(
        AnnualReport.objects.filter(
            year=reported_year, state="submitted", license__province_code=province_code
        )
        .order_by()
        .values(prefecture=F("license__holder__city"))
        .annotate(
            on_time=Count("id", filter=Q(submitted_on__lte=F("due_on"))),
            late=Count("id", filter=Q(submitted_on__gt=F("due_on"))),
        )
    )
    # A license that has not filed keeps the window's last day as its due date.
    owed = _rows(
        License.objects.filter(
            province_code=province_code, state__in=("valid", "lapsed"), annual_report_due_on=closes
        )
        .order_by()
        .values(prefecture=F("holder__city"))
        .annotate(n=Count("id"))
    )
    table: dict[str, dict[str, int]] = defaultdict(lambda: {"on_time": 0, "late": 0, "missing": 0})
    for row in reports:
        table[row["prefecture"] or ""]["on_time"] += row["on_time"]
        table[row["prefecture"] or ""]["late"] += row["late"]
    for row in owed:
        table[row["prefecture"] or ""]["missing"] += row["n"]
    prefectures = []
    for name in sorted(table, key=lambda n: (-sum(table[n].values()), n)):
        counts = table[name]
        owing = sum(counts.values())
        prefectures.append(
            {
                "prefecture": name,
                "label": name or NO_PREFECTURE,
                "owed": owing,
                **counts,
                "share": round(counts["on_time"] / owing, 4) if owing else None,
            }
        )
    return {
        "reported_year": reported_year,
        "window_opens": opens.isoformat(),
        "window_closes": closes.isoformat(),
        "window_closed": today > closes,
        "prefectures": prefectures,
    }


def _licenses_by_state(province_code: str, en: bool) -> list[dict[str, Any]]:
    counts = dict(
        License.objects.filter(province_code=province_code)
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    lang = "en" if en else "zh-hans"
    return [
        {
            "state": state,
            "label": license_actions.state_label(state, lang),
            "count": counts.get(state, 0),
            "link": _url("licenses:list", state=state),
        }
        for state in license_actions.STATE_LABELS
        if counts.get(state)
    ]


def _site_findings(province_code: str, en: bool) -> list[dict[str, Any]]:
    """The open findings of the weekly site scans on the province's licenses, by finding code."""
    rows = {
        row["code"]: row
        for row in Finding.objects.filter(state=Finding.State.OPEN, license__province_code=province_code)
        .order_by()
        .values("code")
        .annotate(count=Count("id"), licenses=Count("license", distinct=True))
    }
    return [
        {
            "code": code,
            "label": english if en else zh,
            "severity": str(severity),
            "count": rows[code]["count"],
            "licenses": rows[code]["licenses"],
        }
        for code, (severity, zh, english) in sitecheck.CODES.items()
        if code in rows
    ]


def province_overview(user: Any, today: date, *, en: bool = False) -> dict[str, Any]:
    """The province at a glance (403 for anyone but the regulator's staff)."""
    require_regulator(user)
    province = user.organisation.province_code
    cases = access.visible_applications(user)
    return {
        "today": today.isoformat(),
        "province_code": province,
        "buckets": [{"key": key, "label": english if en else zh} for key, zh, english in BUCKETS],
        "caseload": _caseload(cases, today, en),
        "compliance": _compliance(province, today, en),
        "annual_reports": _annual(province, today),
        "licenses_by_state": _licenses_by_state(province, en),
        "site_findings": _site_findings(province, en),
    }


# ------------------------------------------------------------------ the province's search


def _prefix(field: str, text: str) -> Q:
    """``field`` starts with ``text``, as a range an index on ``field`` can answer, then exactly."""
    return Q(**{f"{field}__gte": text, f"{field}__lt": text + "\U0010ffff", f"{field}__startswith": text})


def _normalise(query: str) -> str:
    text = " ".join((query or "").split())
    for scheme in ("https://", "http://"):
        if text.lower().startswith(scheme):
            text = text[len(scheme) :]
    return text.rstrip("/")


def search(user: Any, query: str, *, en: bool = False) -> dict[str, Any]:
    """The province's filed cases and licenses by number, company name (its start), credit code or domain."""
    require_regulator(user)
    text = _normalise(query)
    if len(text) < 2:
        raise InvalidInput(
            "请输入至少 2 个字符：案件编号、许可证号、企业名称、统一社会信用代码或域名。",
            "Type at least 2 characters: a case or license number, a company, a credit code or a domain.",
            field="q",
        )
    province = user.organisation.province_code
    code = text.replace(" ", "").upper()
    domain = text.lower()
    firms = Enterprise.objects.filter(province_code=province).filter(
        Q(uscc=code) | Q(domain=domain) | _prefix("name", text)
    )
    cases = (
        access.visible_applications(user)
        .filter(Q(reference=text) | Q(reference=code) | Q(enterprise__in=firms.values("pk")))
        .select_related("enterprise")
        .order_by("-id")[:SEARCH_LIMIT]
    )
    licenses = (
        License.objects.filter(province_code=province)
        .filter(
            Q(number=text) | Q(number=code) | Q(holder__in=firms.values("pk")) | _prefix("holder_name", text)
        )
        .select_related("holder")
        .order_by("-id")[:SEARCH_LIMIT]
    )
    lang = "en" if en else "zh-hans"
    return {
        "query": text,
        "limit": SEARCH_LIMIT,
        "cases": [
            {
                "id": case.pk,
                "reference": case.reference,
                "company": case.enterprise.name,
                "uscc": case.enterprise.uscc,
                "domain": case.enterprise.domain,
                "state": case.state,
                "state_label": _state_label(case.state, en),
                "due_on": case.due_on.isoformat() if case.due_on else None,
                "link": reverse("cases:detail", args=[case.pk]),
            }
            for case in cases
        ],
        "licenses": [
            {
                "id": lic.pk,
                "number": lic.number,
                "company": lic.holder_name,
                "uscc": lic.holder.uscc,
                "domains": list(lic.domains or []),
                "state": lic.state,
                "state_label": license_actions.state_label(lic.state, lang),
                "expires_on": lic.expires_on.isoformat(),
                "link": reverse("licenses:detail", args=[lic.pk]),
            }
            for lic in licenses
        ],
    }
