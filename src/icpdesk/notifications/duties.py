"""What is coming due: every duty with a stable key, its owners, its due date and its reminder dates.

Kinds of duty and where they come from:

``annual_report_window``
    the annual report window opens (``License.annual_report_due_on`` names the window).
``annual_report``
    the last day of the window (``pack.annual_report_window[1]``).
``renewal_open``
    renewal opens: ``expires_on`` minus the pack's ``renewal_reminder`` (6 months).
``renewal_deadline``
    the national renewal deadline: ``expires_on`` minus ``renewal_deadline`` (90 days).
``change_returned``
    a change filing returned for correction, to be filed again within the pack's ``change_filing`` limit.
``supplement``
    an unanswered supplement notice (补正), owed by the enterprise and its agency.
``case_step``
    the pending step of a case in a regulator's queue, owed by the staff holding the queue's role.

Each duty reminds at thresholds: days before its due date (``30d``, ``7d``, ``1d``),
``overdue`` the day after, and for the windows ``open`` on the opening day. The
days are configurable per kind with the ``NOTIFICATION_THRESHOLDS`` setting
(``{"annual_report": [30, 7, 1, -1], ...}``: positive is before, ``-1`` the day after).

:func:`due_between` answers "which thresholds fall between two days" with
date-range filters on indexed columns only (``License (state,
annual_report_due_on)``, ``License (state, expires_on)``, ``ChangeFiling.state``,
``Application (state, due_on)``); :func:`duties_of_user` lists every due date of
one person, for the calendar feed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from icpdesk.accounts.choices import OrgKind, Scope
from icpdesk.accounts.models import Mandate, Organisation, User
from icpdesk.cases import access
from icpdesk.cases.models import Application, SupplementNotice
from icpdesk.core.lifecycle import QUEUE_ROLE, State
from icpdesk.core.periods import day_in_year, shift
from icpdesk.core.rules import RulePack
from icpdesk.lib.packs import current_pack
from icpdesk.licenses.models import AnnualReport, ChangeFiling, License

DEFAULT_THRESHOLDS: dict[str, tuple[int, ...]] = {
    "annual_report_window": (0,),
    "annual_report": (30, 7, 1, -1),
    "renewal_open": (30, 0),
    "renewal_deadline": (30, 7, 1, -1),
    "change_returned": (1, -1),
    "supplement": (3, 1, -1),
    "case_step": (3, 1, 0, -1),
}
OPENING_KINDS = frozenset({"annual_report_window", "renewal_open"})
KINDS = tuple(DEFAULT_THRESHOLDS)
CHUNK = 500


@dataclass(frozen=True, slots=True)
class Owner:
    """An organisation that owes a duty; ``role`` limits it to the staff holding that role."""

    organisation_id: int
    role: str = ""


@dataclass(slots=True)
class Duty:
    key: str
    kind: str
    due_on: date
    owners: tuple[Owner, ...]
    title_zh: str
    title_en: str
    link: str = ""
    # label -> the day the reminder at that threshold goes out
    fires: dict[str, date] = field(default_factory=dict)


def thresholds(kind: str) -> tuple[int, ...]:
    configured = getattr(settings, "NOTIFICATION_THRESHOLDS", None) or {}
    return tuple(configured.get(kind, DEFAULT_THRESHOLDS[kind]))


def label(kind: str, offset: int) -> str:
    if offset == 0 and kind in OPENING_KINDS:
        return "open"
    if offset < 0:
        return "overdue" if offset == -1 else f"overdue{-offset}d"
    return f"{offset}d"


def _fires(kind: str, due_on: date) -> dict[str, date]:
    return {label(kind, o): due_on - timedelta(days=o) for o in thresholds(kind)}


def _due_ranges(kind: str, start: date, end: date) -> list[tuple[date, date]]:
    """The due dates whose reminder falls in [start, end], one range per threshold."""
    return [(start + timedelta(days=o), end + timedelta(days=o)) for o in thresholds(kind)]


def _range_q(column: str, ranges: Iterable[tuple[date, date]]) -> Q:
    q = Q()
    for low, high in ranges:
        q |= Q(**{f"{column}__range": (low, high)})
    return q


# ------------------------------------------------------------------ owners


def _license_owners(rows: list[dict[str, Any]]) -> dict[int, tuple[Owner, ...]]:
    """holder_id -> the holder's organisation and the agencies mandated for annual reports and changes."""
    holders = {row["holder_id"]: row["holder__organisation_id"] for row in rows}
    agencies: dict[int, list[int]] = defaultdict(list)
    ids = list(holders)
    for i in range(0, len(ids), CHUNK):
        for enterprise_id, agency_id in Mandate.objects.filter(
            enterprise_id__in=ids[i : i + CHUNK], revoked_at__isnull=True, annual_and_changes=True
        ).values_list("enterprise_id", "agency_id"):
            agencies[enterprise_id].append(agency_id)
    return {
        holder: (Owner(org), *(Owner(a) for a in sorted(agencies.get(holder, []))))
        for holder, org in holders.items()
    }


def _regulators() -> dict[str, int]:
    return dict(
        Organisation.objects.filter(kind=OrgKind.REGULATOR)
        .exclude(province_code="")
        .order_by("-id")
        .values_list("province_code", "pk")
    )


# ------------------------------------------------------------------ license duties

LICENSE_VALUES = (
    "id",
    "number",
    "holder_id",
    "holder__organisation_id",
    "annual_report_due_on",
    "expires_on",
)


def _license_link(license_id: int) -> str:
    return f"/licenses/{license_id}/"


def _annual_duties(
    rows: list[dict[str, Any]], owners: dict[int, tuple[Owner, ...]], pack: RulePack
) -> Iterator[Duty]:
    for row in rows:
        due = row["annual_report_due_on"]
        if due is None:
            continue
        year = due.year - 1
        opens = day_in_year(due.year, pack.annual_report_window[0])
        common: dict[str, Any] = {"owners": owners[row["holder_id"]], "link": _license_link(row["id"])}
        yield Duty(
            key=f"annual:{row['id']}:{year}:open",
            kind="annual_report_window",
            due_on=opens,
            title_zh=f"许可证 {row['number']} 的 {year} 年度报告开始报送（截止 {due:%Y-%m-%d}）",
            title_en=f"The {year} annual report of license {row['number']} is open (due {due:%Y-%m-%d})",
            fires=_fires("annual_report_window", opens),
            **common,
        )
        yield Duty(
            key=f"annual:{row['id']}:{year}",
            kind="annual_report",
            due_on=due,
            title_zh=f"许可证 {row['number']} 的 {year} 年度报告",
            title_en=f"The {year} annual report of license {row['number']}",
            fires=_fires("annual_report", due),
            **common,
        )


def _renewal_duties(
    rows: list[dict[str, Any]], owners: dict[int, tuple[Owner, ...]], pack: RulePack
) -> Iterator[Duty]:
    opening, deadline = pack.limit("renewal_reminder"), pack.limit("renewal_deadline")
    for row in rows:
        expires = row["expires_on"]
        common: dict[str, Any] = {"owners": owners[row["holder_id"]], "link": _license_link(row["id"])}
        opens_on = shift(expires, -opening.value, opening.unit)
        yield Duty(
            key=f"renewal:{row['id']}:{expires:%Y%m%d}:open",
            kind="renewal_open",
            due_on=opens_on,
            title_zh=f"许可证 {row['number']} 可以申请续期（{expires:%Y-%m-%d} 到期）",
            title_en=f"License {row['number']} can be renewed (it expires on {expires:%Y-%m-%d})",
            fires=_fires("renewal_open", opens_on),
            **common,
        )
        last_day = shift(expires, -deadline.value, deadline.unit)
        yield Duty(
            key=f"renewal:{row['id']}:{expires:%Y%m%d}",
            kind="renewal_deadline",
            due_on=last_day,
            title_zh=f"许可证 {row['number']} 的续期申请（{expires:%Y-%m-%d} 到期）",
            title_en=f"The renewal of license {row['number']} (it expires on {expires:%Y-%m-%d})",
            fires=_fires("renewal_deadline", last_day),
            **common,
        )


def _annual_query(start: date, end: date, pack: RulePack) -> Q:
    """Licenses whose owed report has a reminder in [start, end] (window openings or the due date)."""
    q = _range_q("annual_report_due_on", _due_ranges("annual_report", start, end))
    # The window of year y opens on opens(y); its licenses carry annual_report_due_on == closes(y).
    for year in range(start.year, end.year + 1):
        opens = day_in_year(year, pack.annual_report_window[0])
        fire_days = [opens - timedelta(days=o) for o in thresholds("annual_report_window")]
        if any(start <= d <= end for d in fire_days):
            q |= Q(annual_report_due_on=day_in_year(year, pack.annual_report_window[1]))
    return q


def _renewal_query(start: date, end: date, pack: RulePack) -> Q:
    """Licenses whose renewal opening or deadline has a reminder in [start, end], by ``expires_on``.

    Counting months back is not one-to-one at month ends, so the expiry range is
    widened by a few days here and the exact dates are checked on the rows.
    """
    ranges: list[tuple[date, date]] = []
    for kind, limit_name in (("renewal_open", "renewal_reminder"), ("renewal_deadline", "renewal_deadline")):
        limit = pack.limit(limit_name)
        slack = timedelta(days=3 if limit.unit in ("month", "year") else 0)
        for low, high in _due_ranges(kind, start, end):
            ranges.append(
                (shift(low, limit.value, limit.unit) - slack, shift(high, limit.value, limit.unit) + slack)
            )
    return _range_q("expires_on", ranges)


def license_duties(start: date, end: date, pack: RulePack, licenses: Any = None) -> Iterator[Duty]:
    base = licenses if licenses is not None else License.objects.all()
    valid = base.filter(state="valid")
    annual_rows = list(valid.filter(_annual_query(start, end, pack)).values(*LICENSE_VALUES))
    if annual_rows:
        # A report already submitted for the year owed (a desk that has not moved the due date on).
        submitted = set(
            AnnualReport.objects.filter(
                license_id__in=[r["id"] for r in annual_rows], state="submitted"
            ).values_list("license_id", "year")
        )
        annual_rows = [
            r for r in annual_rows if (r["id"], r["annual_report_due_on"].year - 1) not in submitted
        ]
    renewal_rows = list(
        valid.filter(_renewal_query(start, end, pack), renewal_application__isnull=True).values(
            *LICENSE_VALUES
        )
    )
    owners = _license_owners(annual_rows + renewal_rows)
    yield from _annual_duties(annual_rows, owners, pack)
    yield from _renewal_duties(renewal_rows, owners, pack)


# ------------------------------------------------------------------ change filings


def _change_query(start: date, end: date, pack: RulePack) -> Q:
    limit = pack.limit("change_filing")
    q = Q(reviewed_on__range=(start, end))  # the "returned" reminder, on the day it was returned
    for low, high in _due_ranges("change_returned", start, end):
        q |= Q(
            reviewed_on__range=(shift(low, -limit.value, limit.unit), shift(high, -limit.value, limit.unit))
        )
    return q


KIND_ZH = {
    "company_name": "企业名称",
    "domain": "网站域名",
    "server_address": "服务器地址",
    "security_manager": "网络安全负责人",
}
KIND_EN = {
    "company_name": "company name",
    "domain": "domain",
    "server_address": "server address",
    "security_manager": "security manager",
}


def change_duties(start: date, end: date, pack: RulePack, filings: Any = None) -> Iterator[Duty]:
    """Change filings returned for correction and not filed again since."""
    limit = pack.limit("change_filing")
    base = filings if filings is not None else ChangeFiling.objects.all()
    refiled = ChangeFiling.objects.filter(
        license=OuterRef("license"), kind=OuterRef("kind"), pk__gt=OuterRef("pk")
    )
    rows = list(
        base.filter(state="returned", license__state="valid")
        .filter(_change_query(start, end, pack))
        .exclude(Exists(refiled))
        .values(
            "id",
            "kind",
            "reviewed_on",
            "license_id",
            "license__number",
            "license__holder_id",
            "license__holder__organisation_id",
        )
    )
    owners = _license_owners(
        [
            {
                "holder_id": r["license__holder_id"],
                "holder__organisation_id": r["license__holder__organisation_id"],
            }
            for r in rows
        ]
    )
    for row in rows:
        if row["reviewed_on"] is None:
            continue
        due = shift(row["reviewed_on"], limit.value, limit.unit)
        fires = {"returned": row["reviewed_on"], **_fires("change_returned", due)}
        yield Duty(
            key=f"change:{row['id']}",
            kind="change_returned",
            due_on=due,
            owners=owners[row["license__holder_id"]],
            title_zh=(
                f"许可证 {row['license__number']} 的{KIND_ZH.get(row['kind'], row['kind'])}变更被退回，"
                "请更正后重新报送"
            ),
            title_en=(
                f"The {KIND_EN.get(row['kind'], row['kind'])} change of license {row['license__number']} "
                "was returned: correct it and file it again"
            ),
            link=_license_link(row["license_id"]),
            fires=fires,
        )


# ------------------------------------------------------------------ cases


def supplement_duties(start: date, end: date, notices: Any = None) -> Iterator[Duty]:
    base = notices if notices is not None else SupplementNotice.objects.all()
    rows = base.filter(
        _range_q("due_on", _due_ranges("supplement", start, end)),
        answered_at__isnull=True,
        application__state="returned",
    ).values(
        "id",
        "due_on",
        "application_id",
        "application__reference",
        "application__agency_id",
        "application__enterprise__organisation_id",
    )
    for row in rows:
        owners = [Owner(row["application__enterprise__organisation_id"])]
        if row["application__agency_id"]:
            owners.append(Owner(row["application__agency_id"]))
        yield Duty(
            key=f"supplement:{row['id']}",
            kind="supplement",
            due_on=row["due_on"],
            owners=tuple(owners),
            title_zh=f"案件 {row['application__reference']} 的补正通知待答复",
            title_en=f"The supplement notice of case {row['application__reference']} awaits an answer",
            link=f"/cases/{row['application_id']}/",
            fires=_fires("supplement", row["due_on"]),
        )


# A returned case runs the applicant's clock (its supplement notice), not the reviewer's.
ROLE_BY_STATE = {state.value: str(role) for state, role in QUEUE_ROLE.items() if state != State.RETURNED}
STEP_ZH = {"acceptance": "受理", "inspection": "现场核查", "decision": "审核决定", "certificate": "发证"}


def case_step_duties(
    start: date, end: date, applications: Any = None, regulators: dict[str, int] | None = None
) -> Iterator[Duty]:
    base = applications if applications is not None else Application.objects.all()
    regulators = _regulators() if regulators is None else regulators
    rows = base.filter(
        _range_q("due_on", _due_ranges("case_step", start, end)),
        state__in=list(ROLE_BY_STATE),
    ).values("id", "reference", "state", "due_on", "due_step", "province_code")
    for row in rows:
        regulator = regulators.get(row["province_code"])
        if regulator is None:
            continue
        role = ROLE_BY_STATE[row["state"]]
        step = row["due_step"] or row["state"]
        due: date = row["due_on"]  # type: ignore[assignment]  # filtered on a range, never null
        yield Duty(
            key=f"case:{row['id']}:{step}:{due:%Y%m%d}",
            kind="case_step",
            due_on=due,
            owners=(Owner(regulator, role),),
            title_zh=f"案件 {row['reference']} 的{STEP_ZH.get(step, step)}期限",
            title_en=f"The {step} deadline of case {row['reference']}",
            link=f"/cases/{row['id']}/",
            fires=_fires("case_step", due),
        )


# ------------------------------------------------------------------ the two questions


def due_between(start: date, end: date, pack: RulePack | None = None) -> Iterator[Duty]:
    """Every duty with a reminder falling between ``start`` and ``end`` (inclusive)."""
    pack = pack or current_pack()
    yield from license_duties(start, end, pack)
    yield from change_duties(start, end, pack)
    yield from supplement_duties(start, end)
    yield from case_step_duties(start, end)


def duties_of_user(user: User, start: date, end: date, pack: RulePack | None = None) -> list[Duty]:
    """Every duty the person owes with a due date between ``start`` and ``end``, for the calendar feed."""
    pack = pack or current_pack()
    org = user.organisation
    if org is None or not user.is_active:
        return []
    far = (start - timedelta(days=400), end + timedelta(days=400))
    found: list[Duty] = []
    if org.kind == OrgKind.REGULATOR:
        roles = user.valid_roles()
        apps = access.visible_applications(user).filter(due_on__range=(start, end))
        found = [
            d
            for d in case_step_duties(*far, applications=apps, regulators={org.province_code: org.pk})
            if any(o.role in roles for o in d.owners)
        ]
    else:
        enterprises = access.visible_enterprises(user, Scope.ANNUAL_AND_CHANGES)
        licenses = License.objects.filter(holder__in=enterprises).filter(
            Q(annual_report_due_on__range=(start, end + timedelta(days=366)))
            | Q(expires_on__range=(start, shift(end, 7, "month")))
        )
        found.extend(license_duties(*far, pack, licenses=licenses))
        found.extend(
            change_duties(*far, pack, filings=ChangeFiling.objects.filter(license__holder__in=enterprises))
        )
        apps = access.visible_applications(user)
        found.extend(supplement_duties(*far, notices=SupplementNotice.objects.filter(application__in=apps)))
    # Only what this organisation itself owes (an agency owes its clients' duties only under a mandate).
    return sorted(
        (d for d in found if start <= d.due_on <= end and any(o.organisation_id == org.pk for o in d.owners)),
        key=lambda d: (d.due_on, d.key),
    )
