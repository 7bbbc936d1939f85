"""The facts a document is filled with, taken from the enterprise profile and the case.

Nothing is invented: a fact the profile lacks becomes a marked blank
(``【待填写：法定代表人】``) in the document and is listed in ``missing``, so
the person who prints it knows what to fill in by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from icpdesk.cases.models import Application, AuditEvent
from icpdesk.core.lifecycle import PENDING_STEP, STATE_LABELS, STEPS, TRANSITIONS, State
from icpdesk.core.material_rules import is_mainland
from icpdesk.core.periods import shift
from icpdesk.core.rules import RulePack
from icpdesk.enterprises.models import LEGAL_FORMS, MODULES, Enterprise, SecurityStaff
from icpdesk.lib.packs import current_pack, pack_named
from icpdesk.paperwork.documents import Document

#: Every fact a template may use, with the label its blank carries.
FACT_LABELS: dict[str, str] = {
    "company_name": "企业名称",
    "credit_code": "统一社会信用代码",
    "legal_form": "企业类型",
    "legal_rep_name": "法定代表人",
    "address": "住所",
    "registered_on": "成立日期",
    "registered_capital": "注册资本",
    "business_scope": "经营范围",
    "contact_phone": "联系电话",
    "domain": "网站域名",
    "icp_filing_number": "ICP备案号",
    "server_address": "服务器地址",
    "server_regions": "服务器所在地区",
    "modules": "网站功能模块",
    "security_manager": "网络安全负责人",
}

#: ISO 3166-2 codes of mainland provinces and the regions outside it, as written in documents.
REGION_NAMES: dict[str, str] = {
    "CN-BJ": "北京市",
    "CN-TJ": "天津市",
    "CN-HE": "河北省",
    "CN-SX": "山西省",
    "CN-NM": "内蒙古自治区",
    "CN-LN": "辽宁省",
    "CN-JL": "吉林省",
    "CN-HL": "黑龙江省",
    "CN-SH": "上海市",
    "CN-JS": "江苏省",
    "CN-ZJ": "浙江省",
    "CN-AH": "安徽省",
    "CN-FJ": "福建省",
    "CN-JX": "江西省",
    "CN-SD": "山东省",
    "CN-HA": "河南省",
    "CN-HB": "湖北省",
    "CN-HN": "湖南省",
    "CN-GD": "广东省",
    "CN-GX": "广西壮族自治区",
    "CN-HI": "海南省",
    "CN-CQ": "重庆市",
    "CN-SC": "四川省",
    "CN-GZ": "贵州省",
    "CN-YN": "云南省",
    "CN-XZ": "西藏自治区",
    "CN-SN": "陕西省",
    "CN-GS": "甘肃省",
    "CN-QH": "青海省",
    "CN-NX": "宁夏回族自治区",
    "CN-XJ": "新疆维吾尔自治区",
    "CN-HK": "香港",
    "CN-MO": "澳门",
    "CN-TW": "台湾",
}

MODULE_NAMES: dict[str, str] = {key: label.split(" / ")[0] for key, label in MODULES}
LEGAL_FORM_NAMES: dict[str, str] = {key: label.split(" / ")[0] for key, label in LEGAL_FORMS}

#: Audit actions that are not transitions, as the weekly report names them.
EVENT_LABELS: dict[str, str] = {
    "create": "创建案件",
    "comment": "留言",
    "material_upload": "上传材料",
    "material_accept": "材料认可",
    "material_return": "材料退回",
    "material_forged": "材料标记为伪造",
    "paperwork_generate": "生成文书",
}

STEP_LABELS: dict[str, str] = {s.id: s.label_zh for s in STEPS} | {"supplement": "答复补正"}

#: What each trading module collects and why, for the privacy policy (PIPL: purpose and necessity).
MODULE_DATA: dict[str, tuple[str, str]] = {
    "product_display": ("浏览记录、搜索关键词、设备型号与网络信息", "展示商品，保障浏览安全"),
    "user_registration": ("手机号码、用户名、密码摘要（不保存密码原文）", "注册和登录账户，实名验证"),
    "order_payment": ("收货人姓名、手机号码、收货地址、订单金额与支付状态", "完成下单与支付"),
    "order_management": ("订单记录、售后记录、发票信息", "订单查询、售后服务，依法留存交易记录"),
    "logistics_tracking": ("收货地址、物流单号、配送状态", "配送商品，查询物流"),
}

#: The content categories the self-review report checks (site.content).
CONTENT_CATEGORIES: tuple[str, ...] = (
    "反对宪法所确定的基本原则的信息",
    "危害国家安全、泄露国家秘密、颠覆国家政权、破坏国家统一的信息",
    "损害国家荣誉和利益的信息",
    "煽动民族仇恨、民族歧视，破坏民族团结的信息",
    "破坏国家宗教政策，宣扬邪教和封建迷信的信息",
    "散布谣言，扰乱社会秩序，破坏社会稳定的信息",
    "散布淫秽、色情、赌博、暴力、凶杀、恐怖或者教唆犯罪的信息",
    "侮辱或者诽谤他人，侵害他人合法权益的信息",
    "假冒伪劣商品及禁止、限制网络交易的商品信息",
    "未经许可的金融服务信息（如购物分期、网络借贷）",
)


def blank(label: str) -> str:
    return f"【待填写：{label}】"


def zh_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _capital(amount: int | None) -> str:
    if not amount:
        return ""
    if amount % 10_000 == 0:
        return f"{amount // 10_000:,} 万元人民币"
    return f"{amount:,} 元人民币"


def _manager(staff: Sequence[SecurityStaff]) -> SecurityStaff | None:
    full_time = [s for s in staff if s.full_time]
    people = full_time or list(staff)
    return people[0] if people else None


@dataclass
class Filled:
    """The values a template is rendered with, and the labels of the facts left blank."""

    values: dict[str, Any]
    missing: list[str] = field(default_factory=list)


def enterprise_facts(enterprise: Enterprise, staff: Sequence[SecurityStaff] | None = None) -> dict[str, str]:
    """The raw facts of the profile, as text; an empty string where the profile has nothing."""
    people = list(enterprise.security_staff.all()) if staff is None else list(staff)
    manager = _manager(people)
    return {
        "company_name": enterprise.name,
        "credit_code": enterprise.uscc,
        "legal_form": LEGAL_FORM_NAMES.get(enterprise.legal_form, ""),
        "legal_rep_name": enterprise.legal_rep_name,
        "address": enterprise.address,
        "registered_on": zh_date(enterprise.registered_on),
        "registered_capital": _capital(enterprise.registered_capital_cny),
        "business_scope": enterprise.business_scope,
        "contact_phone": enterprise.contact_phone or "",
        "domain": enterprise.domain,
        "icp_filing_number": enterprise.icp_filing_number,
        "server_address": enterprise.server_address,
        "server_regions": "、".join(
            REGION_NAMES.get(str(code).upper(), str(code)) for code in enterprise.server_regions or []
        ),
        "modules": "、".join(MODULE_NAMES.get(m, m) for m in enterprise.modules or []),
        "security_manager": manager.name if manager else "",
    }


def build(
    document: Document,
    enterprise: Enterprise,
    application: Application | None = None,
    *,
    today: date | None = None,
    staff: Sequence[SecurityStaff] | None = None,
) -> Filled:
    """Every value a template of ``document`` may use; blanks marked, needed blanks listed."""
    today = today or timezone.localdate()
    raw = enterprise_facts(enterprise, staff)
    values: dict[str, Any] = {key: value or blank(FACT_LABELS[key]) for key, value in raw.items()}
    missing = [FACT_LABELS[key] for key in document.facts if not raw.get(key)]
    people = list(enterprise.security_staff.all()) if staff is None else list(staff)
    manager = _manager(people)
    modules = [MODULE_NAMES.get(m, m) for m in enterprise.modules or []]
    values.update(
        {
            "document_title": document.name_zh,
            "platform_name": f"{enterprise.name}网上交易平台",
            "modules_list": modules or [blank(FACT_LABELS["modules"])],
            "security_manager_major": (manager.major if manager else "") or blank("专业背景"),
            "security_manager_certificates": "、".join(manager.certificates or [])
            if manager and manager.certificates
            else blank("安全证书"),
            "content_categories": list(CONTENT_CATEGORIES),
            "privacy_rows": [
                {"module": MODULE_NAMES.get(m, m), "data": MODULE_DATA[m][0], "purpose": MODULE_DATA[m][1]}
                for m in enterprise.modules or []
                if m in MODULE_DATA
            ],
            "general_manager": "总经理 " + blank("总经理姓名"),
            "drill_rows": ["", "", ""],
            "today": zh_date(today),
            "today_iso": today.isoformat(),
            "period_from": zh_date(shift(today, -2, "year")),
            "period_to": zh_date(today),
            "case_reference": application.reference if application else "",
            "license_type": application.license_type if application else "B25",
            "case_state": STATE_LABELS[State(application.state)][0] if application else "",
            "filed_on": zh_date(application.filed_on) if application else "",
            "server_location_statement": _location_statement(enterprise.server_regions or []),
            "province": enterprise.province or "甘肃省",
            "city": enterprise.city,
        }
    )
    return Filled(values, missing)


NOT_MAINLAND = frozenset({"CN-HK", "CN-MO", "CN-TW"})


def _location_statement(regions: Sequence[str]) -> str:
    """What the documents may say about where the servers are: only what the profile shows."""
    codes = [str(r).upper() for r in regions]
    if not codes:
        return "服务器所在地区" + blank("服务器所在地区") + "。"
    if all(c.startswith("CN-") and c not in NOT_MAINLAND for c in codes):
        return "全部服务器位于中国大陆境内。"
    names = "、".join(REGION_NAMES.get(c, c) for c in codes)
    return f"服务器位于{names}（注意：位于中国大陆境外的服务器不符合许可条件）。"


# ------------------------------------------------------------------ what a document may claim


REGION_NAMES_EN = {"CN-HK": "Hong Kong", "CN-MO": "Macao", "CN-TW": "Taiwan"}


def contradictions(document_id: str, enterprise: Enterprise) -> list[tuple[str, str]]:
    """The claims ``document_id`` would make that the profile contradicts, each as (zh, en) reasons.

    The desk drafts documents for the applicant to sign and stamp: it never
    drafts one that states what the profile shows to be false. A document with
    a reason here is refused with it; the others state only the profile's facts.
    """
    reasons: list[tuple[str, str]] = []
    regions = [str(r).upper() for r in enterprise.server_regions or []]
    abroad = [r for r in regions if not is_mainland(r)]
    if document_id in ("privacy_policy", "data_security_rules") and abroad:
        names = "、".join(REGION_NAMES.get(r, r) for r in abroad)
        reasons.append(
            (
                f"该文书须声明数据存放于中华人民共和国境内的服务器，但企业资料中的服务器位于{names}"
                "（中国大陆境外），不能起草一份不真实的声明；请先将服务器迁至中国大陆境内并更新企业资料。",
                "The document states that data is kept on servers in mainland China, but the profile's "
                f"servers are in {', '.join(REGION_NAMES_EN.get(r, r) for r in abroad)} (outside mainland "
                "China); the desk does not draft a "
                "false statement. Move the servers to mainland China and update the profile first.",
            )
        )
    if document_id == "no_violation_statement" and enterprise.on_serious_violation_list:
        reasons.append(
            (
                "该声明称企业近两年无违法违规行为，但企业资料显示企业列入严重违法失信名单，"
                "不能起草一份不真实的声明；请先依法移出名单并更新企业资料。",
                "The statement says the company broke no rules in two years, but the profile shows it on "
                "the list of serious violations; the desk does not draft a false statement. Have it "
                "removed from the list and update the profile first.",
            )
        )
    if document_id == "content_review" and enterprise.content_compliant is False:
        reasons.append(
            (
                "自查报告称网站内容符合规定，但企业资料记录网站内容不合规，不能起草一份不真实的报告；"
                "请先整改网站内容并更新企业资料。",
                "The self-review report says the site's content complies, but the profile records that it "
                "does not; the desk does not draft a false report. Correct the content and update the "
                "profile first.",
            )
        )
    return reasons


# ------------------------------------------------------------------ weekly report


def event_label(event: AuditEvent, pack: RulePack | None = None) -> str:
    """What happened, as the report says it: a material's event names the material."""
    transition = TRANSITIONS.get(event.action)
    if transition is not None:
        return transition.label_zh
    label = EVENT_LABELS.get(event.action, event.action)
    material_id = (event.changes or {}).get("material") if event.action.startswith("material_") else None
    if material_id and pack is not None:
        try:
            name = pack.material(str(material_id)).name_zh
        except KeyError:
            name = str(material_id)
        version = (event.changes or {}).get("version")
        label = f"{label}：{name}" + (f"（第 {version} 版）" if version else "")
    return label


def _pack_of(application: Application) -> RulePack:
    try:
        return pack_named(application.rule_pack) if application.rule_pack else current_pack()
    except Exception:  # a pack no longer installed: the desk's own names the materials
        return current_pack()


def weekly_rows(
    applications: Iterable[Application], events: Iterable[AuditEvent], today: date
) -> list[dict[str, Any]]:
    """One row per case: its state, this week's events, the step due next and by when."""
    by_case: dict[int, list[AuditEvent]] = {}
    for event in events:
        by_case.setdefault(event.application_id, []).append(event)
    rows = []
    for app in applications:
        pack = _pack_of(app)
        state = State(app.state)
        step = app.due_step or PENDING_STEP.get(state, "")
        if app.due_on:
            due = zh_date(app.due_on)
            if app.due_provisional:
                due += "（暂定：节假日安排未公布）"
            if app.due_on < today:
                due += "（已逾期）"
        else:
            due = "无"
        rows.append(
            {
                "reference": app.reference,
                "state": STATE_LABELS[state][0],
                "next_step": STEP_LABELS.get(step, step) if step else "无待办事项",
                "due": due,
                "due_on": app.due_on,
                "provisional": app.due_provisional,
                "events": [
                    {
                        "at": zh_date(
                            timezone.localtime(e.at).date() if isinstance(e.at, datetime) else e.at
                        ),
                        "what": event_label(e, pack),
                        "who": e.actor_org or e.actor_name,
                        "reason": e.reason,
                    }
                    for e in by_case.get(app.pk, [])
                ],
            }
        )
    return rows


def week_start(today: date) -> date:
    return today - timedelta(days=6)


def weekly(
    document: Document,
    enterprise: Enterprise,
    applications: Sequence[Application],
    events: Sequence[AuditEvent],
    *,
    agency_name: str,
    today: date,
) -> Filled:
    """The weekly progress report of one client."""
    filled = build(document, enterprise, today=today, staff=[])
    rows = weekly_rows(applications, events, today)
    filled.values.update(
        {
            "agency_name": agency_name,
            "week_from": zh_date(week_start(today)),
            "week_to": zh_date(today),
            "cases": rows,
            "events": [{"reference": r["reference"], **e} for r in rows for e in r["events"]],
            "event_count": sum(len(r["events"]) for r in rows),
        }
    )
    return filled
