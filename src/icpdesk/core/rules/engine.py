"""The eligibility engine: a profile and a rule pack in, a verdict out.

For each rule of the pack, in the pack's order, the engine reads the profile
values the rule's condition names (:data:`conditions.RULES`), runs the
condition, and words its result from the message catalogue with the pack's
remedy. The verdict is ``not_eligible`` if a rule fails, else ``incomplete``
if one is unknown, else ``eligible``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

import orjson

from icpdesk.core.periods import add_months, add_years
from icpdesk.core.rules.advice import license_advice
from icpdesk.core.rules.conditions import FAIL, PASS, RULES, UNKNOWN, Result
from icpdesk.core.rules.messages import render
from icpdesk.core.rules.packs import Rule, RulePack
from icpdesk.core.rules.profile import Profile

__all__ = [
    "Assessment",
    "Check",
    "add_months",
    "add_years",
    "assess",
    "clear_memos",
    "facts_reader",
    "normalize_lang",
]


class Check(NamedTuple):
    id: str
    group: str
    status: str
    message: str
    remedy: str | None
    message_key: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "group": self.group,
            "status": self.status,
            "message": self.message,
            "remedy": self.remedy,
            "message_key": self.message_key,
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    verdict: str
    rule_pack: str
    rule_pack_version: str
    assessed_on: date
    checks: tuple[Check, ...]
    license_types: tuple[tuple[str, str], ...]
    lang: str = "zh-hans"

    def to_dict(self) -> dict[str, Any]:
        """The JSON output (docs/profile.md), key for key."""
        return {
            "verdict": self.verdict,
            "rule_pack": self.rule_pack,
            "rule_pack_version": self.rule_pack_version,
            "assessed_on": self.assessed_on.isoformat(),
            "checks": [
                {
                    "id": c.id,
                    "group": c.group,
                    "status": c.status,
                    "message": c.message,
                    "remedy": c.remedy,
                    "message_key": c.message_key,
                }
                for c in self.checks
            ],
            "license_types": [{"code": code, "reason": reason} for code, reason in self.license_types],
        }

    def to_json(self) -> str:
        """``to_dict()`` as compact JSON text (not ASCII-escaped)."""
        return self.to_json_bytes().decode()

    def to_json_bytes(self) -> bytes:
        """``to_dict()`` as compact UTF-8 JSON."""
        return orjson.dumps(self.to_dict())

    def check(self, rule_id: str) -> Check:
        for c in self.checks:
            if c.id == rule_id:
                return c
        raise KeyError(rule_id)


def normalize_lang(lang: str | None) -> str:
    """``en`` for any English tag, else ``zh-hans`` (the default language)."""
    if lang == "zh-hans" or lang == "en":
        return lang
    return "en" if lang and lang.lower().startswith("en") else "zh-hans"


Facts = Callable[[Profile], tuple[Any, ...]]


def facts_reader(paths: tuple[str, ...]) -> Facts:
    """A function giving the values at ``paths`` (``enterprise.uscc``,
    ``website.domain``, ``security_staff``) of a profile, as a tuple in that
    order; ``None`` for a value whose section is absent. Built from
    :func:`operator.attrgetter`, which reads several attributes in one call:
    this runs for every rule of every profile."""
    parts: list[tuple[str, list[str]]] = []
    for path in paths:
        section, _, name = path.partition(".")
        if parts and parts[-1][0] == section and name:
            parts[-1][1].append(name)
        elif any(section == seen for seen, _ in parts):
            raise ValueError(f"{paths}: the values of one section must be named together")
        else:
            parts.append((section, [name] if name else []))
    readers = [_section_reader(section, names) for section, names in parts]
    if len(readers) == 1:
        return readers[0]
    first, second = readers  # no rule reads more than two sections
    return lambda profile: first(profile) + second(profile)


def _section_reader(section: str, names: list[str]) -> Facts:
    if not names:  # a field of the profile itself, e.g. security_staff
        whole = operator.attrgetter(section)
        return lambda profile: (whole(profile),)
    if section == "enterprise":  # never absent
        values = operator.attrgetter(*(f"{section}.{name}" for name in names))
        return (lambda profile: (values(profile),)) if len(names) == 1 else values
    part = operator.attrgetter(section)
    inner = operator.attrgetter(*names)
    absent = (None,) * len(names)
    if len(names) == 1:
        return lambda profile: absent if (found := part(profile)) is None else (inner(found),)
    return lambda profile: absent if (found := part(profile)) is None else inner(found)


@dataclass(frozen=True, slots=True)
class _Step:
    """One rule of a pack, ready to run: its condition, its reader and params."""

    rule: Rule
    rule_id: str
    group: str
    check: Callable[..., Result]
    dated: bool
    facts: Facts
    params: Any
    remedy: tuple[str, str]  # Chinese, English


def _plan(pack: RulePack) -> tuple[_Step, ...]:
    steps = []
    for rule in pack.rules:
        condition = RULES[rule.id]
        prepare = condition.prepare
        steps.append(
            _Step(
                rule=rule,
                rule_id=rule.id,
                group=rule.group,
                check=condition.check,
                dated=condition.dated,
                facts=facts_reader(condition.reads),
                params=rule.params if prepare is None else prepare(pack, rule.params),
                remedy=(rule.remedy_zh, rule.remedy_en),
            )
        )
    return tuple(steps)


# The engine's one memo. What it keeps, by what:
#   a rule's check, by (pack, language, rule id, the profile values the rule
#     reads, the date if the rule is dated). Safe because a condition receives
#     only those values, the pack and its params (a pack is loaded once and
#     never changes), and the date when it is dated: equal keys, equal checks.
#     Profile values are frozen structs, tuples and scalars, so they hash.
#   the license advice, by ("license_types", pack, language, the two answers
#     it reads: third_party_merchants and services).
#   a pack's plan (its rules ready to run), by ("plan", pack).
# Clients recur in an agency's batch (the same credit code, domain, filing,
# registration date), which is what it is for. Bounded: emptied when full.
_MEMO: dict[tuple[Any, ...], Any] = {}
_MEMO_LIMIT = 200_000


def clear_memos() -> None:
    """Forget every remembered check and advice: the next assessments run from
    cold, as in a fresh process."""
    _MEMO.clear()


def _remember(key: tuple[Any, ...], value: Any) -> Any:
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[key] = value
    return value


def _run(step: _Step, pack: RulePack, lang: str, day: date, facts: tuple[Any, ...]) -> Check:
    if step.dated:
        result = step.check(pack, step.params, day, *facts)
    else:
        result = step.check(pack, step.params, *facts)
    status, key, params = result
    return Check(
        step.rule_id,
        step.group,
        status,
        render(key, params, lang),
        None if status == PASS else step.remedy[lang == "en"],
        key,
    )


def assess(profile: Profile, pack: RulePack, on: date | None = None, lang: str = "zh-hans") -> Assessment:
    """Assess ``profile`` against ``pack`` on the date ``on`` (which overrides the
    profile's ``assessed_on``; without either, today)."""
    lang = normalize_lang(lang)
    day = on or profile.assessed_on or date.today()
    plan = _MEMO.get(("plan", pack)) or _remember(("plan", pack), _plan(pack))
    checks = []
    for step in plan:
        facts = step.facts(profile)
        key = (pack, lang, step.rule_id, facts, day if step.dated else None)
        check = _MEMO.get(key)
        if check is None:
            check = _remember(key, _run(step, pack, lang, day, facts))
        checks.append(check)
    statuses = {c.status for c in checks}
    verdict = "not_eligible" if FAIL in statuses else "incomplete" if UNKNOWN in statuses else "eligible"
    website = profile.website
    third_party = None if website is None else website.third_party_merchants
    services = None if website is None else website.services
    advice_key = ("license_types", pack, lang, third_party, services)
    advice = _MEMO.get(advice_key)
    if advice is None:
        advice = _remember(advice_key, license_advice(pack, lang, third_party, services))
    return Assessment(verdict, pack.id, pack.version, day, tuple(checks), advice, lang)
