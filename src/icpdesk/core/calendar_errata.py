"""Corrections to the built-in holiday data, read from ``calendar_errata.toml`` beside this module.

Each correction fixes one day's status (worked or off) as the State Council's
notice has it, and names that notice; :func:`icpdesk.core.workdays.builtin_schedules`
applies them over the chinesecalendar package's data. The file's ``[[upheld]]``
entries are days where the second source (the ``holidays`` package) disagrees
and the built-in data is kept, with the reason.

Pure Python; no Django here.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Literal

__all__ = [
    "ERRATA_FILE",
    "Correction",
    "Errata",
    "ErrataError",
    "Upheld",
    "calendar_errata",
    "parse_errata",
]

ERRATA_FILE = "calendar_errata.toml"

Status = Literal["workday", "holiday"]
_STATUSES: tuple[Status, ...] = ("workday", "holiday")
_CORRECTION_KEYS = {"date", "status", "name", "notice", "number", "quote", "note"}
_UPHELD_KEYS = {"date", "status", "reason"}


class ErrataError(ValueError):
    """The errata file is malformed; the message names the entry and the field."""


@dataclass(frozen=True, slots=True)
class Correction:
    """One day's status as the official notice fixes it."""

    date: date
    status: Status
    name: str
    notice: str
    number: str
    quote: str
    note: str = ""

    @property
    def working(self) -> bool:
        return self.status == "workday"

    @property
    def citation(self) -> str:
        """The notice as cited in a schedule's source: 《title》（number）."""
        return f"《{self.notice}》（{self.number}）"


@dataclass(frozen=True, slots=True)
class Upheld:
    """A day where the second source disagrees and the built-in status stands."""

    date: date
    status: Status
    reason: str

    @property
    def working(self) -> bool:
        return self.status == "workday"


@dataclass(frozen=True, slots=True)
class Errata:
    corrections: tuple[Correction, ...]
    upheld: tuple[Upheld, ...]

    def correction(self, d: date) -> Correction | None:
        return next((c for c in self.corrections if c.date == d), None)


def parse_errata(text: str, *, source_name: str = ERRATA_FILE) -> Errata:
    """Parse and check an errata document (TOML)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ErrataError(f"{source_name}: invalid TOML: {exc}") from exc
    unknown = sorted(set(document) - {"correction", "upheld"})
    if unknown:
        raise ErrataError(f"{source_name}: unknown table {unknown[0]!r} (allowed: correction, upheld)")
    corrections = tuple(
        _correction(entry, f"{source_name}: correction[{i}]")
        for i, entry in enumerate(_entries(document, "correction", source_name))
    )
    upheld = tuple(
        _upheld(entry, f"{source_name}: upheld[{i}]")
        for i, entry in enumerate(_entries(document, "upheld", source_name))
    )
    seen: set[date] = set()
    for d in [c.date for c in corrections] + [u.date for u in upheld]:
        if d in seen:
            raise ErrataError(f"{source_name}: {d.isoformat()} appears twice")
        seen.add(d)
    return Errata(
        corrections=tuple(sorted(corrections, key=lambda c: c.date)),
        upheld=tuple(sorted(upheld, key=lambda u: u.date)),
    )


@functools.cache
def calendar_errata() -> Errata:
    """The errata shipped with the package, read once per process."""
    text = resources.files("icpdesk.core").joinpath(ERRATA_FILE).read_text(encoding="utf-8")
    return parse_errata(text)


def _entries(document: dict[str, object], key: str, source_name: str) -> list[dict[str, object]]:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise ErrataError(f"{source_name}: {key} must be an array of tables ([[{key}]])")
    return value


def _correction(entry: dict[str, object], where: str) -> Correction:
    _check_keys(entry, _CORRECTION_KEYS, where)
    return Correction(
        date=_date(entry, where),
        status=_status(entry, where),
        name=_text(entry, "name", where),
        notice=_text(entry, "notice", where),
        number=_text(entry, "number", where),
        quote=_text(entry, "quote", where),
        note=_text(entry, "note", where) if "note" in entry else "",
    )


def _upheld(entry: dict[str, object], where: str) -> Upheld:
    _check_keys(entry, _UPHELD_KEYS, where)
    return Upheld(
        date=_date(entry, where), status=_status(entry, where), reason=_text(entry, "reason", where)
    )


def _check_keys(entry: dict[str, object], allowed: set[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise ErrataError(f"{where}.{unknown[0]}: unknown field (allowed: {', '.join(sorted(allowed))})")
    missing = sorted(allowed - set(entry) - {"note"})
    if missing:
        raise ErrataError(f"{where}.{missing[0]}: missing field")


def _date(entry: dict[str, object], where: str) -> date:
    value = entry["date"]
    # tomllib gives a datetime for a value with a time; a plain date is what is meant.
    if not isinstance(value, date) or type(value) is not date:
        raise ErrataError(f"{where}.date: expected a date such as 2005-12-31, got {value!r}")
    return value


def _status(entry: dict[str, object], where: str) -> Status:
    value = entry["status"]
    for status in _STATUSES:
        if value == status:
            return status
    raise ErrataError(f"{where}.status: expected 'workday' or 'holiday', got {value!r}")


def _text(entry: dict[str, object], key: str, where: str) -> str:
    value = entry[key]
    if not isinstance(value, str) or not value.strip():
        raise ErrataError(f"{where}.{key}: must be a non-empty string")
    return value.strip()
