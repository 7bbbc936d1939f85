"""Importing an agency's clients: reading the rows, checking them, and planning each write.

Three steps, the first two without writing anything:

1. :func:`parse` turns every cell into the field's value with the core's
   readers (``icpdesk.core.tabular``) and identifier checks, and collects an
   error per bad cell, naming the Excel row, the column header, the field key
   and the reason in both languages.
2. :func:`plan` matches each row by credit code against what is stored: a new
   client, a client of this agency's book to update (only the fields that
   differ), an unchanged one, or an enterprise that is not the agency's to
   change (its own accounts, or another agency's client): that row is an error.
   Each resulting profile goes through the core's profile decoder.
3. :func:`icpdesk.bulk.actions.import_clients` writes the plan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from icpdesk.accounts.models import Mandate
from icpdesk.bulk.columns import (
    ENTERPRISE_HEADERS,
    ENTERPRISE_SHEET,
    LEGAL_FORM_CHOICES,
    MODULE_CHOICES,
    PROVINCE_CHOICES,
    REGION_CHOICES,
    STAFF_HEADERS,
    STAFF_SHEET,
    Column,
)
from icpdesk.bulk.reader import Sheet, Workbook
from icpdesk.core import tabular
from icpdesk.core.identifiers import (
    IdentifierError,
    normalize_domain,
    normalize_icp_filing,
    normalize_id_number,
    normalize_mobile,
    normalize_uscc,
)
from icpdesk.core.rules import ProfileError, parse_profile
from icpdesk.enterprises.forms import PROVINCE_CODE_BY_NAME
from icpdesk.enterprises.models import Enterprise

STAFF_ATTRS = (
    "name",
    "id_number",
    "major",
    "certificates",
    "full_time",
    "insured_province",
    "insured_months",
)
STAFF_DEFAULTS: dict[str, Any] = {
    "id_number": "",
    "major": "",
    "certificates": [],
    "full_time": True,
    "insured_province": "",
    "insured_months": 0,
}
# Model fields that cannot be NULL: a new client without the cell gets the model's default.
NOT_NULL_DEFAULTS: dict[str, Any] = {
    "legal_form": "limited_company",
    "province": "甘肃省",
    "city": "",
    "business_scope": "",
    "legal_rep_name": "",
    "legal_rep_id_number": "",
    "contact_phone": "",
    "address": "",
    "domain": "",
    "domain_holder": "",
    "icp_filing_number": "",
    "server_regions": [],
    "modules": [],
    "third_party_merchants": False,
    "services": [],
    "bank_statement_months": 0,
}
CHUNK = 500


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    field: str
    code: str
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh-hans") -> str:
        return self.message_en if lang.startswith("en") else self.message_zh

    def to_dict(self, lang: str = "zh-hans") -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "code": self.code,
            "message": self.message(lang),
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.to_dict(), "message_en": self.message_en}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RowError:
        return cls(
            data["sheet"],
            data["row"],
            data["column"],
            data["field"],
            data["code"],
            data["message"],
            data.get("message_en", data["message"]),
        )


@dataclass
class StaffRow:
    row: int
    values: dict[str, Any]


@dataclass
class ClientRow:
    row: int  # 0 for a client named only on the staff sheet
    uscc: str
    values: dict[str, Any]  # model attribute -> value, only the cells that were filled
    headers: dict[str, str]  # model attribute -> the column header as in the file
    staff: list[StaffRow] | None = None


@dataclass
class Parsed:
    clients: list[ClientRow]
    errors: list[RowError]
    ignored: list[str]  # headers of columns not imported
    total: int  # data rows in the enterprise sheet
    staff_headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Step:
    """One planned write: ``create``, ``update`` or ``unchanged``."""

    action: str
    client: ClientRow
    enterprise: Enterprise | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    staff: list[dict[str, Any]] | None = None  # the new security staff, when it differs


@dataclass
class Plan:
    steps: list[Step]
    errors: list[RowError]
    ignored: list[str]
    total: int

    def failed_rows(self) -> set[tuple[str, int]]:
        return {(e.sheet, e.row) for e in self.errors}


# ---------------------------------------------------------------- cells


class CellError(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def _identifier(value: object, check: Callable[[str], Any]) -> Any:
    text = tabular.fold_width(tabular.parse_text(value) or "")
    try:
        return check(text)
    except IdentifierError as exc:
        raise CellError(exc.code, exc.message("zh-hans"), exc.message("en")) from None


_REGION_CODE = re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$")


def _regions(value: object) -> list[str] | None:
    items = tabular.parse_list(value)
    if items is None:
        return None
    codes: list[str] = []
    for item in items:
        code = REGION_CHOICES.get(tabular.normalize_header(item))
        if code is None and _REGION_CODE.match(item.upper()):
            code = item.upper()
        if code is None:
            raise CellError(
                "region",
                f"不认识的地区：{item}（应为省份名称或代码，如 甘肃省、CN-GS、US）",
                f"unknown region: {item} (expected a province name or code such as 甘肃省, CN-GS, US)",
            )
        if code not in codes:
            codes.append(code)
    return codes


def _modules(value: object) -> list[str] | None:
    items = tabular.parse_list(value)
    if items is None:
        return None
    keys: list[str] = []
    for item in items:
        key = MODULE_CHOICES.get(tabular.normalize_header(item))
        if key is None:
            raise CellError(
                "module",
                f"不认识的功能模块：{item}",
                f"unknown site module: {item}",
            )
        if key not in keys:
            keys.append(key)
    return keys


def _list(value: object) -> list[str] | None:
    items = tabular.parse_list(value)
    return None if items is None else list(items)


READERS: dict[str, Callable[[object], Any]] = {
    "text": tabular.parse_text,
    "uscc": lambda v: _identifier(v, lambda t: normalize_uscc(t.replace(" ", ""))),
    "date": tabular.parse_date,
    "amount": tabular.parse_amount,
    "count": tabular.parse_count,
    "bool": tabular.parse_bool,
    "legal_form": lambda v: tabular.parse_choice(v, LEGAL_FORM_CHOICES),
    "province": lambda v: tabular.parse_choice(v, PROVINCE_CHOICES),
    "regions": _regions,
    "modules": _modules,
    "list": _list,
    "id_number": lambda v: _identifier(v, normalize_id_number),
    "mobile": lambda v: _identifier(v, normalize_mobile),
    "domain": lambda v: _identifier(v, lambda t: normalize_domain(t).registrable),
    "icp_filing": lambda v: _identifier(v, lambda t: normalize_icp_filing(t).number),
}


def read_cell(column: Column, value: object) -> Any:
    """The cell's value for the column, ``None`` when empty; :class:`CellError` when unreadable."""
    if tabular.is_blank(value):
        return None
    try:
        return READERS[column.kind](value)
    except tabular.TabularError as exc:
        raise CellError(exc.code, exc.message("zh-hans"), exc.message("en")) from None


# ---------------------------------------------------------------- headers


def _columns(
    sheet: Sheet, known: dict[str, Column], mapping: dict[str, str], by_key: dict[str, Column]
) -> tuple[dict[int, Column], list[str]]:
    found: dict[int, Column] = {}
    ignored: list[str] = []
    seen: set[str] = set()
    for index, header in enumerate(sheet.headers):
        if not header:
            continue
        normal = tabular.normalize_header(header)
        column = known.get(normal)
        if column is None and normal in mapping:
            column = by_key.get(mapping[normal])
        if column is None or column.key in seen:
            ignored.append(header)
            continue
        seen.add(column.key)
        found[index] = column
    return found, ignored


def _missing_column(sheet: Sheet, column: Column) -> RowError:
    return RowError(
        sheet.name,
        sheet.header_row or 1,
        column.label,
        column.key,
        "missing_column",
        f"缺少必填列“{column.label}”（{column.key}）",
        f"the required column “{column.label}” ({column.key}) is missing",
    )


def _cell_error(sheet: Sheet, row: int, header: str, column: Column, exc: CellError) -> RowError:
    return RowError(sheet.name, row, header, column.key, exc.code, exc.zh, exc.en)


def _rows(
    sheet: Sheet, columns: dict[int, Column], errors: list[RowError]
) -> Iterable[tuple[int, dict[str, Any], dict[str, str], bool]]:
    """(row, attr -> value, attr -> header, ok) for every data row of the sheet."""
    for number, cells in sheet.rows:
        values: dict[str, Any] = {}
        headers: dict[str, str] = {}
        ok = True
        for index, column in columns.items():
            raw = cells[index] if index < len(cells) else None
            header = sheet.headers[index]
            headers[column.attr] = header
            try:
                value = read_cell(column, raw)
            except CellError as exc:
                errors.append(_cell_error(sheet, number, header, column, exc))
                ok = False
                continue
            if value is not None:
                values[column.attr] = value
            elif column.required:
                errors.append(
                    RowError(
                        sheet.name,
                        number,
                        header,
                        column.key,
                        "required",
                        f"必填项“{column.label}”为空",
                        f"“{column.label_en}” is required",
                    )
                )
                ok = False
        yield number, values, headers, ok


def find_sheet(book: Workbook, name: str, known: dict[str, Column]) -> Sheet | None:
    """The sheet by its name, else the first sheet whose header row has a known column."""
    if name in book.sheets:
        return book.sheets[name]
    for sheet in book.sheets.values():
        if name == ENTERPRISE_SHEET and sheet.name in {STAFF_SHEET}:
            continue
        if name == STAFF_SHEET and sheet.name != STAFF_SHEET:
            continue
        if any(tabular.normalize_header(h) in known for h in sheet.headers):
            return sheet
    return None


def unknown_headers(book: Workbook) -> list[str]:
    """Headers of the enterprise sheet that match no column (for the mapping form)."""
    sheet = find_sheet(book, ENTERPRISE_SHEET, ENTERPRISE_HEADERS)
    if sheet is None:
        sheet = next(iter(book.sheets.values()), None)
    if sheet is None:
        return []
    return [h for h in sheet.headers if h and tabular.normalize_header(h) not in ENTERPRISE_HEADERS]


def parse(book: Workbook, mapping: dict[str, str] | None = None) -> Parsed:
    """Every row read into values; ``mapping`` maps headers the desk does not know to field keys."""
    from icpdesk.bulk.columns import COLUMNS_BY_KEY, ENTERPRISE_COLUMNS, STAFF_BY_KEY, STAFF_COLUMNS
    from icpdesk.bulk.reader import FileRefused

    mapping = {tabular.normalize_header(k): v for k, v in (mapping or {}).items() if v}
    sheet = find_sheet(book, ENTERPRISE_SHEET, ENTERPRISE_HEADERS)
    if sheet is None and mapping:
        sheet = next((s for s in book.sheets.values() if s.name != STAFF_SHEET and s.headers), None)
    if sheet is None or not sheet.headers:
        raise FileRefused(
            "no_header",
            "找不到表头行：第一行应为列名，如“统一社会信用代码”“企业名称”（可下载模板）。",
            "No header row found: the first row must name the columns, such as 统一社会信用代码 and "
            "企业名称 (download the template).",
        )
    errors: list[RowError] = []
    columns, ignored = _columns(sheet, ENTERPRISE_HEADERS, mapping, COLUMNS_BY_KEY)
    if not columns:
        raise FileRefused(
            "no_header",
            "第一行没有可识别的列名：请使用模板的列名或字段名，或在页面上指定各列对应的字段。",
            "The first row has no column the desk knows: use the template's headers or the field keys, "
            "or map the columns on the page.",
        )
    for column in ENTERPRISE_COLUMNS:
        if column.required and column not in columns.values():
            errors.append(_missing_column(sheet, column))
    clients: list[ClientRow] = []
    by_code: dict[str, ClientRow] = {}
    if not errors:
        for number, values, headers, ok in _rows(sheet, columns, errors):
            code = values.get("uscc")
            if code is None:
                continue
            if code in by_code:
                first = by_code[code].row
                errors.append(
                    RowError(
                        sheet.name,
                        number,
                        headers["uscc"],
                        "enterprise.uscc",
                        "duplicate",
                        f"统一社会信用代码 {code} 与第 {first} 行重复",
                        f"the credit code {code} repeats row {first}",
                    )
                )
                continue
            client = ClientRow(number, code, values, headers)
            by_code[code] = client
            if ok:
                clients.append(client)
    staff_sheet = book.sheets.get(STAFF_SHEET)
    staff_headers: dict[str, str] = {}
    if staff_sheet is not None and staff_sheet.headers:
        staff_columns, staff_ignored = _columns(staff_sheet, STAFF_HEADERS, {}, STAFF_BY_KEY)
        ignored += [f"{STAFF_SHEET}!{h}" for h in staff_ignored]
        missing = [c for c in STAFF_COLUMNS if c.required and c not in staff_columns.values()]
        errors += [_missing_column(staff_sheet, c) for c in missing]
        staff_only: dict[str, ClientRow] = {}
        bad_codes: set[str] = set()
        for number, values, headers, ok in [] if missing else _rows(staff_sheet, staff_columns, errors):
            staff_headers = headers
            code = values.pop("uscc", None)
            if code is None:
                continue
            owner = by_code.get(code) or staff_only.get(code)
            if owner is None:
                owner = staff_only[code] = ClientRow(0, code, {}, {"uscc": headers.get("uscc", "")})
            if not ok:
                bad_codes.add(code)
                continue
            if owner.staff is None:
                owner.staff = []
            owner.staff.append(StaffRow(number, values))
        for code in bad_codes:  # a client whose staff rows have errors is not imported either
            if code in by_code and by_code[code] in clients:
                clients.remove(by_code[code])
            staff_only.pop(code, None)
        clients += staff_only.values()
    return Parsed(clients, errors, ignored, len(sheet.rows), staff_headers)


# ---------------------------------------------------------------- plan


def _staff_record(row: StaffRow) -> dict[str, Any]:
    record = {**STAFF_DEFAULTS, **row.values}
    return {name: record.get(name) for name in STAFF_ATTRS}


def _stored_staff(enterprise: Enterprise) -> list[dict[str, Any]]:
    return [
        {
            "name": s.name,
            "id_number": s.id_number or "",
            "major": s.major,
            "certificates": list(s.certificates or []),
            "full_time": s.full_time,
            "insured_province": s.insured_province,
            "insured_months": s.insured_months,
        }
        for s in enterprise.security_staff.all()
    ]


def _profile(values: dict[str, Any], staff: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The profile format of a row merged with what is stored: what the core's decoder checks."""

    def blank(name: str) -> Any:
        value = values.get(name)
        return None if value in ("", None) else value

    profile: dict[str, Any] = {
        "enterprise": {
            "name": values.get("name"),
            "uscc": values.get("uscc"),
            "legal_form": blank("legal_form"),
            "province": blank("province"),
            "city": blank("city"),
            "registered_on": values["registered_on"].isoformat() if values.get("registered_on") else None,
            "registered_capital_cny": values.get("registered_capital_cny"),
            "business_scope": blank("business_scope"),
            "on_abnormal_list": values.get("on_abnormal_list"),
            "on_serious_violation_list": values.get("on_serious_violation_list"),
        },
        "website": {
            "domain": blank("domain"),
            "domain_holder": blank("domain_holder"),
            "icp_filing_number": blank("icp_filing_number"),
            "server_regions": list(values.get("server_regions") or []),
            "modules": list(values.get("modules") or []),
            "content_compliant": values.get("content_compliant"),
            "third_party_merchants": values.get("third_party_merchants"),
            "services": list(values.get("services") or []),
        },
        "capital_proof": {
            "verification_report": values.get("capital_verification_report"),
            "bank_statement_months": values.get("bank_statement_months"),
        },
    }
    if staff is not None:
        profile["security_staff"] = [{**s, "id_number": s.get("id_number") or None} for s in staff]
    return profile


_INDEX = re.compile(r"\[(\d+)\]")


def _profile_error(client: ClientRow, exc: ProfileError, staff_headers: dict[str, str]) -> RowError:
    from icpdesk.bulk.columns import COLUMNS_BY_KEY, STAFF_BY_KEY

    path = exc.field
    match = _INDEX.search(path)
    key = _INDEX.sub("[]", path)
    if key.startswith("security_staff") and match and client.staff:
        index = int(match[1])
        row = client.staff[index].row if index < len(client.staff) else client.staff[0].row
        column = STAFF_BY_KEY.get(key)
        header = staff_headers.get(column.attr, column.label) if column else ""
        return RowError(STAFF_SHEET, row, header, key, "profile", exc.message("zh-hans"), exc.message("en"))
    column = COLUMNS_BY_KEY.get(key)
    header = client.headers.get(column.attr, column.label) if column else ""
    return RowError(
        ENTERPRISE_SHEET, client.row, header, key, "profile", exc.message("zh-hans"), exc.message("en")
    )


def _not_ours(
    client: ClientRow, enterprise: Enterprise, has_users: bool, mandates: list[Mandate]
) -> RowError:
    header = client.headers.get("uscc", "统一社会信用代码")
    sheet, row = (
        (ENTERPRISE_SHEET, client.row)
        if client.row
        else (STAFF_SHEET, client.staff[0].row if client.staff else 0)
    )
    if has_users:
        zh = (
            f"{enterprise.uscc} 已登记为企业“{enterprise.name}”，并有自己的账户："
            "不会接管，请由该企业向本机构授予委托"
        )
        en = (
            f"{enterprise.uscc} is registered as “{enterprise.name}” with its own accounts: "
            "it is not taken over; the enterprise grants your agency a mandate itself"
        )
        code = "own_account"
    elif mandates:
        zh = (
            f"{enterprise.uscc}（{enterprise.name}）是其他代办机构的客户："
            "不会接管，请由该企业向本机构授予委托"
        )
        en = (
            f"{enterprise.uscc} ({enterprise.name}) is another agency's client: it is not taken over; "
            "the enterprise grants your agency a mandate itself"
        )
        code = "other_agency"
    else:
        zh = (
            f"{enterprise.uscc} 已登记为企业“{enterprise.name}”，不在本机构名下：不会接管，请由该企业授予委托"
        )
        en = (
            f"{enterprise.uscc} is registered as “{enterprise.name}” and is not in your agency's book: "
            "it is not taken over; the enterprise grants a mandate itself"
        )
        code = "not_in_book"
    return RowError(sheet, row, header, "enterprise.uscc", code, zh, en)


def _comparable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def plan(agency: Any, parsed: Parsed) -> Plan:
    """What each row would do to the agency's book, with the errors of rows that cannot be written."""
    errors = list(parsed.errors)
    steps: list[Step] = []
    clients = parsed.clients
    for start in range(0, len(clients), CHUNK):
        chunk = clients[start : start + CHUNK]
        stored = {
            e.uscc: e
            for e in Enterprise.objects.filter(uscc__in=[c.uscc for c in chunk])
            .select_related("organisation")
            .prefetch_related("security_staff")
        }
        ids = [e.pk for e in stored.values()]
        mandates: dict[int, list[Mandate]] = {}
        for mandate in Mandate.objects.filter(enterprise_id__in=ids, revoked_at__isnull=True):
            mandates.setdefault(mandate.enterprise_id, []).append(mandate)
        from icpdesk.accounts.models import User

        with_users = set(
            User.objects.filter(
                organisation_id__in=[e.organisation_id for e in stored.values()], is_active=True
            ).values_list("organisation_id", flat=True)
        )
        for client in chunk:
            step = _plan_one(agency, client, stored.get(client.uscc), mandates, with_users, errors)
            if step is None:
                continue
            merged_staff = step.staff if step.staff is not None else None
            values = {
                **(_current(step.enterprise) if step.enterprise else NOT_NULL_DEFAULTS),
                **client.values,
            }
            if step.enterprise is not None and merged_staff is None:
                merged_staff = _stored_staff(step.enterprise)
            try:
                parse_profile(_profile(values, merged_staff))
            except ProfileError as exc:
                errors.append(_profile_error(client, exc, parsed.staff_headers))
                continue
            steps.append(step)
    return Plan(steps, errors, parsed.ignored, parsed.total)


ENTERPRISE_ATTRS = (
    "name",
    "uscc",
    "legal_form",
    "province",
    "city",
    "registered_on",
    "registered_capital_cny",
    "business_scope",
    "on_abnormal_list",
    "on_serious_violation_list",
    "legal_rep_name",
    "legal_rep_id_number",
    "contact_phone",
    "address",
    "domain",
    "domain_holder",
    "icp_filing_number",
    "server_regions",
    "modules",
    "content_compliant",
    "third_party_merchants",
    "services",
    "capital_verification_report",
    "bank_statement_months",
)


def _current(enterprise: Enterprise) -> dict[str, Any]:
    return {name: _comparable(getattr(enterprise, name)) for name in ENTERPRISE_ATTRS}


def _plan_one(
    agency: Any,
    client: ClientRow,
    enterprise: Enterprise | None,
    mandates: dict[int, list[Mandate]],
    with_users: set[int],
    errors: list[RowError],
) -> Step | None:
    new_staff = [_staff_record(s) for s in client.staff] if client.staff is not None else None
    if enterprise is None:
        if not client.row:
            assert client.staff
            errors.append(
                RowError(
                    STAFF_SHEET,
                    client.staff[0].row,
                    client.headers.get("uscc", ""),
                    "enterprise.uscc",
                    "unknown_client",
                    f"统一社会信用代码 {client.uscc} 不在企业表中，也不是本机构的客户",
                    f"the credit code {client.uscc} is neither on the 企业 sheet nor a client of your agency",
                )
            )
            return None
        if not client.values.get("name"):
            errors.append(
                RowError(
                    ENTERPRISE_SHEET,
                    client.row,
                    client.headers.get("name", "企业名称"),
                    "enterprise.name",
                    "required",
                    "新客户必须填写企业名称",
                    "a new client needs its company name",
                )
            )
            return None
        return Step("create", client, staff=new_staff)
    held = mandates.get(enterprise.pk, [])
    ours = next((m for m in held if m.agency_id == agency.pk), None)
    if ours is None:
        errors.append(_not_ours(client, enterprise, enterprise.organisation_id in with_users, held))
        return None
    if not ours.prepare:
        sheet, row = (
            (ENTERPRISE_SHEET, client.row)
            if client.row
            else (STAFF_SHEET, client.staff[0].row if client.staff else 0)
        )
        errors.append(
            RowError(
                sheet,
                row,
                client.headers.get("uscc", ""),
                "enterprise.uscc",
                "mandate_scope",
                f"本机构对 {enterprise.name} 的委托不包括“准备材料”，不能修改其资料",
                f"your mandate for {enterprise.name} does not cover preparing: its profile cannot be changed",
            )
        )
        return None
    current = _current(enterprise)
    changes = {
        name: value
        for name, value in client.values.items()
        if name != "uscc" and _comparable(value) != current.get(name)
    }
    if "province" in changes:
        changes["province_code"] = PROVINCE_CODE_BY_NAME.get(changes["province"], enterprise.province_code)
    staff = None
    if new_staff is not None and new_staff != _stored_staff(enterprise):
        staff = new_staff
    if not changes and staff is None:
        return Step("unchanged", client, enterprise)
    return Step("update", client, enterprise, changes, staff)
