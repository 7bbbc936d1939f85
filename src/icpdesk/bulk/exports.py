"""Every list a user can see, as a table for .xlsx or .csv: cases, enterprises, licenses, duties, assessments.

Each builder takes the user (its rows come from ``icpdesk.access`` and are
scoped like the pages), the page's filters and the language, and returns an
:class:`ExportTable`. Identity numbers and mobiles are masked for whoever sees
them masked on the pages (:func:`icpdesk.enterprises.access.sees_personal_data`).

The duties list is built from duties that the caller (above the notifications
app in the layers) has already computed: see :func:`duties_table`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from icpdesk.accounts.choices import OrgKind
from icpdesk.accounts.models import Mandate
from icpdesk.bulk.workbooks import CSV_TYPE, XLSX_TYPE, Red, table_csv, table_xlsx
from icpdesk.cases import access as case_access
from icpdesk.cases.models import Application
from icpdesk.core.identifiers import mask_id_number, mask_mobile
from icpdesk.core.lifecycle import STATE_LABELS
from icpdesk.enterprises import access
from icpdesk.enterprises.models import LEGAL_FORMS, EligibilityAssessment, Enterprise
from icpdesk.enterprises.services import search_filter
from icpdesk.lib.packs import current_pack
from icpdesk.licenses.actions import state_label as license_state_label
from icpdesk.licenses.services import visible_licenses

_STATE_LABELS = {state.value: labels for state, labels in STATE_LABELS.items()}
KINDS = ("cases", "enterprises", "licenses", "duties", "assessments")


@dataclass
class ExportTable:
    name: str  # file name stem, e.g. "cases"
    title: str  # sheet title
    headers: list[str]
    rows: Iterable[Sequence[Any]]
    notes: dict[int, str] = field(default_factory=dict)

    def render(self, fmt: str) -> tuple[bytes, str, str]:
        """(content, content type, file name) in ``xlsx`` or ``csv``."""
        stamp = timezone.localdate().isoformat()
        if fmt == "csv":
            return table_csv(self.headers, self.rows), CSV_TYPE, f"{self.name}-{stamp}.csv"
        return (
            table_xlsx(self.title, self.headers, self.rows, notes=self.notes),
            XLSX_TYPE,
            f"{self.name}-{stamp}.xlsx",
        )


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _yes(value: bool | None, lang: str) -> str:
    if value is None:
        return _t(lang, "未知", "unknown")
    return _t(lang, "是", "yes") if value else _t(lang, "否", "no")


def agency_viewer(agency: Any) -> Any:
    """An agency's consultant, unsaved: what the command line exports ``--agency`` as."""
    from icpdesk.accounts.choices import Role
    from icpdesk.accounts.models import User

    return User(username=f"agency-{agency.pk}", organisation=agency, roles=[Role.CONSULTANT], is_active=True)


def _enterprises(user: Any) -> Any:
    return Enterprise.objects.all() if user is None else access.visible_enterprises(user)


def _applications(user: Any) -> Any:
    return Application.objects.all() if user is None else case_access.visible_applications(user)


def _licenses(user: Any) -> Any:
    from icpdesk.licenses.models import License

    return License.objects.all() if user is None else visible_licenses(user)


def unmasked_enterprises(user: Any, ids: Iterable[int]) -> set[int]:
    """Of ``ids``, the enterprises whose personal data the user sees unmasked: the same answer as
    :func:`icpdesk.enterprises.access.sees_personal_data`, in one query for the whole list."""
    ids = list(ids)
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    organisation = user.organisation if user.organisation_id else None
    if organisation is None or not user.is_active or not user.valid_roles() or not ids:
        return set()
    if organisation.kind == OrgKind.AGENCY:
        return set(
            Mandate.objects.filter(
                agency=organisation, enterprise_id__in=ids, revoked_at__isnull=True, prepare=True
            ).values_list("enterprise_id", flat=True)
        )
    if organisation.kind == OrgKind.ENTERPRISE:
        return set(
            Enterprise.objects.filter(pk__in=ids, organisation=organisation).values_list("pk", flat=True)
        )
    if organisation.kind == OrgKind.REGULATOR:
        return set(
            Enterprise.objects.filter(
                access.filed("applications__"),
                pk__in=ids,
                province_code=organisation.province_code,
                applications__province_code=organisation.province_code,
            ).values_list("pk", flat=True)
        )
    return set()


def _chunks(queryset: Any, size: int = 2000) -> Iterator[list[Any]]:
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


# ---------------------------------------------------------------- cases


def cases_table(user: Any, filters: dict[str, Any] | None = None, lang: str = "zh-hans") -> ExportTable:
    """The case queue as the user sees it (``None``: the whole desk); an agency's filters as on its
    queue page."""
    from icpdesk.cases import queues

    filters = filters or {}
    today = timezone.localdate()
    organisation = getattr(user, "organisation", None)
    if organisation is not None and organisation.kind == OrgKind.AGENCY:
        queryset = queues.agency_cases(user, filters, today)
    else:
        queryset = _applications(user).order_by("due_on", "pk")
        if filters.get("state"):
            queryset = queryset.filter(state=filters["state"])
    queryset = queryset.select_related("enterprise").only(
        "reference",
        "kind",
        "license_type",
        "state",
        "prefecture",
        "due_step",
        "due_on",
        "due_provisional",
        "filed_on",
        "created_at",
        "enterprise__name",
        "enterprise__uscc",
    )
    headers = [
        _t(lang, "案件编号", "Reference"),
        _t(lang, "企业名称", "Company"),
        _t(lang, "统一社会信用代码", "Credit code"),
        _t(lang, "类型", "Kind"),
        _t(lang, "许可类型", "License type"),
        _t(lang, "状态", "State"),
        _t(lang, "所在市州", "Prefecture"),
        _t(lang, "当前步骤", "Current step"),
        _t(lang, "期限", "Due"),
        _t(lang, "逾期", "Overdue"),
        _t(lang, "申报日期", "Filed on"),
    ]

    def rows() -> Iterator[list[Any]]:
        for case in queryset.iterator(chunk_size=2000):
            zh, en = _STATE_LABELS.get(case.state, (case.state, case.state))
            overdue = bool(case.due_on and case.due_on < today)
            yield [
                case.reference,
                case.enterprise.name,
                case.enterprise.uscc,
                case.kind,
                case.license_type,
                en if lang == "en" else zh,
                case.prefecture,
                case.due_step,
                Red(case.due_on) if overdue else case.due_on,
                _yes(overdue, lang),
                case.filed_on,
            ]

    return ExportTable("cases", _t(lang, "案件", "Cases"), headers, rows())


# ---------------------------------------------------------------- enterprises


def enterprises_table(user: Any, filters: dict[str, Any] | None = None, lang: str = "zh-hans") -> ExportTable:
    filters = filters or {}
    latest = EligibilityAssessment.objects.filter(enterprise=OuterRef("pk")).order_by("-created_at", "-pk")
    queryset = _enterprises(user).annotate(
        latest_verdict=Subquery(latest.values("verdict")[:1]),
        latest_on=Subquery(latest.values("assessed_on")[:1]),
    )
    query = str(filters.get("q") or "").strip()
    if query:
        queryset = queryset.filter(search_filter(query))
    forms = {key: label.split(" / ")[1 if lang == "en" else 0] for key, label in LEGAL_FORMS}
    verdicts = {
        "eligible": _t(lang, "符合条件", "Eligible"),
        "not_eligible": _t(lang, "不符合条件", "Not eligible"),
        "incomplete": _t(lang, "信息不完整", "Incomplete"),
    }
    headers = [
        _t(lang, "企业名称", "Company"),
        _t(lang, "统一社会信用代码", "Credit code"),
        _t(lang, "企业类型", "Legal form"),
        _t(lang, "注册省份", "Province"),
        _t(lang, "所在市州", "Prefecture"),
        _t(lang, "法定代表人", "Legal representative"),
        _t(lang, "法定代表人身份证号", "Legal representative's ID number"),
        _t(lang, "联系手机", "Contact mobile"),
        _t(lang, "网站域名", "Domain"),
        _t(lang, "ICP备案号", "ICP filing number"),
        _t(lang, "最近评估结论", "Latest verdict"),
        _t(lang, "评估日期", "Assessed on"),
    ]

    def rows() -> Iterator[list[Any]]:
        for chunk in _chunks(queryset):
            clear = unmasked_enterprises(user, [e.pk for e in chunk])
            for e in chunk:
                shown = e.pk in clear
                yield [
                    e.name,
                    e.uscc,
                    forms.get(e.legal_form, e.legal_form),
                    e.province,
                    e.city,
                    e.legal_rep_name,
                    (e.legal_rep_id_number if shown else mask_id_number(e.legal_rep_id_number))
                    if e.legal_rep_id_number
                    else "",
                    (e.contact_phone if shown else mask_mobile(e.contact_phone)) if e.contact_phone else "",
                    e.domain,
                    e.icp_filing_number,
                    verdicts.get(e.latest_verdict or "", e.latest_verdict or ""),
                    e.latest_on,
                ]

    return ExportTable("enterprises", _t(lang, "企业", "Enterprises"), headers, rows())


# ---------------------------------------------------------------- licenses


def licenses_table(user: Any, filters: dict[str, Any] | None = None, lang: str = "zh-hans") -> ExportTable:
    filters = filters or {}
    queryset = _licenses(user).order_by("expires_on", "pk")
    if filters.get("state"):
        queryset = queryset.filter(state=filters["state"])
    today = timezone.localdate()
    headers = [
        _t(lang, "许可证编号", "License number"),
        _t(lang, "持证企业", "Holder"),
        _t(lang, "许可类型", "License type"),
        _t(lang, "发证日期", "Issued on"),
        _t(lang, "有效期至", "Expires on"),
        _t(lang, "状态", "State"),
        _t(lang, "不良记录", "Bad record"),
        _t(lang, "年报截止", "Annual report due"),
    ]

    def rows() -> Iterator[list[Any]]:
        for lic in queryset.only(
            "number",
            "holder_name",
            "license_type",
            "issued_on",
            "expires_on",
            "state",
            "bad_record",
            "annual_report_due_on",
        ).iterator(chunk_size=2000):
            state = license_state_label(lic.state, lang)
            yield [
                lic.number,
                lic.holder_name,
                lic.license_type,
                lic.issued_on,
                Red(lic.expires_on) if lic.expires_on < today else lic.expires_on,
                state if lic.state == "valid" else Red(state),
                _yes(lic.bad_record, lang),
                lic.annual_report_due_on,
            ]

    return ExportTable("licenses", _t(lang, "许可证", "Licenses"), headers, rows())


# ---------------------------------------------------------------- duties


def duties_table(duties: Iterable[Any], lang: str = "zh-hans", today: date | None = None) -> ExportTable:
    """Duties coming due (``icpdesk.notifications.duties.Duty``: kind, due_on, title_zh, title_en)."""
    today = today or timezone.localdate()
    kinds = {
        "annual_report_window": _t(lang, "年报窗口开启", "Annual report window opens"),
        "annual_report": _t(lang, "年度报告", "Annual report"),
        "renewal_open": _t(lang, "可申请续期", "Renewal opens"),
        "renewal_deadline": _t(lang, "续期截止", "Renewal deadline"),
        "change_returned": _t(lang, "变更退回", "Change filing returned"),
        "supplement": _t(lang, "补正", "Supplement"),
        "case_step": _t(lang, "案件步骤", "Case step"),
    }
    headers = [
        _t(lang, "期限", "Due on"),
        _t(lang, "类型", "Kind"),
        _t(lang, "事项", "Duty"),
        _t(lang, "剩余天数", "Days left"),
    ]

    def rows() -> Iterator[list[Any]]:
        for duty in sorted(duties, key=lambda d: (d.due_on, d.key)):
            left = (duty.due_on - today).days
            yield [
                Red(duty.due_on) if left < 0 else duty.due_on,
                kinds.get(duty.kind, duty.kind),
                duty.title_en if lang == "en" else duty.title_zh,
                Red(left) if left < 0 else left,
            ]

    return ExportTable("duties", _t(lang, "待办期限", "Duties"), headers, rows())


# ---------------------------------------------------------------- assessments


STATUS = {
    "pass": ("通过", "pass"),
    "fail": ("不通过", "fail"),
    "unknown": ("信息不足", "unknown"),
}


def assessments_table(user: Any, filters: dict[str, Any] | None = None, lang: str = "zh-hans") -> ExportTable:
    """One row per client with its latest kept assessment: the verdict, a column per rule of the pack (the
    rule's title as the header, failures in red), the remedies of the failing rules and the license advice."""
    filters = filters or {}
    pack = current_pack()
    rules = list(pack.rules)
    enterprises = _enterprises(user).only("pk", "name", "uscc", "city")
    verdicts = {
        "eligible": _t(lang, "符合条件", "Eligible"),
        "not_eligible": _t(lang, "不符合条件", "Not eligible"),
        "incomplete": _t(lang, "信息不完整", "Incomplete"),
    }
    headers = [
        _t(lang, "企业名称", "Company"),
        _t(lang, "统一社会信用代码", "Credit code"),
        _t(lang, "所在市州", "Prefecture"),
        _t(lang, "评估日期", "Assessed on"),
        _t(lang, "结论", "Verdict"),
        *[rule.title_en if lang == "en" else rule.title_zh for rule in rules],
        _t(lang, "整改建议", "Remedies"),
        _t(lang, "建议许可类型", "License types advised"),
    ]
    notes = {5 + i: rule.id for i, rule in enumerate(rules)}
    wanted = filters.get("verdict") or ""

    def rows() -> Iterator[list[Any]]:
        for chunk in _chunks(enterprises, 1000):
            latest: dict[int, EligibilityAssessment] = {}
            for assessment in (
                EligibilityAssessment.objects.filter(enterprise_id__in=[e.pk for e in chunk])
                .only("enterprise_id", "assessed_on", "verdict", "result", "created_at")
                .order_by("enterprise_id", "created_at", "pk")
            ):
                latest[assessment.enterprise_id] = assessment
            for e in chunk:
                found = latest.get(e.pk)
                if found is None:
                    if not wanted:
                        yield [
                            e.name,
                            e.uscc,
                            e.city,
                            None,
                            _t(lang, "未评估", "Not assessed"),
                            *[""] * len(rules),
                            "",
                            "",
                        ]
                    continue
                if wanted and found.verdict != wanted:
                    continue
                checks = {c["id"]: c for c in found.result.get("checks", [])}
                cells: list[Any] = []
                remedies: list[str] = []
                for rule in rules:
                    check = checks.get(rule.id)
                    if check is None:
                        cells.append("")
                        continue
                    zh, en = STATUS.get(check["status"], (check["status"], check["status"]))
                    text = en if lang == "en" else zh
                    if check["status"] == "fail":
                        cells.append(Red(text))
                        remedy = check.get("remedy") or (rule.remedy_en if lang == "en" else rule.remedy_zh)
                        if remedy:
                            remedies.append(f"{rule.title_en if lang == 'en' else rule.title_zh}：{remedy}")
                    else:
                        cells.append(text)
                advice = "；".join(
                    f"{t.get('code')}：{t.get('reason', '')}" for t in found.result.get("license_types", [])
                )
                verdict = verdicts.get(found.verdict, found.verdict)
                yield [
                    e.name,
                    e.uscc,
                    e.city,
                    found.assessed_on,
                    Red(verdict) if found.verdict == "not_eligible" else verdict,
                    *cells,
                    "\n".join(remedies),
                    advice,
                ]

    return ExportTable("assessments", _t(lang, "评估结果", "Assessments"), headers, rows(), notes)


BUILDERS = {
    "cases": cases_table,
    "enterprises": enterprises_table,
    "licenses": licenses_table,
    "assessments": assessments_table,
}

__all__ = ["BUILDERS", "KINDS", "ExportTable", "duties_table", "unmasked_enterprises"]
