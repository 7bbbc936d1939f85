"""Rule packs: the data files (``icpdesk/core/packs/*.toml``) that hold a
deployment's eligibility rules, materials and time limits.

A pack is read once, validated, merged with the pack it ``extends`` and kept
as frozen objects; :func:`load_pack` caches it per process. Nothing in the
engine hard-codes a figure that a pack can carry.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any

__all__ = [
    "LIMIT_NAMES",
    "RULE_IDS",
    "Group",
    "LicenseType",
    "Limit",
    "Material",
    "PackError",
    "Rule",
    "RulePack",
    "available_packs",
    "load_pack",
]

UNITS = frozenset({"workday", "day", "month", "year"})

#: The time limits of the case workflow a pack may carry.
LIMIT_NAMES = (
    "acceptance",
    "supplement_answer",
    "inspection",
    "decision",
    "certificate",
    "decision_total",
    "license_validity",
    "renewal_reminder",
    "renewal_deadline",
    "change_filing",
    "ban",
)

#: Every rule id the engine knows how to evaluate (DOMAIN.md, plus failure 1).
RULE_IDS = (
    "entity.legal_form",
    "entity.province",
    "entity.age",
    "entity.business_scope",
    "entity.uscc",
    "entity.credit_standing",
    "site.domain",
    "site.domain_filing",
    "site.server_location",
    "site.trading_modules",
    "site.content",
    "site.out_of_scope_services",
    "staff.security_manager",
    "capital.registered",
    "capital.proof",
    "compliance.history",
    "compliance.ban",
)

ANNUAL_REPORT_MISSED = frozenset({"lapse", "bad_record"})


class PackError(ValueError):
    """A rule pack is missing, malformed or inconsistent."""


@dataclass(frozen=True, slots=True)
class Limit:
    value: int
    unit: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    name_zh: str
    name_en: str
    materials: bool = True

    def name(self, lang: str = "zh-hans") -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True, slots=True)
class Material:
    id: str
    group: str
    name_zh: str
    name_en: str
    required: bool
    seal: bool
    renewal: bool
    guidance: str
    source: str = ""
    validity: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    # Materials sharing a ``one_of`` name are alternatives: the case needs at least one of them.
    one_of: str = ""

    def name(self, lang: str = "zh-hans") -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    group: str
    title_zh: str
    title_en: str
    remedy_zh: str
    remedy_en: str
    source: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def title(self, lang: str = "zh-hans") -> str:
        return self.title_en if lang == "en" else self.title_zh

    def remedy(self, lang: str = "zh-hans") -> str:
        return self.remedy_en if lang == "en" else self.remedy_zh


@dataclass(frozen=True, slots=True)
class LicenseType:
    code: str
    name_zh: str
    name_en: str
    source: str


@dataclass(frozen=True, slots=True, eq=False)
class RulePack:
    """A loaded pack. Compared and hashed by identity (packs are loaded once)."""

    id: str
    version: str
    name_zh: str
    name_en: str
    province: str
    province_code: str
    abbreviation: str
    province_aliases: tuple[str, ...]
    cities: tuple[str, ...]
    authority_zh: str
    authority_en: str
    source: str
    limits: Mapping[str, Limit]
    annual_report_window: tuple[str, str]
    annual_report_missed: str
    annual_report_source: str
    groups: tuple[Group, ...]
    materials: tuple[Material, ...]
    rules: tuple[Rule, ...]
    license_types: Mapping[str, LicenseType]
    extends: str | None = None

    def limit(self, name: str) -> Limit:
        """The time limit ``name``; :class:`KeyError` if the pack has none."""
        try:
            return self.limits[name]
        except KeyError:
            raise KeyError(f"rule pack {self.id!r} has no limit {name!r}") from None

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"rule pack {self.id!r} has no rule {rule_id!r}")

    def material(self, material_id: str) -> Material:
        for material in self.materials:
            if material.id == material_id:
                return material
        raise KeyError(f"rule pack {self.id!r} has no material {material_id!r}")

    def group(self, group_id: str) -> Group:
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(f"rule pack {self.id!r} has no group {group_id!r}")

    def name(self, lang: str = "zh-hans") -> str:
        return self.name_en if lang == "en" else self.name_zh

    def __repr__(self) -> str:
        return f"RulePack({self.id!r}, version={self.version!r})"


def available_packs() -> list[str]:
    """The names of the packs shipped with icpdesk, sorted."""
    folder = resources.files("icpdesk.core") / "packs"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def load_pack(name: str = "gansu") -> RulePack:
    """The pack ``name`` (``gansu``, ``national``), validated; cached per process."""
    return _load(name)


@functools.cache
def _load(name: str) -> RulePack:
    return build_pack(_merged(name, ()), name)


def _read(name: str) -> dict[str, Any]:
    if not name or not all(c.isalnum() or c in "_-" for c in name):
        raise PackError(f"invalid rule pack name {name!r}")
    path = resources.files("icpdesk.core") / "packs" / f"{name}.toml"
    if not path.is_file():
        raise PackError(f"no rule pack {name!r}; available: {', '.join(available_packs())}")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"rule pack {name!r}: {exc}") from exc


def _merge_by_id(base: list[dict[str, Any]], over: list[dict[str, Any]], what: str) -> list[dict[str, Any]]:
    merged = [dict(item) for item in base]
    index = {item.get("id"): i for i, item in enumerate(merged)}
    for item in over:
        key = item.get("id")
        if key in index:
            target = merged[index[key]]
            for k, v in item.items():
                if isinstance(v, dict) and isinstance(target.get(k), dict):
                    target[k] = {**target[k], **v}
                else:
                    target[k] = v
        else:
            index[key] = len(merged)
            merged.append(dict(item))
    return merged


def _merged(name: str, seen: tuple[str, ...]) -> dict[str, Any]:
    if name in seen:
        raise PackError(f"rule pack {name!r} extends itself: {' -> '.join((*seen, name))}")
    data = _read(name)
    parent = data.get("extends")
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise PackError(f"rule pack {name!r}: extends must be a pack name")
    base = _merged(parent, (*seen, name))
    out: dict[str, Any] = dict(base)
    out["extends"] = parent
    out["pack"] = {**base.get("pack", {}), **data.get("pack", {})}
    limits = {**base.get("limits", {}), **data.get("limits", {})}
    for omitted in data.get("omit_limits", []):
        limits.pop(omitted, None)
    out["limits"] = limits
    out["annual_report"] = {**base.get("annual_report", {}), **data.get("annual_report", {})}
    out["license_types"] = {**base.get("license_types", {}), **data.get("license_types", {})}
    out["groups"] = _merge_by_id(base.get("groups", []), data.get("groups", []), "group")
    out["materials"] = _merge_by_id(base.get("materials", []), data.get("materials", []), "material")
    omit = set(data.get("omit_rules", []))
    rules = _merge_by_id(base.get("rules", []), data.get("rules", []), "rule")
    out["rules"] = [r for r in rules if r.get("id") not in omit]
    out.pop("omit_rules", None)
    out.pop("omit_limits", None)
    return out


def _req(table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = table.get(key)
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        raise PackError(f"{where}.{key}: expected {getattr(kind, '__name__', kind)}, got {value!r}")
    return value


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def build_pack(data: Mapping[str, Any], name: str) -> RulePack:
    """Validate the (merged) TOML data of a pack into a :class:`RulePack`."""
    where = f"pack {name!r}"
    head = data.get("pack")
    if not isinstance(head, dict):
        raise PackError(f"{where}: missing [pack] table")
    strings = ("id", "version", "name_zh", "name_en", "province", "province_code", "abbreviation", "source")
    meta = {k: _req(head, k, str, f"{where} [pack]") for k in strings}
    for k in ("id", "version", "name_zh", "name_en"):
        if not meta[k]:
            raise PackError(f"{where} [pack].{k} is empty")
    aliases = tuple(head.get("province_aliases", ()))
    if meta["province"] and meta["province"] not in aliases:
        aliases = (meta["province"], *aliases)

    limits: dict[str, Limit] = {}
    for lname, table in dict(data.get("limits", {})).items():
        lw = f"{where} [limits.{lname}]"
        if lname not in LIMIT_NAMES:
            raise PackError(f"{lw}: unknown limit (known: {', '.join(LIMIT_NAMES)})")
        value = _req(table, "value", int, lw)
        unit = _req(table, "unit", str, lw)
        if unit not in UNITS or value < 0:
            raise PackError(f"{lw}: unit must be one of {sorted(UNITS)} and value >= 0")
        limits[lname] = Limit(value, unit, str(table.get("source", "")))

    report = dict(data.get("annual_report", {}))
    window = (str(report.get("start", "")), str(report.get("end", "")))
    for part in window:
        if len(part) != 5 or part[2] != "-" or not (part[:2] + part[3:]).isdigit():
            raise PackError(f"{where} [annual_report]: start/end must be MM-DD, got {part!r}")
    missed = report.get("missed")
    if missed not in ANNUAL_REPORT_MISSED:
        raise PackError(f"{where} [annual_report].missed must be one of {sorted(ANNUAL_REPORT_MISSED)}")

    groups = tuple(
        Group(
            id=_req(g, "id", str, f"{where} [[groups]]"),
            name_zh=_req(g, "name_zh", str, f"{where} [[groups]]"),
            name_en=_req(g, "name_en", str, f"{where} [[groups]]"),
            materials=bool(g.get("materials", True)),
        )
        for g in data.get("groups", [])
    )
    group_ids = {g.id for g in groups}

    materials: list[Material] = []
    for m in data.get("materials", []):
        mw = f"{where} material {m.get('id')!r}"
        material = Material(
            id=_req(m, "id", str, mw),
            group=_req(m, "group", str, mw),
            name_zh=_req(m, "name_zh", str, mw),
            name_en=_req(m, "name_en", str, mw),
            required=_req(m, "required", bool, mw),
            seal=_req(m, "seal", bool, mw),
            renewal=_req(m, "renewal", bool, mw),
            guidance=_req(m, "guidance", str, mw),
            source=str(m.get("source", "")),
            validity=MappingProxyType(dict(m.get("validity", {}))),
            one_of=str(m.get("one_of", "")),
        )
        if material.group not in group_ids:
            raise PackError(f"{mw}: unknown group {material.group!r}")
        materials.append(material)
    if len({m.id for m in materials}) != len(materials):
        raise PackError(f"{where}: duplicate material ids")

    rules: list[Rule] = []
    for r in data.get("rules", []):
        rw = f"{where} rule {r.get('id')!r}"
        rule = Rule(
            id=_req(r, "id", str, rw),
            group=_req(r, "group", str, rw),
            title_zh=_req(r, "title_zh", str, rw),
            title_en=_req(r, "title_en", str, rw),
            remedy_zh=_req(r, "remedy_zh", str, rw),
            remedy_en=_req(r, "remedy_en", str, rw),
            source=_req(r, "source", str, rw),
            params=_freeze(dict(r.get("params", {}))),
        )
        if rule.id not in RULE_IDS:
            raise PackError(f"{rw}: the engine has no rule with this id")
        if rule.group not in group_ids or rule.id.split(".", 1)[0] != rule.group:
            raise PackError(f"{rw}: group {rule.group!r} is unknown or does not match the id")
        rules.append(rule)
    if len({r.id for r in rules}) != len(rules):
        raise PackError(f"{where}: duplicate rule ids")

    license_types = {
        code: LicenseType(
            code=code,
            name_zh=_req(t, "name_zh", str, f"{where} [license_types.{code}]"),
            name_en=_req(t, "name_en", str, f"{where} [license_types.{code}]"),
            source=str(t.get("source", "")),
        )
        for code, t in dict(data.get("license_types", {})).items()
    }
    for code in ("B25", "B21"):
        if code not in license_types:
            raise PackError(f"{where}: missing [license_types.{code}]")

    return RulePack(
        id=meta["id"],
        version=meta["version"],
        name_zh=meta["name_zh"],
        name_en=meta["name_en"],
        province=meta["province"],
        province_code=meta["province_code"],
        abbreviation=meta["abbreviation"],
        province_aliases=tuple(str(a) for a in aliases),
        cities=tuple(str(c) for c in head.get("cities", ())),
        authority_zh=str(head.get("authority_zh", "")),
        authority_en=str(head.get("authority_en", "")),
        source=meta["source"],
        limits=MappingProxyType(limits),
        annual_report_window=window,
        annual_report_missed=str(missed),
        annual_report_source=str(report.get("source", "")),
        groups=groups,
        materials=tuple(materials),
        rules=tuple(rules),
        license_types=MappingProxyType(license_types),
        extends=data.get("extends"),
    )
