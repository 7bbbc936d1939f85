"""Fields out of a document's lines, per kind of material.

Lines are grouped into rows (boxes side by side on one page), and a row's box
that begins with one of the material's labels (``统一社会信用代码``,
``注册资本``, ``甲方``…) gives the field its value: the rest of that box, or
the next box in the row when the label stands alone, or the box under it.
Free text that runs over several rows (the business scope) goes on until the
next label. Each value is normalised: credit codes and identity numbers
through the core's identifiers (an identity number is masked here, so the
plain number never leaves this module), dates to ISO, amounts to integer
yuan, places to region codes. Where a label cannot be found, the value's own
shape is looked for (a valid credit code anywhere, an ICP filing number).

A value that reads but fails its check (a credit code whose check character
is wrong) is kept at half its confidence, so the desk can ask for a better
copy rather than trust it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from icpdesk.core.identifiers import (
    IdentifierError,
    mask_id_number,
    normalize_domain,
    normalize_icp_filing,
    normalize_id_number,
    normalize_uscc,
)
from icpdesk.reading.model import Box, Field, Line, Value
from icpdesk.reading.values import find_dates, parse_amount, parse_date, parse_month, region_of

__all__ = ["MATERIAL_FIELDS", "extract", "rows", "text_of"]

Row = list[Line]

_SPACE = re.compile(r"\s+")
_LEAD = re.compile(r"^[\s:：;；,，.。·•*_\-—|｜【】\[\]]+")
_CJK = r"\u3400-\u9fff"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}：:（）()、，。])\s+|\s+(?=[{_CJK}：:（）()、，。])")
_ALIAS = re.compile(r"[（(]\s*(?:以下简称|下称|简称|盖章|签章|公章|签字)[^）)]*[）)]?")
_DOMAIN = re.compile(
    r"(?:[A-Za-z0-9\u4e00-\u9fff](?:[A-Za-z0-9\u4e00-\u9fff-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
)
_USCC = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])")
_ID = re.compile(r"(?<![0-9])[1-9]\d{16}[0-9Xx](?![0-9])")
_FILING = re.compile(rf"[{_CJK}]\s*ICP\s*备\s*\d{{6,}}\s*号(?:\s*-\s*\d+)?", re.IGNORECASE)
_FIRM = re.compile(rf"[{_CJK}]{{2,}}会计师事务所(?:有限责任公司|有限公司|[（(][{_CJK}]{{2,8}}[）)])?")
_COMPANY = re.compile(rf"[{_CJK}（）()]{{4,}}(?:有限责任公司|股份有限公司|有限公司|分公司|合伙企业)")


@dataclass(frozen=True, slots=True)
class Spec:
    """One field: the labels it follows, the kind of value, and for a range which end."""

    labels: tuple[str, ...]
    kind: str = "text"
    part: int = 0
    multiline: int = 0


MATERIAL_FIELDS: dict[str, dict[str, Spec]] = {
    "business_license": {
        "company_name": Spec(("名称", "企业名称", "公司名称"), "name"),
        "uscc": Spec(("统一社会信用代码", "社会信用代码", "信用代码"), "uscc"),
        "legal_form_text": Spec(("类型", "主体类型", "企业类型", "公司类型")),
        "legal_representative": Spec(("法定代表人", "负责人", "经营者", "执行事务合伙人"), "name"),
        "registered_capital_cny": Spec(("注册资本", "出资额", "注册资金"), "amount"),
        "registered_on": Spec(("成立日期", "注册日期"), "date"),
        "address": Spec(("住所", "营业场所", "经营场所", "主要经营场所"), "text", multiline=1),
        "business_scope": Spec(("经营范围",), "text", multiline=8),
    },
    "domain_certificate": {
        "domain": Spec(("域名", "注册域名", "域名名称"), "domain"),
        "holder": Spec(
            ("域名持有者", "域名所有者", "持有者", "所有者", "注册者", "域名注册者", "持有人"), "name"
        ),
        "registered_on": Spec(("注册日期", "注册时间", "申请日期", "注册于"), "date"),
        "expires_on": Spec(("到期日期", "到期时间", "过期时间", "有效期至", "截止日期"), "date"),
        "registrar": Spec(("注册商", "注册服务机构", "域名注册服务机构", "颁发单位", "注册服务商"), "name"),
    },
    "hosting_agreement": {
        "customer": Spec(("甲方", "甲方（客户）", "客户名称", "委托方", "客户"), "name"),
        "provider": Spec(("乙方", "乙方（服务商）", "服务商", "服务提供方", "受托方"), "name"),
        "server_address": Spec(
            ("机房地址", "服务器地址", "托管地点", "机房位置", "托管地址", "数据中心地址", "服务器放置地点"),
            "text",
            multiline=1,
        ),
        "valid_from": Spec(
            ("服务期限", "托管期限", "合同期限", "有效期", "有效期限", "开始日期", "生效日期"), "date"
        ),
        "valid_until": Spec(
            ("服务期限", "托管期限", "合同期限", "有效期", "有效期限", "结束日期", "到期日期", "终止日期"),
            "date",
            part=-1,
        ),
    },
    "security_insurance": {
        "person_name": Spec(("姓名", "参保人", "参保人姓名", "职工姓名"), "name"),
        "employer": Spec(("缴费单位", "参保单位", "单位名称", "工作单位", "用人单位"), "name"),
        "province": Spec(("参保地", "参保地区", "参保地点", "统筹区"), "province"),
    },
    "legal_rep_id": {
        "name": Spec(("姓名",), "name"),
        "id_number": Spec(("公民身份号码", "身份证号码", "身份证号", "证件号码"), "id"),
        "valid_until": Spec(("有效期限", "有效期"), "validity", part=-1),
    },
    "capital_verification": {
        "firm": Spec(("会计师事务所", "出具单位", "验资机构", "审验机构"), "name"),
        "company_name": Spec(("被审验单位", "被验资单位", "委托单位", "公司名称", "单位名称"), "name"),
        "amount_cny": Spec(
            ("注册资本", "实收资本", "验资金额", "实缴资本", "出资金额", "实缴金额"), "amount"
        ),
        "date": Spec(("报告日期", "出具日期", "验资日期", "日期"), "date"),
    },
    "bank_statements": {
        "account_holder": Spec(("户名", "账户名称", "账户名", "客户名称", "单位名称"), "name"),
        "period_from": Spec(
            ("起止日期", "查询期间", "交易期间", "账单期间", "查询时段", "起始日期", "开始日期"), "date"
        ),
        "period_to": Spec(
            ("起止日期", "查询期间", "交易期间", "账单期间", "查询时段", "截止日期", "结束日期"),
            "date",
            part=-1,
        ),
    },
    "icp_filing": {
        "filing_number": Spec(
            ("备案号", "网站备案号", "ICP备案号", "主体备案号", "备案编号", "网站备案/许可证号"), "filing"
        ),
        "domain": Spec(("网站域名", "域名", "网站首页网址", "首页网址"), "domain"),
        "holder": Spec(("主办单位名称", "主办单位", "备案主体", "主办者"), "name"),
    },
}
MATERIAL_FIELDS["security_id"] = MATERIAL_FIELDS["legal_rep_id"]

# Labels that end a value running over several rows, whatever the material.
_STOPS = (
    "登记机关",
    "发证机关",
    "签发机关",
    "营业期限",
    "经营期限",
    "核准日期",
    "备注",
    "盖章",
    "国家企业信用信息公示系统",
)


# Labels of two characters that licenses print spaced out (名　　称).
_SPACED = ("名称", "类型", "住所")


def _compact(text: str) -> str:
    return _SPACE.sub("", text)


_FULL_WIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", ";": "；"})


def _clean(text: str) -> str:
    """Spaces between Chinese characters dropped; brackets and colons in their full-width forms."""
    return _CJK_GAP.sub("", " ".join(text.split())).translate(_FULL_WIDTH).strip()


# ------------------------------------------------------------------ layout


def rows(lines: Sequence[Line]) -> list[Row]:
    """Lines grouped into rows: same page, overlapping vertically; each row left to right."""
    result: list[Row] = []
    pages = sorted({line.page for line in lines})
    for page in pages:
        on_page = sorted(
            (line for line in lines if line.page == page), key=lambda ln: (ln.box[1] + ln.box[3]) / 2
        )
        current: Row = []
        top = bottom = 0.0
        for line in on_page:
            middle = (line.box[1] + line.box[3]) / 2
            if current and top <= middle <= bottom:
                current.append(line)
                continue
            if current:
                result.append(sorted(current, key=lambda ln: ln.box[0]))
            current = [line]
            height = line.box[3] - line.box[1]
            # A row spans its first box's height, a little less so close rows stay apart.
            top, bottom = line.box[1] + height * 0.15, line.box[3] - height * 0.15
        if current:
            result.append(sorted(current, key=lambda ln: ln.box[0]))
    return result


def text_of(table: Sequence[Row]) -> str:
    """The document's text: a row a line, pages apart by a blank line."""
    out: list[str] = []
    page = None
    for row in table:
        if page is not None and row[0].page != page:
            out.append("")
        page = row[0].page
        out.append("  ".join(line.text for line in row))
    return "\n".join(out)


# ------------------------------------------------------------------ labels and values


@dataclass(slots=True)
class _Found:
    label: str
    text: str
    lines: list[Line]
    order: int


def _union(lines: Sequence[Line]) -> Box:
    return (
        min(line.box[0] for line in lines),
        min(line.box[1] for line in lines),
        max(line.box[2] for line in lines),
        max(line.box[3] for line in lines),
    )


def _label_at(text: str, labels: Sequence[str]) -> str | None:
    compact = _LEAD.sub("", _compact(text).translate(_FULL_WIDTH))
    best = None
    for label in labels:
        if compact.startswith(label) and (best is None or len(label) > len(best)):
            best = label
    return best


def _after(text: str, label: str) -> str:
    """``text`` with ``label`` (and the punctuation after it) cut from its start."""
    compact = _LEAD.sub("", text.strip().translate(_FULL_WIDTH))
    taken = 0
    out = compact
    for index, char in enumerate(compact):
        if char.isspace():
            continue
        taken += 1
        if taken == len(label):
            out = compact[index + 1 :]
            break
    return _LEAD.sub("", out).strip()


def _find(table: Sequence[Row], specs: dict[str, Spec]) -> list[_Found]:
    labels = sorted({label for spec in specs.values() for label in spec.labels})
    stops = (*labels, *_STOPS)
    found: list[_Found] = []
    order = 0
    for r, row in enumerate(table):
        skip = False
        for i, line in enumerate(row):
            if skip:
                skip = False
                continue
            text, used, rest = line.text, [line], row[i + 1 :]
            label = _label_at(text, labels)
            head = _LEAD.sub("", _compact(text).translate(_FULL_WIDTH))
            if label is None and rest and head and any(lb.startswith(head) and lb != head for lb in labels):
                # A label printed spaced out (名　　称) is read as two boxes: 名 and 称….
                text, used, rest, skip = text + rest[0].text, [line, rest[0]], rest[1:], True
                label = _label_at(text, labels)
            if label is None and i == 0:
                # Its lone first character can be lost altogether: 称… at the start of a row.
                label = next((lb for lb in _SPACED if lb in labels and head.startswith(lb[1:])), None)
                if label is not None:
                    text = label[0] + text
            if label is None:
                continue
            value = _after(text, label)
            if not value and rest and _label_at(rest[0].text, stops) is None:
                value = rest[0].text
                used = [rest[0]]
            elif not value and not rest and r + 1 < len(table):
                below = table[r + 1][0]
                if below.page == line.page and _label_at(below.text, stops) is None:
                    value = below.text
                    used = [below]
            multiline = max((s.multiline for s in specs.values() if label in s.labels), default=0)
            if multiline and value:
                start = used[0].box[0] if used[0] is not line else line.box[0]
                for more in table[r + 1 : r + 1 + multiline]:
                    if more[0].page != line.page or _label_at(more[0].text, stops) is not None:
                        break
                    part = [ln for ln in more if ln.box[0] >= start - 0.02]
                    if not part or any(_label_at(ln.text, stops) for ln in part):
                        break
                    value += "".join(ln.text for ln in part)
                    used.extend(part)
            if value:
                found.append(_Found(label, value, used, order))
                order += 1
    return found


def _confidence(lines: Sequence[Line]) -> float:
    return sum(line.confidence for line in lines) / len(lines) if lines else 0.0


# Letters OCR reads for the digits they look like, in the organisation code's digit places.
_DIGIT_LOOKALIKES = str.maketrans("OIZS", "0125")


def _fold_code(text: str) -> str:
    return _compact(text).upper().translate(_DIGIT_LOOKALIKES)


def _uscc(text: str) -> tuple[str, float] | None:
    compact = _compact(text).upper()
    for candidate in (*_USCC.findall(compact), compact[:18]):
        folded = candidate[:8] + _fold_code(candidate[8:17]) + candidate[17:]
        for attempt, trust in ((candidate, 1.0), (folded, 0.8)):
            try:
                return normalize_uscc(attempt), trust
            except IdentifierError:
                continue
    match = _USCC.search(compact)
    return (match.group(0), 0.5) if match else None


def _id(text: str) -> tuple[str, float] | None:
    compact = _compact(text).upper()
    match = _ID.search(compact)
    if not match:
        return None
    try:
        return mask_id_number(normalize_id_number(match.group(0))), 1.0
    except IdentifierError:
        return mask_id_number(match.group(0)), 0.5


def _name(text: str) -> str:
    value = _ALIAS.sub("", _clean(text))
    # 甲方（客户）：… read with the role still in front of the name.
    value = re.sub(r"^（[^）]{1,6}）：?", "", value)
    value = re.sub(r"(?:全体股东|股东)?[：:]$", "", value)
    return value.strip("：:，,。.；; ")


def _convert(spec: Spec, text: str) -> tuple[Value, float] | None:
    kind = spec.kind
    if kind == "text":
        value = _clean(text)
        return (value, 1.0) if value else None
    if kind == "name":
        name = _name(text)
        return (name, 1.0) if name else None
    if kind == "uscc":
        return _uscc(text)
    if kind == "id":
        return _id(text)
    if kind in ("date", "validity"):
        if kind == "validity" and "长期" in text:
            return "长期", 1.0
        dates = find_dates(text)
        if not dates:
            return None
        return dates[spec.part].isoformat(), 1.0
    if kind == "amount":
        amount = parse_amount(text)
        return (amount, 1.0) if amount else None
    if kind == "domain":
        for candidate in _DOMAIN.findall(_compact(text)):
            try:
                return normalize_domain(candidate).domain, 1.0
            except IdentifierError:
                continue
        return None
    if kind == "filing":
        match = _FILING.search(text)
        if not match:
            return None
        try:
            return normalize_icp_filing(_compact(match.group(0))).number, 1.0
        except IdentifierError:
            return _compact(match.group(0)), 0.5
    if kind == "province":
        region = region_of(text)
        return (region, 1.0) if region else None
    raise ValueError(f"unknown field kind {kind!r}")  # pragma: no cover


def _field(value: Value, factor: float, lines: Sequence[Line]) -> Field:
    return Field(value, max(0.0, min(1.0, _confidence(lines) * factor)), lines[0].page, _union(lines))


def _by_shape(
    table: Sequence[Row], pattern: Callable[[str], tuple[Value, float] | None], where: str = ""
) -> Field | None:
    for row in table:
        if where and not any(where in _compact(line.text) for line in row):
            continue
        for line in row:
            got = pattern(line.text)
            if got is not None:
                return _field(got[0], got[1], [line])
    return None


def _months(table: Sequence[Row]) -> Field | None:
    months: dict[str, Line] = {}
    for row in table:
        for line in row:
            month = parse_month(_compact(line.text))
            if month:
                months.setdefault(month, line)
    if not months:
        return None
    used = [months[m] for m in sorted(months)]
    return Field(sorted(months), _confidence(used), used[0].page, _union(used))


def _first_match(table: Sequence[Row], regex: re.Pattern[str]) -> Field | None:
    for row in table:
        for line in row:
            match = regex.search(_clean(line.text))
            if match:
                return _field(match.group(0), 1.0, [line])
    return None


def extract(material: str, table: Sequence[Row]) -> dict[str, Field]:
    """The fields of ``material`` read from ``table`` (rows of lines); empty for a kind with none."""
    specs = MATERIAL_FIELDS.get(material)
    if not specs:
        return {}
    found = _find(table, specs)
    fields: dict[str, Field] = {}
    for name, spec in specs.items():
        for item in found:
            if item.label not in spec.labels:
                continue
            got = _convert(spec, item.text)
            if got is not None:
                fields[name] = _field(got[0], got[1], item.lines)
                break
    _fill_by_shape(material, table, fields)
    return fields


def _fill_by_shape(material: str, table: Sequence[Row], fields: dict[str, Field]) -> None:
    """Values found by their shape where no label gave them."""

    def want(name: str) -> bool:
        return name not in fields

    if material == "business_license" and want("uscc"):
        got = _by_shape(table, lambda t: r if (r := _uscc(t)) and r[1] == 1.0 else None)
        if got:
            fields["uscc"] = got
    if material in ("legal_rep_id", "security_id") and want("id_number"):
        got = _by_shape(table, _id)
        if got:
            fields["id_number"] = got
    if material == "icp_filing" and want("filing_number"):
        got = _by_shape(table, lambda t: _convert(Spec((), "filing"), t))
        if got:
            fields["filing_number"] = got
    if material == "hosting_agreement" and want("server_region"):
        address = fields.get("server_address")
        region = region_of(str(address.value)) if address else None
        if address and region:
            fields["server_region"] = Field(region, address.confidence, address.page, address.box)
        else:
            got = _by_shape(
                table,
                lambda t: (r, 1.0) if ("机房" in t or "服务器" in t) and (r := region_of(t)) else None,
            )
            if got:
                fields["server_region"] = got
    if material == "security_insurance":
        months = _months(table)
        if months:
            fields["months"] = months
        if want("province"):
            got = _by_shape(table, lambda t: (r, 1.0) if "社会保险" in t and (r := region_of(t)) else None)
            if got:
                fields["province"] = got
    if material == "capital_verification":
        if want("firm"):
            got = _first_match(table, _FIRM)
            if got:
                fields["firm"] = got
        if want("company_name"):
            got = _by_shape(
                table,
                lambda t: (_name(t), 1.0) if re.search(r"(?:全体股东|股东)[：:]?$", _clean(t)) else None,
            )
            if got:
                fields["company_name"] = got
        if want("amount_cny"):
            got = _by_shape(table, lambda t: (a, 0.9) if "元" in t and (a := parse_amount(t)) else None)
            if got:
                fields["amount_cny"] = got
        if want("date"):
            dated = [line for row in table for line in row if parse_date(line.text)]
            if dated:
                last = dated[-1]
                fields["date"] = _field(str(parse_date(last.text)), 0.9, [last])
    if material == "domain_certificate" and want("domain"):
        got = _by_shape(table, lambda t: _convert(Spec((), "domain"), t), where="域名")
        if got:
            fields["domain"] = got
    if material in ("domain_certificate", "icp_filing") and want("holder"):
        got = _first_match(table, _COMPANY)
        if got:
            fields["holder"] = Field(_name(str(got.value)), got.confidence * 0.8, got.page, got.box)
