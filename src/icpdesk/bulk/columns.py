"""The columns of the client workbook: sheet 企业 and sheet 安全管理人员.

Each column has a field key (the profile format's JSON path, or one of the
desk's own fields), the template's Chinese label, an English label, the kind of
value it holds (how a cell is read) and the note shown as the header's comment.
A header matches a column by its label or its key, compared without width,
case, spaces, a trailing ``*`` or a bracketed note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from icpdesk.core.tabular import normalize_header
from icpdesk.enterprises.forms import PROVINCES, SERVER_REGIONS
from icpdesk.enterprises.models import GANSU_PREFECTURES, LEGAL_FORMS, MODULES

ENTERPRISE_SHEET = "企业"
STAFF_SHEET = "安全管理人员"
NOTES_SHEET = "说明"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    label_en: str
    kind: str  # text, uscc, date, amount, count, bool, choice, list, regions, modules, id_number, mobile, ...
    note: str
    attr: str  # the model attribute the column fills
    required: bool = False
    choices: tuple[str, ...] = field(default=())  # drop-down values shown in the template


def _label(text: str) -> str:
    return text.split(" / ")[0]


LEGAL_FORM_LABELS = tuple(_label(label) for _key, label in LEGAL_FORMS)
MODULE_LABELS = tuple(_label(label) for _key, label in MODULES)
PROVINCE_NAMES = tuple(name for name, _code in PROVINCES)
BOOL_CHOICES = ("是", "否", "未知")

ENTERPRISE_COLUMNS: tuple[Column, ...] = (
    Column(
        "enterprise.uscc",
        "统一社会信用代码",
        "Unified social credit code",
        "uscc",
        "必填。18 位，大小写、空格和全角字符均可。用于匹配已有客户。",
        "uscc",
        required=True,
    ),
    Column("enterprise.name", "企业名称", "Company name", "text", "新客户必填，与营业执照一致。", "name"),
    Column(
        "enterprise.legal_form",
        "企业类型",
        "Legal form",
        "legal_form",
        "从下拉列表选择。",
        "legal_form",
        choices=LEGAL_FORM_LABELS,
    ),
    Column(
        "enterprise.province",
        "注册省份",
        "Province of registration",
        "province",
        "从下拉列表选择，如 甘肃省。",
        "province",
        choices=PROVINCE_NAMES,
    ),
    Column(
        "enterprise.city",
        "所在市州",
        "Prefecture",
        "text",
        "如 兰州市（甘肃的 14 个市州见下拉列表）。",
        "city",
        choices=tuple(GANSU_PREFECTURES),
    ),
    Column(
        "enterprise.registered_on",
        "成立日期",
        "Date of registration",
        "date",
        "日期单元格，或 2023-05-10、2023/5/10、2023年5月10日。",
        "registered_on",
    ),
    Column(
        "enterprise.registered_capital_cny",
        "注册资本（元）",
        "Registered capital (CNY)",
        "amount",
        "以元计：1000000、1,000,000 或 100万。",
        "registered_capital_cny",
    ),
    Column(
        "enterprise.business_scope",
        "经营范围",
        "Business scope",
        "text",
        "与营业执照一致。",
        "business_scope",
    ),
    Column(
        "enterprise.on_abnormal_list",
        "列入经营异常名录",
        "On the abnormal-operations list",
        "bool",
        "是 / 否 / 未知。",
        "on_abnormal_list",
        choices=BOOL_CHOICES,
    ),
    Column(
        "enterprise.on_serious_violation_list",
        "列入严重违法失信名单",
        "On the serious-violation list",
        "bool",
        "是 / 否 / 未知。",
        "on_serious_violation_list",
        choices=BOOL_CHOICES,
    ),
    Column(
        "enterprise.legal_representative",
        "法定代表人",
        "Legal representative",
        "text",
        "姓名。",
        "legal_rep_name",
    ),
    Column(
        "enterprise.legal_representative_id_number",
        "法定代表人身份证号",
        "Legal representative's ID number",
        "id_number",
        "18 位居民身份证号码。",
        "legal_rep_id_number",
    ),
    Column(
        "enterprise.contact_mobile",
        "联系手机",
        "Contact mobile",
        "mobile",
        "11 位手机号码。",
        "contact_phone",
    ),
    Column("enterprise.address", "住所", "Registered address", "text", "与营业执照一致。", "address"),
    Column("website.domain", "网站域名", "Domain", "domain", "如 gansu-ec.com。", "domain"),
    Column(
        "website.domain_holder", "域名持有者", "Domain holder", "text", "与域名证书一致。", "domain_holder"
    ),
    Column(
        "website.icp_filing_number",
        "ICP备案号",
        "ICP filing number",
        "icp_filing",
        "如 甘ICP备2023001234号-1。",
        "icp_filing_number",
    ),
    Column(
        "website.server_regions",
        "服务器所在地区",
        "Server regions",
        "regions",
        "省份名称或代码，多个用 、；, ; 分隔，如 甘肃省、CN-BJ；港澳台及境外不计为大陆境内。",
        "server_regions",
    ),
    Column(
        "website.modules",
        "网站功能模块",
        "Site modules",
        "modules",
        "多个用 、 分隔：" + "、".join(MODULE_LABELS) + "。",
        "modules",
    ),
    Column(
        "website.content_compliant",
        "内容合规",
        "No prohibited content",
        "bool",
        "是 / 否 / 未知。",
        "content_compliant",
        choices=BOOL_CHOICES,
    ),
    Column(
        "website.third_party_merchants",
        "第三方商家入驻",
        "Third-party merchants",
        "bool",
        "是 / 否。",
        "third_party_merchants",
        choices=BOOL_CHOICES[:2],
    ),
    Column(
        "website.services",
        "其他服务",
        "Other services",
        "list",
        "多个用 、 分隔，如 购物分期、小额贷款。",
        "services",
    ),
    Column(
        "capital_proof.verification_report",
        "验资报告",
        "Capital verification report",
        "bool",
        "是 / 否 / 未知。",
        "capital_verification_report",
        choices=BOOL_CHOICES,
    ),
    Column(
        "capital_proof.bank_statement_months",
        "基本户银行流水（月）",
        "Months of bank statements",
        "count",
        "整数，如 3。",
        "bank_statement_months",
    ),
)

STAFF_COLUMNS: tuple[Column, ...] = (
    Column(
        "enterprise.uscc",
        "统一社会信用代码",
        "Unified social credit code",
        "uscc",
        "必填：所属企业（企业表中的一行，或已在本机构名下的客户）。",
        "uscc",
        required=True,
    ),
    Column("security_staff[].name", "姓名", "Name", "text", "必填。", "name", required=True),
    Column(
        "security_staff[].id_number",
        "身份证号",
        "ID number",
        "id_number",
        "18 位居民身份证号码。",
        "id_number",
    ),
    Column(
        "security_staff[].major",
        "专业背景",
        "Field of study",
        "text",
        "如 网络空间安全、计算机科学与技术。",
        "major",
    ),
    Column(
        "security_staff[].certificates",
        "证书",
        "Certificates",
        "list",
        "多个用 、 分隔，如 CISSP、CISP。",
        "certificates",
    ),
    Column(
        "security_staff[].full_time",
        "全职",
        "Full-time",
        "bool",
        "是 / 否。",
        "full_time",
        choices=BOOL_CHOICES[:2],
    ),
    Column(
        "security_staff[].insured_province",
        "社保缴纳省份",
        "Social insurance paid in",
        "province",
        "从下拉列表选择，如 甘肃省。",
        "insured_province",
        choices=PROVINCE_NAMES,
    ),
    Column(
        "security_staff[].insured_months",
        "社保缴纳月数",
        "Months of social insurance",
        "count",
        "截至最近一个月，由本企业缴纳的月数。",
        "insured_months",
    ),
)

COLUMNS_BY_KEY = {c.key: c for c in ENTERPRISE_COLUMNS}
STAFF_BY_KEY = {c.key: c for c in STAFF_COLUMNS}


def _spellings(columns: tuple[Column, ...]) -> dict[str, Column]:
    found: dict[str, Column] = {}
    for column in columns:
        for spelling in (column.label, column.key, column.label_en, column.key.replace("[]", "")):
            found[normalize_header(spelling)] = column
    return found


ENTERPRISE_HEADERS = _spellings(ENTERPRISE_COLUMNS)
STAFF_HEADERS = _spellings(STAFF_COLUMNS)


def _choice_map(pairs: list[tuple[str, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, label in pairs:
        for spelling in (key, *label.split(" / ")):
            found[normalize_header(spelling)] = key
    return found


LEGAL_FORM_CHOICES = _choice_map(LEGAL_FORMS)
MODULE_CHOICES = _choice_map(MODULES)


def _province_map() -> dict[str, str]:
    found: dict[str, str] = {}
    for name, code in PROVINCES:
        short = name
        for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
            if short.endswith(suffix):
                short = short[: -len(suffix)]
                break
        for spelling in (name, short, code):
            found[normalize_header(spelling)] = name
    return found


PROVINCE_CHOICES = _province_map()


def _region_map() -> dict[str, str]:
    found: dict[str, str] = {}
    for code, label in SERVER_REGIONS:
        name = label.split("（")[0]
        for spelling in (code, label, name):
            found[normalize_header(spelling)] = code
    for name, code in PROVINCES:
        found[normalize_header(name)] = code
    for spelling, province in PROVINCE_CHOICES.items():
        found.setdefault(spelling, dict(PROVINCES)[province])
    found |= {normalize_header(k): v for k, v in {"HK": "CN-HK", "MO": "CN-MO", "TW": "CN-TW"}.items()}
    return found


REGION_CHOICES = _region_map()
