"""Read and write official holiday schedule files (JSON), as loaded by ``icpdesk calendar load``.

The format (documented with a full example in ``docs/calendar.md``)::

    {
      "format": "icpdesk-holiday-schedule",        (optional)
      "version": 1,                                 (optional; 1 is the only version)
      "schedules": [
        {
          "year": 2027,
          "official": true,                         (optional, default true)
          "source": "国务院办公厅关于2027年部分节假日安排的通知",  (optional)
          "holidays": [
            {"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
            {"name": "清明节", "dates": ["2027-04-05"]},
            {"name": "劳动节", "date": "2027-05-01"}
          ],
          "workdays": [
            {"name": "春节", "dates": ["2027-02-07", "2027-02-20"]}
          ]
        }
      ]
    }

A single schedule object (with ``year`` at the top) is accepted too. Each entry
names its days by ``date``, ``dates`` or an inclusive ``from``/``to`` range.
Holidays may fall on any day (a holiday period includes its weekend days);
make-up working days (调休) must fall on a Saturday or Sunday. Every date must
lie in the schedule's year.

Errors raise :class:`ScheduleFormatError`, naming the line (for malformed JSON)
or the field, as a path such as ``schedules[0].holidays[2].to``.

Pure Python; no Django here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from icpdesk.core.workdays import YearSchedule

__all__ = [
    "FORMAT_NAME",
    "ScheduleFormatError",
    "dump_schedules",
    "load_schedule_file",
    "parse_schedules",
    "schedule_from_data",
    "schedule_to_data",
    "schedule_to_dict",
]

FORMAT_NAME = "icpdesk-holiday-schedule"
FORMAT_VERSION = 1
MIN_YEAR = 1949
MAX_YEAR = 2200
_MAX_RANGE_DAYS = 31
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TOP_KEYS = {"format", "version", "schedules"}
# has_schedule, estimated and provisional: written by `calendar show --format json`, ignored here.
_SCHEDULE_KEYS = {
    "year",
    "official",
    "source",
    "holidays",
    "workdays",
    "note",
    "has_schedule",
    "estimated",
    "provisional",
}
_ENTRY_KEYS = {"name", "date", "dates", "from", "to", "note"}


class ScheduleFormatError(ValueError):
    """A schedule file that cannot be read; ``where`` is the field path or line it concerns."""

    def __init__(self, message: str, *, where: str = "", source_name: str = "") -> None:
        self.where = where
        self.source_name = source_name
        self.reason = message
        prefix = ": ".join(p for p in (source_name, where) if p)
        super().__init__(f"{prefix}: {message}" if prefix else message)


def load_schedule_file(path: str | Path) -> list[YearSchedule]:
    """Parse the schedule file at ``path``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScheduleFormatError(f"cannot read the file: {exc.strerror or exc}", source_name=str(p)) from exc
    except UnicodeDecodeError as exc:
        raise ScheduleFormatError("the file is not UTF-8 text", source_name=str(p)) from exc
    return parse_schedules(text, source_name=str(p))


def parse_schedules(text: str, *, source_name: str = "") -> list[YearSchedule]:
    """Parse a schedule document; the schedules come back sorted by year."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScheduleFormatError(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            where=f"line {exc.lineno}",
            source_name=source_name,
        ) from exc
    try:
        return _parse_document(document, source_name)
    except ScheduleFormatError as exc:
        if not exc.source_name and source_name:
            raise ScheduleFormatError(exc.reason, where=exc.where, source_name=source_name) from exc
        raise


def _parse_document(document: object, source_name: str) -> list[YearSchedule]:
    if isinstance(document, dict) and "year" in document and "schedules" not in document:
        items: list[tuple[str, object]] = [("", document)]
    elif isinstance(document, dict):
        _reject_unknown(document, _TOP_KEYS, "")
        fmt = document.get("format", FORMAT_NAME)
        if fmt != FORMAT_NAME:
            raise ScheduleFormatError(f"expected {FORMAT_NAME!r}, got {fmt!r}", where="format")
        version = document.get("version", FORMAT_VERSION)
        if version != FORMAT_VERSION or isinstance(version, bool):
            raise ScheduleFormatError(f"unsupported version {version!r}; expected 1", where="version")
        if "schedules" not in document:
            raise ScheduleFormatError("missing field (a list of yearly schedules)", where="schedules")
        schedules = document["schedules"]
        if not isinstance(schedules, list):
            raise ScheduleFormatError("must be a list of yearly schedules", where="schedules")
        if not schedules:
            raise ScheduleFormatError("the list is empty", where="schedules")
        items = [(f"schedules[{i}]", s) for i, s in enumerate(schedules)]
    else:
        raise ScheduleFormatError("the document must be a JSON object", where="(top level)")

    default_source = f"file {Path(source_name).name}" if source_name else "loaded file"
    result: dict[int, YearSchedule] = {}
    for path, item in items:
        schedule = _parse_schedule(item, path, default_source)
        if schedule.year in result:
            raise ScheduleFormatError(f"year {schedule.year} appears twice", where=_join(path, "year"))
        result[schedule.year] = schedule
    return [result[y] for y in sorted(result)]


def _parse_schedule(item: object, path: str, default_source: str) -> YearSchedule:
    if not isinstance(item, dict):
        raise ScheduleFormatError("must be an object", where=path or "(top level)")
    _reject_unknown(item, _SCHEDULE_KEYS, path)
    if "year" not in item:
        raise ScheduleFormatError("missing field", where=_join(path, "year"))
    year = item["year"]
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ScheduleFormatError(
            f"must be a year between {MIN_YEAR} and {MAX_YEAR}, got {year!r}", where=_join(path, "year")
        )
    official = item.get("official", True)
    if not isinstance(official, bool):
        raise ScheduleFormatError(f"must be true or false, got {official!r}", where=_join(path, "official"))
    source = item.get("source", default_source)
    if not isinstance(source, str) or not source.strip():
        raise ScheduleFormatError("must be a non-empty string", where=_join(path, "source"))

    holidays = _parse_entries(item.get("holidays", []), _join(path, "holidays"), year, weekend_only=False)
    workdays = _parse_entries(item.get("workdays", []), _join(path, "workdays"), year, weekend_only=True)
    for d in workdays:
        if d in holidays:
            raise ScheduleFormatError(
                f"{d.isoformat()} is listed both as a holiday ({holidays[d]}) and as a make-up working day",
                where=_join(path, "workdays"),
            )
    return YearSchedule(
        year=year, holidays=holidays, workdays=workdays, official=official, source=source.strip()
    )


def _parse_entries(value: object, path: str, year: int, *, weekend_only: bool) -> dict[date, str]:
    if not isinstance(value, list):
        raise ScheduleFormatError("must be a list of entries", where=path)
    days: dict[date, str] = {}
    for i, entry in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(entry, dict):
            raise ScheduleFormatError('must be an object such as {"name": …, "dates": […]}', where=where)
        _reject_unknown(entry, _ENTRY_KEYS, where)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ScheduleFormatError(
                "missing or empty (the holiday's name, e.g. 春节)", where=f"{where}.name"
            )
        ways = [k for k in ("date", "dates", "from") if k in entry]
        if len(ways) != 1 or ("to" in entry) != ("from" in entry):
            raise ScheduleFormatError('give exactly one of "date", "dates", or "from" with "to"', where=where)
        entry_days: list[tuple[date, str]] = []
        if "date" in entry:
            entry_days.append((_parse_date(entry["date"], f"{where}.date"), f"{where}.date"))
        elif "dates" in entry:
            dates = entry["dates"]
            if not isinstance(dates, list) or not dates:
                raise ScheduleFormatError("must be a non-empty list of dates", where=f"{where}.dates")
            for j, raw in enumerate(dates):
                entry_days.append((_parse_date(raw, f"{where}.dates[{j}]"), f"{where}.dates[{j}]"))
        else:
            start = _parse_date(entry["from"], f"{where}.from")
            end = _parse_date(entry["to"], f"{where}.to")
            if end < start:
                raise ScheduleFormatError(f"{end.isoformat()} is before from", where=f"{where}.to")
            if (end - start).days >= _MAX_RANGE_DAYS:
                raise ScheduleFormatError(f"a range of more than {_MAX_RANGE_DAYS} days", where=f"{where}.to")
            entry_days.extend(
                (start + timedelta(days=k), f"{where}.from") for k in range((end - start).days + 1)
            )
        for d, field in entry_days:
            if d.year != year:
                raise ScheduleFormatError(f"{d.isoformat()} is not in {year}", where=field)
            if weekend_only and d.weekday() < 5:
                raise ScheduleFormatError(
                    f"{d.isoformat()} is a weekday; "
                    "a make-up working day (调休) must be a Saturday or Sunday",
                    where=field,
                )
            if d in days and days[d] != name.strip():
                raise ScheduleFormatError(
                    f"{d.isoformat()} is listed twice, as {days[d]} and as {name.strip()}", where=field
                )
            days[d] = name.strip()
    return days


def _parse_date(raw: object, where: str) -> date:
    if not isinstance(raw, str) or not _ISO_DATE.fullmatch(raw):
        raise ScheduleFormatError(f"expected a date as YYYY-MM-DD, got {raw!r}", where=where)
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ScheduleFormatError(f"not a valid date: {raw!r} ({exc})", where=where) from exc


def _reject_unknown(obj: Mapping[str, object], allowed: set[str], path: str) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise ScheduleFormatError(
            f"unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})",
            where=_join(path, unknown[0]),
        )


def _join(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field


# -- writing ----------------------------------------------------------------------------------


def _group(days: Mapping[date, str]) -> list[dict[str, Any]]:
    """Entries of consecutive days with one name, as ``from``/``to`` ranges or single ``date``."""
    entries: list[dict[str, Any]] = []
    run: list[date] = []
    run_name = ""

    def flush() -> None:
        if not run:
            return
        if len(run) == 1:
            entries.append({"name": run_name, "date": run[0].isoformat()})
        else:
            entries.append({"name": run_name, "from": run[0].isoformat(), "to": run[-1].isoformat()})

    for d in sorted(days):
        name = days[d]
        if run and name == run_name and d == run[-1] + timedelta(days=1):
            run.append(d)
        else:
            flush()
            run, run_name = [d], name
    flush()
    return entries


def schedule_to_dict(schedule: YearSchedule) -> dict[str, Any]:
    """One schedule in the file format (readable back by :func:`parse_schedules`)."""
    return {
        "year": schedule.year,
        "official": schedule.official,
        "source": schedule.source,
        "holidays": _group(schedule.holidays),
        "workdays": _group(schedule.workdays),
    }


def dump_schedules(schedules: Iterable[YearSchedule]) -> str:
    """A schedule file holding the given schedules."""
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "schedules": [schedule_to_dict(s) for s in sorted(schedules, key=lambda s: s.year)],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def schedule_to_data(schedule: YearSchedule) -> dict[str, dict[str, str]]:
    """The compact form stored in the database: ``{"holidays": {date: name}, "workdays": {…}}``."""
    return {
        "holidays": {d.isoformat(): name for d, name in sorted(schedule.holidays.items())},
        "workdays": {d.isoformat(): name for d, name in sorted(schedule.workdays.items())},
    }


def schedule_from_data(year: int, data: Mapping[str, Any], *, official: bool, source: str) -> YearSchedule:
    """The inverse of :func:`schedule_to_data`."""
    try:
        holidays = {date.fromisoformat(k): str(v) for k, v in dict(data.get("holidays", {})).items()}
        workdays = {date.fromisoformat(k): str(v) for k, v in dict(data.get("workdays", {})).items()}
    except (TypeError, ValueError, AttributeError) as exc:
        raise ScheduleFormatError(f"stored data for {year} is malformed: {exc}", where=str(year)) from exc
    return YearSchedule(year=year, holidays=holidays, workdays=workdays, official=official, source=source)
