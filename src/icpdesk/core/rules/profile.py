"""The enterprise profile that the eligibility engine assesses.

:func:`parse_profile` turns the decoded JSON of a profile into immutable
named tuples, checking exactly what ``core/schemas/profile.schema.json``
publishes: a malformed profile raises :class:`ProfileError` naming the JSON
path of the first bad field (``security_staff[0].insured_months``). The
parser is generated from the field kinds below, not driven by the schema at
run time, because batch assessment parses tens of thousands of profiles a
second; ``tests/core/test_profile.py`` keeps the two in step.

Values that are well formed but wrong (a bad check character, an unknown
legal form) are *not* errors here: the engine assesses them and the matching
rule fails. ``None`` means the information is missing (the rule is unknown).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date
from typing import Any, NamedTuple

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


class Enterprise(NamedTuple):
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


class Website(NamedTuple):
    domain: str | None = None
    domain_holder: str | None = None
    icp_filing_number: str | None = None
    server_regions: tuple[str, ...] | None = None
    modules: tuple[str, ...] | None = None
    content_compliant: bool | None = None
    third_party_merchants: bool | None = None
    services: tuple[str, ...] | None = None
    financial_authorisation: bool | None = None


class StaffMember(NamedTuple):
    name: str | None = None
    id_number: str | None = None
    major: str | None = None
    certificates: tuple[str, ...] | None = None
    full_time: bool | None = None
    insured_province: str | None = None
    insured_months: int | None = None


class CapitalProof(NamedTuple):
    verification_report: bool | None = None
    bank_statement_months: int | None = None


class Violation(NamedTuple):
    date: date
    description: str | None = None


class History(NamedTuple):
    violations: tuple[Violation, ...] | None = None
    barred_until: date | None = None
    false_materials_on: date | None = None


class Profile(NamedTuple):
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


# ------------------------------------------------------------------ checking helpers
# Each takes a value and its JSON path and returns the value to keep, or
# raises ProfileError naming the path.

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


def _nonneg_int_value(value: Any, path: str) -> int:
    """``value`` as a whole number of at least 0 (``3.0`` is 3); else ProfileError."""
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is not int:
        raise _type_error(path, "integer", value)
    if value < 0:
        raise ProfileError(path, "不能为负数", "must not be negative")
    return value


def _nonneg_number_value(value: Any, path: str) -> int | float:
    if type(value) is not int and type(value) is not float:
        raise _type_error(path, "number", value)
    if value < 0:
        raise ProfileError(path, "不能为负数", "must not be negative")
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


def _strings_value(value: Any, path: str) -> tuple[str, ...]:
    if type(value) is not list:
        raise _type_error(path, "array", value)
    for i, item in enumerate(value):
        if type(item) is not str:
            raise _type_error(f"{path}[{i}]", "string", item)
    return tuple(value)


def _name_value(value: Any, path: str) -> str:
    if value is None:
        raise _missing(path)
    if type(value) is not str:
        raise _type_error(path, "string", value)
    if not value.strip():
        raise ProfileError(path, "企业名称不能为空", "must not be empty")
    return value


def _required_date_value(value: Any, path: str) -> date:
    if value is None:
        raise _missing(path)
    return _date_value(value, path)


def _items_value(parse: Callable[[dict[str, Any], str], Any], value: Any, path: str) -> tuple[Any, ...]:
    """A list of objects, each parsed by ``parse``."""
    if type(value) is not list:
        raise _type_error(path, "array", value)
    found = []
    for i, item in enumerate(value):
        item_path = f"{path}[{i}]"
        if type(item) is not dict:
            raise _type_error(item_path, "object", item)
        found.append(parse(item, item_path))
    return tuple(found)


# ------------------------------------------------------------------ the sections
# Each section's parser is generated from its dataclass and the kind of each
# field: straight-line code that checks the fields in order (inline for a
# string or a flag, through the helpers above for the rest) and raises on the
# first bad one, naming its JSON path. The kinds follow
# core/schemas/profile.schema.json; tests/core/test_profile.py holds the two
# together.

# kind -> (when the value is wrong, the error); the error is raised
_INLINE: dict[str, tuple[str, str]] = {
    "str": ("v is not None and type(v) is not str", "_type_error({path}, 'string', v)"),
    "bool": ("v is not None and v is not True and v is not False", "_type_error({path}, 'boolean', v)"),
}
# kind -> (when the value needs the helper, the helper); the helper returns the
# value to keep or raises
_HELPED: dict[str, tuple[str, str]] = {
    "int": ("v is not None and (type(v) is not int or v < 0)", "_nonneg_int_value"),
    "number": (
        "v is not None and ((type(v) is not int and type(v) is not float) or v < 0)",
        "_nonneg_number_value",
    ),
    "date": ("v is not None", "_date_value"),
    "strings": ("v is not None", "_strings_value"),
    "name": ("True", "_name_value"),
    "required_date": ("True", "_required_date_value"),
}
_HELPERS: dict[str, Callable[[Any, str], Any]] = {
    "_nonneg_int_value": _nonneg_int_value,
    "_nonneg_number_value": _nonneg_number_value,
    "_date_value": _date_value,
    "_strings_value": _strings_value,
    "_name_value": _name_value,
    "_required_date_value": _required_date_value,
}

Parser = Callable[[dict[str, Any], str], Any]


def _section_parser(
    cls: type,
    kinds: dict[str, str],
    objects: dict[str, Parser] | None = None,
    lists: dict[str, Parser] | None = None,
) -> Parser:
    """``parse(obj, path)`` for the dataclass ``cls``. ``kinds`` gives the kind of
    each plain field; ``objects`` the fields holding one nested object and
    ``lists`` those holding a list of them, with their parsers. Absent and
    null fields are ``None``."""
    objects = objects or {}
    lists = lists or {}
    names = list(cls._fields)  # type: ignore[attr-defined]
    if sorted(names) != sorted([*kinds, *objects, *lists]):  # pragma: no cover - our own dataclasses
        raise TypeError(f"{cls.__name__}: every field needs exactly one kind")
    scope: dict[str, Any] = {
        "_allowed": frozenset(names),
        "_unknown_keys": _unknown_keys,
        "_type_error": _type_error,
        "_items_value": _items_value,
        "_new": tuple.__new__,
        "_cls": cls,
        **_HELPERS,
    }
    lines = [
        "def parse(obj, path):",
        "    if not _allowed.issuperset(obj):",
        "        _unknown_keys(obj, _allowed, path)",
        "    get = obj.get",
    ]
    for index, name in enumerate(names):
        if not name.isidentifier():  # pragma: no cover - our own dataclasses
            raise TypeError(name)
        field_path = f"(path + '.{name}' if path else '{name}')"
        lines.append(f"    v = get('{name}')")
        if name in objects:
            scope[f"_parse_{name}"] = objects[name]
            lines += [
                "    if v is not None:",
                "        if type(v) is not dict:",
                f"            raise _type_error({field_path}, 'object', v)",
                f"        v = _parse_{name}(v, {field_path})",
            ]
        elif name in lists:
            scope[f"_parse_{name}"] = lists[name]
            lines += ["    if v is not None:", f"        v = _items_value(_parse_{name}, v, {field_path})"]
        elif kinds[name] in _INLINE:
            condition, error = _INLINE[kinds[name]]
            lines += [f"    if {condition}:", f"        raise {error.format(path=field_path)}"]
        else:
            condition, helper = _HELPED[kinds[name]]
            lines += [f"    if {condition}:", f"        v = {helper}(v, {field_path})"]
        lines.append(f"    f{index} = v")
    lines.append(f"    return _new(_cls, ({''.join(f'f{i}, ' for i in range(len(names)))}))")
    exec("\n".join(lines), scope)  # noqa: S102 - generated from our own dataclasses, names checked
    parse: Parser = scope["parse"]
    return parse


_STR, _BOOL, _INT, _STRINGS, _DATE = "str", "bool", "int", "strings", "date"

_profile = _section_parser(
    Profile,
    {"assessed_on": _DATE},
    objects={
        "enterprise": _section_parser(
            Enterprise,
            {
                "name": "name",
                "uscc": _STR,
                "legal_form": _STR,
                "province": _STR,
                "city": _STR,
                "registered_on": _DATE,
                "registered_capital_cny": "number",
                "business_scope": _STR,
                "on_abnormal_list": _BOOL,
                "on_serious_violation_list": _BOOL,
            },
        ),
        "website": _section_parser(
            Website,
            {
                "domain": _STR,
                "domain_holder": _STR,
                "icp_filing_number": _STR,
                "server_regions": _STRINGS,
                "modules": _STRINGS,
                "content_compliant": _BOOL,
                "third_party_merchants": _BOOL,
                "services": _STRINGS,
                "financial_authorisation": _BOOL,
            },
        ),
        "capital_proof": _section_parser(
            CapitalProof, {"verification_report": _BOOL, "bank_statement_months": _INT}
        ),
        "history": _section_parser(
            History,
            {"barred_until": _DATE, "false_materials_on": _DATE},
            lists={"violations": _section_parser(Violation, {"date": "required_date", "description": _STR})},
        ),
    },
    lists={
        "security_staff": _section_parser(
            StaffMember,
            {
                "name": _STR,
                "id_number": _STR,
                "major": _STR,
                "certificates": _STRINGS,
                "full_time": _BOOL,
                "insured_province": _STR,
                "insured_months": _INT,
            },
        )
    },
)
_TOP = frozenset(Profile._fields)


def parse_profile(data: Any) -> Profile:
    """Check and convert a decoded JSON profile; raise :class:`ProfileError` if malformed."""
    if type(data) is not dict:
        raise _type_error("$", "object", data)
    if data.get("enterprise") is None and _TOP.issuperset(data):
        raise _missing("enterprise")
    profile: Profile = _profile(data, "")
    return profile
