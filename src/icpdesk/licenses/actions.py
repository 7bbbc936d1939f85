"""One action per change of a license: its state, its annual reports, its change filings, its renewal.

Each action checks who acts (through :mod:`icpdesk.cases.access`), the license's
current state and its preconditions, and writes the change together with a
:class:`LicenseEvent` carrying the reason, in one transaction. Views, the API
and the sweep call them; nothing else writes a license's state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from icpdesk.accounts.choices import Role, Scope
from icpdesk.calendars.deadlines import due_for
from icpdesk.cases import access
from icpdesk.core import license_lifecycle as lifecycle
from icpdesk.core.identifiers import IdentifierError, normalize_domain
from icpdesk.core.license_lifecycle import LicenseTransition, TransitionError
from icpdesk.core.periods import shift
from icpdesk.core.rules import Limit, RulePack
from icpdesk.lib.errors import Forbidden, InvalidInput, InvalidTransition, NotFound, PreconditionFailed
from icpdesk.lib.packs import current_pack
from icpdesk.licenses import annual
from icpdesk.licenses.models import AnnualReport, ChangeFiling, License, LicenseEvent
from icpdesk.licenses.services import recorded_facts

if TYPE_CHECKING:
    from icpdesk.accounts.models import User
    from icpdesk.cases.models import Application

# The table is the core's; these views of it are what the pages and the public lookup show.
STATE_LABELS: dict[str, tuple[str, str]] = lifecycle.labels(
    {state.value: f"license.state.{state.value}" for state in lifecycle.LicenseState}
)
STATE_CHANGES: dict[str, LicenseTransition] = lifecycle.TRANSITIONS
ACTION_LABELS: dict[str, tuple[str, str]] = lifecycle.labels(
    {name: transition.label for name, transition in lifecycle.TRANSITIONS.items()}
)
REPORT_SECTIONS = ("operations", "security", "complaints")


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def state_label(state: str, lang: str = "zh-hans") -> str:
    return lifecycle.state_label(state, lang)


def _refused(code: str, state: str, transition: str | None = None) -> InvalidTransition:
    return InvalidTransition(
        lifecycle.refusal(code, state, "zh-hans", transition),
        lifecycle.refusal(code, state, "en", transition),
        state=state,
    )


def _not_found() -> NotFound:
    return NotFound("没有找到该许可证。", "No such license.")


def load_license(user: User | Any, license_id: int, scope: str = Scope.VIEW) -> License:
    """The license if the user may see its holder; otherwise the same 404 as for no license."""
    from icpdesk.licenses.services import visible_licenses

    found = visible_licenses(user, scope).select_related("holder").filter(pk=license_id).first()
    if found is None:
        raise _not_found()
    return found


def _lock(license_: License) -> License:
    """Re-read the license under a row lock, so two actions on it never interleave."""
    locked = License.objects.select_for_update().get(pk=license_.pk)
    for field in (
        "state",
        "state_changed_on",
        "bad_record",
        "annual_report_due_on",
        "renewal_application_id",
    ):
        setattr(license_, field, getattr(locked, field))
    return locked


def _sees(user: User | Any, license_: License) -> bool:
    return access.visible_enterprises(user).filter(pk=license_.holder_id).exists()


def _event(
    license_: License,
    user: User | None,
    action: str,
    on: date,
    *,
    reason: str = "",
    from_state: str = "",
    to_state: str = "",
    changes: Mapping[str, Any] | None = None,
) -> LicenseEvent:
    return LicenseEvent.objects.create(
        license=license_,
        actor=user,
        action=action,
        on=on,
        reason=reason,
        from_state=from_state,
        to_state=to_state,
        changes=dict(changes or {}),
    )


def _authorise_change(user: User | None, license_: License, change: LicenseTransition) -> None:
    """Who may take ``change`` is the table's; an actor it does not name is refused."""
    if user is None:
        if lifecycle.may_take(change, system=True):
            return
        raise _not_found()
    if not _sees(user, license_):
        raise _not_found()
    if change.actor == lifecycle.OWNER:
        if not lifecycle.may_take(change, owner=access.is_enterprise_owner(user, license_.holder)):
            raise Forbidden(
                "只有持证企业的负责人可以注销许可证。",
                "Only the holder enterprise's owner may cancel the license.",
            )
        return
    roles = [role for role in change.roles if access.has_regulator_role(user, role, license_.province_code)]
    if not lifecycle.may_take(change, roles=roles):
        raise Forbidden("您无权变更该许可证的状态。", "You may not change this license's state.")


@transaction.atomic
def change_state(
    user: User | None, license_: License, name: str, *, reason: str = "", today: date | None = None
) -> License:
    """Move the license along the state change ``name`` with its reason on the history."""
    change = lifecycle.TRANSITIONS[name]
    today = _today(today)
    _authorise_change(user, license_, change)
    reason = (reason or "").strip()
    if change.reason_required and not reason:
        raise InvalidInput("请填写理由。", "Give a reason.", field="reason")
    locked = _lock(license_)
    try:
        lifecycle.check_transition(name, locked.state)
    except TransitionError:
        raise _refused("license.refused.transition", locked.state, name) from None
    if name == "expire" and not locked.expires_on < today:
        raise PreconditionFailed(
            f"许可证有效期至 {locked.expires_on:%Y-%m-%d}，尚未到期。",
            f"The license is valid until {locked.expires_on:%Y-%m-%d}; it has not expired.",
        )
    from_state = locked.state
    locked.state = change.target
    locked.state_changed_on = today
    locked.save(update_fields=["state", "state_changed_on"])
    license_.state, license_.state_changed_on = locked.state, today
    _event(license_, user, name, today, reason=reason, from_state=from_state, to_state=change.target)
    return license_


def lapse_license(user: User | None, license_: License, *, reason: str, today: date | None = None) -> License:
    return change_state(user, license_, "lapse", reason=reason, today=today)


def expire_license(license_: License, *, today: date | None = None) -> License:
    today = _today(today)
    reason = f"有效期至 {license_.expires_on:%Y-%m-%d} 届满 / validity ended {license_.expires_on:%Y-%m-%d}"
    return change_state(None, license_, "expire", reason=reason, today=today)


def suspend_license(user: User, license_: License, *, reason: str, today: date | None = None) -> License:
    return change_state(user, license_, "suspend", reason=reason, today=today)


def reinstate_license(user: User, license_: License, *, reason: str, today: date | None = None) -> License:
    return change_state(user, license_, "reinstate", reason=reason, today=today)


def revoke_license(user: User, license_: License, *, reason: str, today: date | None = None) -> License:
    return change_state(user, license_, "revoke", reason=reason, today=today)


def cancel_license(user: User, license_: License, *, reason: str, today: date | None = None) -> License:
    return change_state(user, license_, "cancel", reason=reason, today=today)


@transaction.atomic
def mark_bad_record(license_: License, *, reason: str, today: date | None = None) -> bool:
    """Put the holder on the bad-record list (national pack); False when it already is."""
    today = _today(today)
    locked = _lock(license_)
    if locked.bad_record or not lifecycle.allows("bad_record", locked.state):
        return False
    locked.bad_record = True
    locked.save(update_fields=["bad_record"])
    license_.bad_record = True
    _event(license_, None, "bad_record", today, reason=reason, changes={"bad_record": True})
    return True


# ------------------------------------------------------------ annual reports


def _authorise_holder_side(user: User | Any, license_: License) -> None:
    if not _sees(user, license_):
        raise _not_found()
    if not access.is_applicant_side(user, license_.holder, Scope.ANNUAL_AND_CHANGES):
        raise Forbidden(
            "您无权为该企业填报年报或变更。",
            "You may not file annual reports or changes for this enterprise.",
        )


def owed_report_year(license_: License, today: date) -> int:
    """The year whose report the license owes next (see :func:`icpdesk.licenses.annual.owed_year`)."""
    return annual.owed_year(current_pack(), license_.issued_on, license_.annual_report_due_on, today)


def _clean_report(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    cleaned: dict[str, dict[str, Any]] = {}
    for section in REPORT_SECTIONS:
        value = data.get(section) or {}
        if not isinstance(value, Mapping):
            raise InvalidInput("年报内容格式无效。", "The report's content is malformed.", field=section)
        cleaned[section] = {str(k): v for k, v in value.items() if v not in (None, "")}
    return cleaned


def _report_for(license_: License, year: int, today: date) -> AnnualReport:
    pack = current_pack()
    done = AnnualReport.objects.filter(license=license_, year=year, state="submitted").first()
    if done is not None:  # final: said before "not owed", which it no longer is once filed
        raise InvalidTransition(
            f"{year} 年度报告已于 {done.submitted_on:%Y-%m-%d} 提交，不能再修改。",
            f"The {year} report was submitted on {done.submitted_on:%Y-%m-%d}; it can no longer change.",
            state="submitted",
        )
    if year != owed_report_year(license_, today) or license_.issued_on.year > year:
        raise PreconditionFailed(
            f"该许可证现在不需要报送 {year} 年度报告。",
            f"The license owes no report on {year} now.",
            field="year",
        )
    opens, closes = annual.window(pack, year + 1)
    if today < opens:
        raise PreconditionFailed(
            f"{year} 年度报告的报送期为 {opens:%Y-%m-%d} 至 {closes:%Y-%m-%d}，尚未开始。",
            f"The {year} report is filed from {opens:%Y-%m-%d} to {closes:%Y-%m-%d}; that has not begun.",
            field="year",
        )
    report, _created = AnnualReport.objects.select_for_update().get_or_create(
        license=license_, year=year, defaults={"window_opens_on": opens, "due_on": closes}
    )
    if report.state == "submitted":
        raise InvalidTransition(
            f"{year} 年度报告已于 {report.submitted_on:%Y-%m-%d} 提交，不能再修改。",
            f"The {year} report was submitted on {report.submitted_on:%Y-%m-%d}; it can no longer change.",
            state="submitted",
        )
    return report


def _check_reportable(license_: License) -> None:
    if not lifecycle.allows("annual_report", license_.state):
        raise _refused("license.refused.annual_report", license_.state)


@transaction.atomic
def save_annual_report(
    user: User, license_: License, year: int, data: Mapping[str, Any], *, today: date | None = None
) -> AnnualReport:
    """Save the report as a draft (it can change until it is submitted)."""
    today = _today(today)
    _authorise_holder_side(user, license_)
    _lock(license_)
    _check_reportable(license_)
    report = _report_for(license_, year, today)
    cleaned = _clean_report(data)
    for section in REPORT_SECTIONS:
        setattr(report, section, cleaned[section])
    report.updated_at = timezone.now()
    report.save()
    return report


@transaction.atomic
def submit_annual_report(
    user: User, license_: License, year: int, data: Mapping[str, Any], *, today: date | None = None
) -> AnnualReport:
    """Submit the report: final, no edits after; the next one falls due a year later."""
    today = _today(today)
    _authorise_holder_side(user, license_)
    locked = _lock(license_)
    _check_reportable(license_)
    report = _report_for(license_, year, today)
    cleaned = _clean_report(data)
    for section in REPORT_SECTIONS:
        if not cleaned[section]:
            raise InvalidInput(
                f"请填写年报的“{SECTION_LABELS[section][0]}”部分。",
                f"Fill in the report's {SECTION_LABELS[section][1]} section.",
                field=section,
            )
        setattr(report, section, cleaned[section])
    report.state = "submitted"
    report.submitted_on = today
    report.submitted_by = user
    report.updated_at = timezone.now()
    report.save()
    pack = current_pack()
    next_due = annual.next_due_after_report(pack, year)
    fields = ["annual_report_due_on"]
    locked.annual_report_due_on = max(next_due, locked.annual_report_due_on or next_due)
    late = today > report.due_on
    changes: dict[str, Any] = {"year": year, "late": late}
    if locked.bad_record:
        locked.bad_record = False
        fields.append("bad_record")
        changes["bad_record"] = False
    locked.save(update_fields=fields)
    license_.annual_report_due_on, license_.bad_record = locked.annual_report_due_on, locked.bad_record
    _event(
        license_,
        user,
        "annual_report",
        today,
        reason=f"报送 {year} 年度报告{'（逾期）' if late else ''} / filed the {year} annual report"
        + (" (late)" if late else ""),
        changes=changes,
    )
    return report


SECTION_LABELS: dict[str, tuple[str, str]] = {
    "operations": ("经营情况", "operations"),
    "security": ("网络与信息安全", "network and information security"),
    "complaints": ("投诉处理", "complaint handling"),
}


# ------------------------------------------------------------ change filings

CHANGE_FIELDS = {
    "company_name": "holder_name",
    "domain": "domains",
    "server_address": "server_locations",
    "security_manager": "security_manager",
}


def current_value(license_: License, kind: str) -> str:
    value = getattr(license_, CHANGE_FIELDS[kind])
    return "、".join(value) if isinstance(value, list) else str(value or "")


def _clean_after(kind: str, after: str) -> str:
    after = (after or "").strip()
    if not after:
        raise InvalidInput("请填写变更后的内容。", "Give the new value.", field="after")
    if kind == "domain":
        try:
            return normalize_domain(after).domain
        except IdentifierError as error:
            raise InvalidInput(error.message_zh, error.message_en, field="after") from None
    return after[:300]


@transaction.atomic
def file_change(
    user: User, license_: License, kind: str, after: str, happened_on: date, *, today: date | None = None
) -> ChangeFiling:
    """File a change with the date it happened; due within the pack's limit, flagged late after."""
    today = _today(today)
    _authorise_holder_side(user, license_)
    if kind not in CHANGE_FIELDS:
        raise InvalidInput("变更事项无效。", "Unknown kind of change.", field="kind")
    if happened_on > today:
        raise InvalidInput(
            "变更日期不能晚于今天。", "The change cannot have happened after today.", field="happened_on"
        )
    locked = _lock(license_)
    if not lifecycle.allows("change_filing", locked.state):
        raise _refused("license.refused.change_filing", locked.state)
    cleaned = _clean_after(kind, after)
    before = current_value(locked, kind)
    if cleaned == before:
        raise InvalidInput(
            "变更后的内容与现有记录相同。", "The new value equals the recorded one.", field="after"
        )
    try:
        due = due_for("change_filing", happened_on)
    except ValueError:  # a day the working-day calendar does not cover (years 2000 to 2100)
        raise InvalidInput(
            f"变更日期 {happened_on:%Y-%m-%d} 超出了可计算期限的范围。",
            f"The change date {happened_on:%Y-%m-%d} is outside the range the deadline can be counted in.",
            field="happened_on",
        ) from None
    filing = ChangeFiling.objects.create(
        license=license_,
        kind=kind,
        before=before,
        after=cleaned,
        happened_on=happened_on,
        due_on=due.on,
        due_provisional=due.provisional,
        filed_on=today,
        late=today > due.on,
        filed_by=user,
    )
    _event(
        license_,
        user,
        "change_filed",
        today,
        reason=f"提交变更（{filing.get_kind_display()}）{'，逾期' if filing.late else ''}",
        changes={"field": kind, "before": before, "after": cleaned, "filing": filing.pk, "late": filing.late},
    )
    return filing


def load_filing(user: User | Any, filing_id: int) -> ChangeFiling:
    from icpdesk.licenses.services import visible_licenses

    filing = (
        ChangeFiling.objects.select_related("license", "license__holder")
        .filter(pk=filing_id, license__in=visible_licenses(user))
        .first()
    )
    if filing is None:
        raise NotFound("没有找到该变更。", "No such change filing.")
    return filing


def _authorise_review(user: User, filing: ChangeFiling) -> ChangeFiling:
    if not _sees(user, filing.license):
        raise NotFound("没有找到该变更。", "No such change filing.")
    if not access.has_regulator_role(user, Role.REVIEWER, filing.license.province_code):
        raise Forbidden(
            "只有受理审查员可以确认或退回变更。", "Only a reviewer may acknowledge or return a change."
        )
    locked = ChangeFiling.objects.select_for_update().get(pk=filing.pk)
    if locked.state != "filed":
        raise InvalidTransition(
            "该变更已处理。", "This change has already been dealt with.", state=locked.state
        )
    return locked


@transaction.atomic
def acknowledge_change(user: User, filing: ChangeFiling, *, today: date | None = None) -> ChangeFiling:
    """Accept the change: the license record and the enterprise profile take the new value."""
    today = _today(today)
    locked = _authorise_review(user, filing)
    license_ = _lock(filing.license)
    before_facts = recorded_facts(license_)
    enterprise = license_.holder
    enterprise_fields: list[str] = []
    if locked.kind == "company_name":
        license_.holder_name = locked.after
        enterprise.name = locked.after
        enterprise_fields = ["name"]
    elif locked.kind == "domain":
        license_.domains = [locked.after]
        enterprise.domain = locked.after
        enterprise_fields = ["domain"]
    elif locked.kind == "server_address":
        license_.server_locations = [locked.after]
        enterprise.server_address = locked.after
        enterprise_fields = ["server_address"]
    else:
        license_.security_manager = locked.after
    license_.save(update_fields=[CHANGE_FIELDS[locked.kind]])
    if enterprise_fields:
        enterprise.save(update_fields=[*enterprise_fields, "updated_at"])
    locked.state = "acknowledged"
    locked.reviewed_by = user
    locked.reviewed_on = today
    locked.save(update_fields=["state", "reviewed_by", "reviewed_on"])
    _event(
        license_,
        user,
        "change_acknowledged",
        today,
        reason=f"确认变更（{locked.get_kind_display()}）",
        changes={
            "field": locked.kind,
            "before": locked.before,
            "after": locked.after,
            "filing": locked.pk,
            "facts_before": before_facts,
            "facts_after": recorded_facts(license_),
        },
    )
    filing.refresh_from_db()
    filing.license = license_
    return filing


@transaction.atomic
def return_change(
    user: User, filing: ChangeFiling, *, reason: str, today: date | None = None
) -> ChangeFiling:
    today = _today(today)
    reason = (reason or "").strip()
    locked = _authorise_review(user, filing)
    if not reason:
        raise InvalidInput("请填写退回理由。", "Give the reason for returning the change.", field="reason")
    locked.state = "returned"
    locked.reviewed_by = user
    locked.reviewed_on = today
    locked.review_reason = reason
    locked.save(update_fields=["state", "reviewed_by", "reviewed_on", "review_reason"])
    _event(
        filing.license,
        user,
        "change_returned",
        today,
        reason=reason,
        changes={"field": locked.kind, "after": locked.after, "filing": locked.pk},
    )
    filing.refresh_from_db()
    return filing


# ------------------------------------------------------------------ renewal


def _before(day: date, limit: Limit) -> date:
    return shift(day, -limit.value, limit.unit)


@dataclass(frozen=True, slots=True)
class RenewalWindow:
    opens_on: date
    deadline: date
    expires_on: date


def renewal_window(license_: License, pack: RulePack | None = None) -> RenewalWindow:
    pack = pack or current_pack()
    return RenewalWindow(
        opens_on=_before(license_.expires_on, pack.limit("renewal_reminder")),
        deadline=_before(license_.expires_on, pack.limit("renewal_deadline")),
        expires_on=license_.expires_on,
    )


RENEWAL_OPEN_CASE_STATES = frozenset({"rejected", "withdrawn", "lapsed"})


@transaction.atomic
def start_renewal(user: User, license_: License, *, today: date | None = None) -> Application:
    """Open the renewal case, only inside the window; after the national deadline it is marked late."""
    from icpdesk.cases.actions import create_application

    today = _today(today)
    if not _sees(user, license_):
        raise _not_found()
    if not access.is_applicant_side(user, license_.holder, Scope.PREPARE):
        raise Forbidden("您无权为该企业申请续期。", "You may not apply for this enterprise's renewal.")
    locked = _lock(license_)
    if not lifecycle.allows("renewal", locked.state):
        raise _refused("license.refused.renewal", locked.state)
    window = renewal_window(locked)
    if today < window.opens_on:
        raise PreconditionFailed(
            f"续期自 {window.opens_on:%Y-%m-%d} 起办理（到期前）。",
            f"Renewal opens on {window.opens_on:%Y-%m-%d}.",
            opens_on=window.opens_on.isoformat(),
        )
    if today > locked.expires_on:
        raise PreconditionFailed("许可证已到期，请重新申请。", "The license has expired; apply anew.")
    if locked.renewal_application_id is not None:
        previous = locked.renewal_application
        if previous is not None and previous.state not in RENEWAL_OPEN_CASE_STATES:
            raise PreconditionFailed(
                f"已有续期申请 {previous.reference}。",
                f"A renewal case is already open: {previous.reference}.",
            )
    application = create_application(user, license_.holder, kind="renewal", license_type=locked.license_type)
    late = today > window.deadline
    locked.renewal_application = application
    locked.save(update_fields=["renewal_application"])
    license_.renewal_application = application
    _event(
        license_,
        user,
        "renewal_started",
        today,
        reason=(
            f"续期申请 {application.reference}"
            + (f"（逾期：应于 {window.deadline:%Y-%m-%d} 前申请）" if late else "")
            + f" / renewal case {application.reference}"
            + (f" (late: due by {window.deadline:%Y-%m-%d})" if late else "")
        ),
        changes={"application": application.pk, "late": late, "deadline": window.deadline.isoformat()},
    )
    return application
