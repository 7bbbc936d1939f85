"""The enterprise profile that the eligibility engine assesses.

:func:`parse_profile` turns the decoded JSON of a profile into frozen
dataclasses, checking exactly what ``core/schemas/profile.schema.json``
publishes: a malformed profile raises :class:`ProfileError` naming the JSON
path of the first bad field (``security_staff[0].insured_months``). It is
written by hand, not driven by the schema, because batch assessment parses
tens of thousands of profiles a second; ``tests/core/test_profile.py`` keeps
the two in step.

Values that are well formed but wrong (a bad check character, an unknown
legal form) are *not* errors here: the engine assesses them and the matching
rule fails. ``None`` means the information is missing (the rule is unknown).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

__all__ = [
    "LEGAL_FORMS",
    "CapitalProof",
    "Enterprise",
    "History",
    "Profile",
    "ProfileError",
    "StaffMember",
    "Violation",
    "Website",
    "parse_profile",
]

LEGAL_FORMS = (
    "limited_company",
    "joint_stock_company",
    "individual_business",
    "partnership",
    "sole_proprietorship",
    "branch",
    "other",
)


class ProfileError(ValueError):
    """A malformed profile; ``field`` is the JSON path of the bad field."""

    def __init__(self, field: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{field}: {message_en}")
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str = "zh-hans") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def to_dict(self, lang: str = "zh-hans") -> dict[str, str]:
        return {"field": self.field, "message": self.message(lang)}


@dataclass(frozen=True, slots=True)
class Enterprise:
    name: str
    uscc: str | None = None
    legal_form: str | None = None
    province: str | None = None
    city: str | None = None
    registered_on: date | None = None
    registered_capital_cny: int | float | None = None
    business_scope: str | None = None
    on_abnormal_list: bool | None = None
    on_serious_violation_list: bool | None = None


@dataclass(frozen=True, slots=True)
class Website:
    domain: str | None = None
    domain_holder: str | None = None
    icp_filing_number: str | None = None
    server_regions: tuple[str, ...] | None = None
    modules: tuple[str, ...] | None = None
    content_compliant: bool | None = None
    third_party_merchants: bool | None = None
    services: tuple[str, ...] | None = None
    financial_authorisation: bool | None = None


@dataclass(frozen=True, slots=True)
class StaffMember:
    name: str | None = None
    id_number: str | None = None
    major: str | None = None
    certificates: tuple[str, ...] | None = None
    full_time: bool | None = None
    insured_province: str | None = None
    insured_months: int | None = None


@dataclass(frozen=True, slots=True)
class CapitalProof:
    verification_report: bool | None = None
    bank_statement_months: int | None = None


@dataclass(frozen=True, slots=True)
class Violation:
    date: date
    description: str | None = None


@dataclass(frozen=True, slots=True)
class History:
    violations: tuple[Violation, ...] | None = None
    barred_until: date | None = None
    false_materials_on: date | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    enterprise: Enterprise
    website: Website | None = None
    security_staff: tuple[StaffMember, ...] | None = None
    capital_proof: CapitalProof | None = None
    history: History | None = None
    assessed_on: date | None = None


def fast_constructor[T](cls: type[T]) -> Callable[..., T]:
    """A positional constructor (every field, in order) for a frozen slotted
    dataclass, several times faster than its ``__init__``: it sets the slots
    directly, which is what ``__init__`` does through ``object.__setattr__``.
    Generated as straight-line code, as :mod:`dataclasses` itself does."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    for name in names:
        if not name.isidentifier():  # pragma: no cover - our own dataclasses
            raise TypeError(name)
        scope[f"_set_{name}"] = getattr(cls, name).__set__
    lines = [f"def build({', '.join(names)}):", "    obj = _new(_cls)"]
    lines += [f"    _set_{name}(obj, {name})" for name in names]
    lines.append("    return obj")
    exec("\n".join(lines), scope)  # noqa: S102 - field names of our own classes, checked above
    build: Callable[..., T] = scope["build"]
    return build


_enterprise_of = fast_constructor(Enterprise)
_website_of = fast_constructor(Website)
_staff_of = fast_constructor(StaffMember)
_capital_of = fast_constructor(CapitalProof)
_violation_of = fast_constructor(Violation)
_history_of = fast_constructor(History)
_profile_of = fast_constructor(Profile)


# ------------------------------------------------------------------ checking helpers
# Each takes the parent object, the key and the parent's path, and returns the
# value or None (absent or null); anything else raises ProfileError.

_TYPE_ZH = {"string": "字符串", "boolean": "布尔值", "integer": "整数", "number": "数字", "array": "数组"}
_TYPE_ZH |= {"object": "对象", "date": "日期（YYYY-MM-DD）"}


_JSON_TYPES: dict[type, str] = {
    type(None): "null",
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
}


def _path(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


def _type_error(path: str, expected: str, value: Any) -> ProfileError:
    got = _JSON_TYPES.get(type(value), type(value).__name__)
    return ProfileError(
        path,
        f"应为{_TYPE_ZH[expected]}，实际为 {got}",
        f"expected {'a date (YYYY-MM-DD)' if expected == 'date' else expected}, got {got}",
    )


def _missing(path: str) -> ProfileError:
    return ProfileError(path, "缺少必填字段", "required field is missing")


def _unknown_keys(obj: dict[str, Any], allowed: frozenset[str], parent: str) -> None:
    for key in obj:
        if key not in allowed:
            raise ProfileError(_path(parent, key), "未知字段", "unknown field")


def _str(obj: dict[str, Any], key: str, parent: str) -> str | None:
    value = obj.get(key)
    if value is None or type(value) is str:
        return value
    raise _type_error(_path(parent, key), "string", value)


def _bool(obj: dict[str, Any], key: str, parent: str) -> bool | None:
    value = obj.get(key)
    if value is None or value is True or value is False:
        return value
    raise _type_error(_path(parent, key), "boolean", value)


def _nonneg_int(obj: dict[str, Any], key: str, parent: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is not int:
        raise _type_error(_path(parent, key), "integer", value)
    if value < 0:
        raise ProfileError(_path(parent, key), "不能为负数", "must not be negative")
    return value


def _nonneg_number(obj: dict[str, Any], key: str, parent: str) -> int | float | None:
    value = obj.get(key)
    if value is None:
        return None
    if type(value) is not int and type(value) is not float:
        raise _type_error(_path(parent, key), "number", value)
    if value < 0:
        raise ProfileError(_path(parent, key), "不能为负数", "must not be negative")
    return value


def _date_value(value: Any, path: str) -> date:
    if type(value) is not str:
        raise _type_error(path, "date", value)
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ProfileError(
        path, f"日期无效：{value!r}（应为 YYYY-MM-DD）", f"invalid date {value!r} (YYYY-MM-DD)"
    )


def _date(obj: dict[str, Any], key: str, parent: str) -> date | None:
    value = obj.get(key)
    if value is None:
        return None
    return _date_value(value, _path(parent, key))


def _strings(obj: dict[str, Any], key: str, parent: str) -> tuple[str, ...] | None:
    value = obj.get(key)
    if value is None:
        return None
    path = _path(parent, key)
    if type(value) is not list:
        raise _type_error(path, "array", value)
    for i, item in enumerate(value):
        if type(item) is not str:
            raise _type_error(f"{path}[{i}]", "string", item)
    return tuple(value)


def _object(obj: dict[str, Any], key: str, parent: str) -> dict[str, Any] | None:
    value = obj.get(key)
    if value is None or type(value) is dict:
        return value
    raise _type_error(_path(parent, key), "object", value)


# ------------------------------------------------------------------ the sections

_TOP = frozenset({"assessed_on", "enterprise", "website", "security_staff", "capital_proof", "history"})
_ENTERPRISE = frozenset(
    {
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
    }
)
_WEBSITE = frozenset(
    {
        "domain",
        "domain_holder",
        "icp_filing_number",
        "server_regions",
        "modules",
        "content_compliant",
        "third_party_merchants",
        "services",
        "financial_authorisation",
    }
)
_STAFF = frozenset(
    {"name", "id_number", "major", "certificates", "full_time", "insured_province", "insured_months"}
)
_CAPITAL = frozenset({"verification_report", "bank_statement_months"})
_HISTORY = frozenset({"violations", "barred_until", "false_materials_on"})
_VIOLATION = frozenset({"date", "description"})


def _enterprise(e: dict[str, Any]) -> Enterprise:
    p = "enterprise"
    if not _ENTERPRISE.issuperset(e):
        _unknown_keys(e, _ENTERPRISE, p)
    name = e.get("name")
    if name is None:
        raise _missing("enterprise.name")
    if type(name) is not str:
        raise _type_error("enterprise.name", "string", name)
    if not name.strip():
        raise ProfileError("enterprise.name", "企业名称不能为空", "must not be empty")
    return _enterprise_of(
        name,
        _str(e, "uscc", p),
        _str(e, "legal_form", p),
        _str(e, "province", p),
        _str(e, "city", p),
        _date(e, "registered_on", p),
        _nonneg_number(e, "registered_capital_cny", p),
        _str(e, "business_scope", p),
        _bool(e, "on_abnormal_list", p),
        _bool(e, "on_serious_violation_list", p),
    )


def _website(w: dict[str, Any]) -> Website:
    p = "website"
    if not _WEBSITE.issuperset(w):
        _unknown_keys(w, _WEBSITE, p)
    return _website_of(
        _str(w, "domain", p),
        _str(w, "domain_holder", p),
        _str(w, "icp_filing_number", p),
        _strings(w, "server_regions", p),
        _strings(w, "modules", p),
        _bool(w, "content_compliant", p),
        _bool(w, "third_party_merchants", p),
        _strings(w, "services", p),
        _bool(w, "financial_authorisation", p),
    )


def _staff(items: Any) -> tuple[StaffMember, ...]:
    if type(items) is not list:
        raise _type_error("security_staff", "array", items)
    out = []
    for i, s in enumerate(items):
        p = f"security_staff[{i}]"
        if type(s) is not dict:
            raise _type_error(p, "object", s)
        if not _STAFF.issuperset(s):
            _unknown_keys(s, _STAFF, p)
        out.append(
            _staff_of(
                _str(s, "name", p),
                _str(s, "id_number", p),
                _str(s, "major", p),
                _strings(s, "certificates", p),
                _bool(s, "full_time", p),
                _str(s, "insured_province", p),
                _nonneg_int(s, "insured_months", p),
            )
        )
    return tuple(out)


def _capital(c: dict[str, Any]) -> CapitalProof:
    p = "capital_proof"
    if not _CAPITAL.issuperset(c):
        _unknown_keys(c, _CAPITAL, p)
    return _capital_of(
        _bool(c, "verification_report", p),
        _nonneg_int(c, "bank_statement_months", p),
    )


def _history(h: dict[str, Any]) -> History:
    p = "history"
    if not _HISTORY.issuperset(h):
        _unknown_keys(h, _HISTORY, p)
    raw = h.get("violations")
    violations: tuple[Violation, ...] | None = None
    if raw is not None:
        if type(raw) is not list:
            raise _type_error("history.violations", "array", raw)
        found = []
        for i, v in enumerate(raw):
            vp = f"history.violations[{i}]"
            if type(v) is not dict:
                raise _type_error(vp, "object", v)
            if not _VIOLATION.issuperset(v):
                _unknown_keys(v, _VIOLATION, vp)
            if v.get("date") is None:
                raise _missing(f"{vp}.date")
            found.append(_violation_of(_date_value(v["date"], f"{vp}.date"), _str(v, "description", vp)))
        violations = tuple(found)
    return _history_of(
        violations,
        _date(h, "barred_until", p),
        _date(h, "false_materials_on", p),
    )


def parse_profile(data: Any) -> Profile:
    """Check and convert a decoded JSON profile; raise :class:`ProfileError` if malformed."""
    if type(data) is not dict:
        raise _type_error("$", "object", data)
    if not _TOP.issuperset(data):
        _unknown_keys(data, _TOP, "")
    enterprise = data.get("enterprise")
    if enterprise is None:
        raise _missing("enterprise")
    if type(enterprise) is not dict:
        raise _type_error("enterprise", "object", enterprise)
    website = _object(data, "website", "")
    capital = _object(data, "capital_proof", "")
    history = _object(data, "history", "")
    staff = data.get("security_staff")
    return _profile_of(
        _enterprise(enterprise),
        None if website is None else _website(website),
        None if staff is None else _staff(staff),
        None if capital is None else _capital(capital),
        None if history is None else _history(history),
        _date(data, "assessed_on", ""),
    )
