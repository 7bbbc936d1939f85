"""``icpdesk calendar ...``: working-day arithmetic and the holiday schedules behind it.

``add`` and ``between`` answer on the deployment's calendar (built-in data plus
the schedules loaded in the database); ``show`` prints a year's schedule, or
the estimate a year without one is counted on; ``load`` reads a schedule file
(format in ``docs/calendar.md``) into the database; ``sources`` compares the
built-in data with the second source (the holidays package).

Exit codes: 0 success, 1 a provisional result refused in strict mode, a
database problem, or (``sources``) a disagreement the errata do not settle,
2 bad input (argument, date out of range, malformed file).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from icpdesk.core.workdays import WorkCalendar

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2

_WEEKDAYS_ZH = "一二三四五六日"


def _date_arg(value: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {value!r} (expected YYYY-MM-DD)") from None


def _int_arg(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {value!r}") from None


def _year_arg(value: str) -> int:
    try:
        year = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a year: {value!r}") from None
    if not 1 <= year <= 9999:
        raise argparse.ArgumentTypeError(f"not a year: {value!r}")
    return year


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "calendar",
        help="working days on China's official holiday schedule (调休 included)",
        description=(
            "Working-day arithmetic on the State Council's holiday schedule, built-in data "
            "overridden by schedules loaded with `icpdesk calendar load`. A year without a schedule "
            "is estimated from the statutory holidays (no make-up days); a result that depends on a "
            "year without an official schedule is provisional: a warning is printed, or, "
            "with --strict (or ICPDESK_CALENDAR_STRICT=1), the command fails."
        ),
    )
    parser.set_defaults(func=lambda _args: _usage(parser))
    sub = parser.add_subparsers(dest="calendar_command", metavar="ACTION")

    add = sub.add_parser(
        "add",
        help="the date N working (or calendar) days after DATE",
        description="The date N working days (or calendar days, with --unit day) after DATE; "
        "DATE itself is not counted. N may be negative.",
    )
    add.add_argument("date", metavar="DATE", type=_date_arg, help="start date, YYYY-MM-DD")
    add.add_argument("n", metavar="N", type=_int_arg, help="number of days (may be 0 or negative)")
    add.add_argument("--unit", choices=("workday", "day"), default="workday", help="working or calendar days")
    add.add_argument(
        "--roll-forward",
        action="store_true",
        help="with --unit day: a result that is not a working day moves to the next working day "
        "(Civil Code art. 203)",
    )
    _common(add)
    add.set_defaults(func=run_add)

    between = sub.add_parser(
        "between",
        help="the number of working days from A to B",
        description="Working days after A up to and including B; negative when B is before A.",
    )
    between.add_argument("a", metavar="A", type=_date_arg, help="first date, YYYY-MM-DD (not counted)")
    between.add_argument("b", metavar="B", type=_date_arg, help="last date, YYYY-MM-DD (counted)")
    _common(between)
    between.set_defaults(func=run_between)

    show = sub.add_parser(
        "show",
        help="a year's holidays and make-up working days",
        description="A year's holidays, make-up working days (调休) and whether the schedule is official; "
        "for a year without schedule, the estimate it is counted on (statutory holidays only).",
    )
    show.add_argument("year", metavar="YEAR", type=_year_arg, help="the year, e.g. 2026")
    show.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    show.set_defaults(func=run_show)

    load = sub.add_parser(
        "load",
        help="load official schedules from a JSON file",
        description="Load yearly holiday schedules from a JSON file (format: docs/calendar.md); "
        "a loaded year replaces the built-in or previously loaded one.",
    )
    load.add_argument("file", metavar="FILE", help="the schedule file")
    load.add_argument("--dry-run", action="store_true", help="check the file and show it, change nothing")
    load.add_argument("--by", default=None, help="who loads it (default: the current user)")
    load.set_defaults(func=run_load)

    sources = sub.add_parser(
        "sources",
        help="compare the built-in data with the second source (holidays package)",
        description="List every day of the built-in years on which the built-in data (chinesecalendar) "
        "and the holidays package disagree, and how calendar_errata.toml settles it. Exit status 1 "
        "when a day is not settled.",
    )
    sources.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    sources.set_defaults(func=run_sources)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("--strict", action="store_true", help="fail instead of giving a provisional result")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _calendar(strict: bool = False) -> WorkCalendar:
    from icpdesk.lib.setup import setup_django

    setup_django()
    from django.db import DatabaseError, connection

    from icpdesk.calendars.models import HolidaySchedule
    from icpdesk.calendars.services import get_calendar
    from icpdesk.core.workdays import default_calendar

    try:
        calendar = get_calendar()
    except DatabaseError:
        # A database without the schedules table cannot hold a loaded schedule:
        # the built-in data is then the whole truth. Anything else is an error.
        if HolidaySchedule._meta.db_table in connection.introspection.table_names():
            raise
        print(
            "注意：数据库尚未迁移，没有已加载的节假日安排，使用内置数据。\n"
            "note: the database is not migrated, so no schedule has been loaded; using the built-in data.",
            file=sys.stderr,
        )
        calendar = default_calendar().with_overrides((), strict=strict)
    if strict and not calendar.strict:
        calendar = calendar.with_overrides((), strict=True)
    return calendar


def _fail(command: str, message: str, code: int) -> int:
    print(f"icpdesk calendar {command}: error: {message}", file=sys.stderr)
    return code


def _warn_provisional(years: tuple[int, ...]) -> None:
    zh = "、".join(str(y) for y in years)
    en = ", ".join(str(y) for y in years)
    print(
        f"警告：{zh} 年尚无官方节假日安排，结果按法定假日估算（不含调休），仅供参考。"
        f"\nwarning: provisional result: no official holiday schedule for {en} "
        "(estimated: weekends and statutory holidays, no make-up days); "
        "load it with `icpdesk calendar load FILE`.",
        file=sys.stderr,
    )


def _run_guarded(command: str, args: argparse.Namespace, body: Any) -> int:
    from icpdesk.core.workdays import ProvisionalDateError

    try:
        calendar = _calendar(args.strict)
    except Exception as exc:  # a database that is missing or not migrated
        return _database_error(command, exc)
    try:
        result: int = body(calendar)
    except ProvisionalDateError as exc:
        return _fail(command, str(exc), EXIT_REFUSED)
    except ValueError as exc:
        return _fail(command, str(exc), EXIT_USAGE)
    return result


def _database_error(command: str, exc: Exception) -> int:
    from django.db import DatabaseError

    if isinstance(exc, DatabaseError):
        return _fail(
            command,
            f"cannot read the holiday schedules from the database ({exc}); "
            "is it migrated? Run `icpdesk manage migrate`.",
            EXIT_REFUSED,
        )
    raise exc


def run_add(args: argparse.Namespace) -> int:
    def body(calendar: WorkCalendar) -> int:
        if args.unit == "day":
            result = calendar.add_days(args.date, args.n, roll_forward=args.roll_forward)
        else:
            result = calendar.add_working_days(args.date, args.n)
        if args.format == "json":
            payload = {
                "date": result.date.isoformat(),
                "provisional": result.provisional,
                "years_without_schedule": list(result.years_without_schedule),
            }
            print(json.dumps(payload, ensure_ascii=False))
        else:
            print(result.date.isoformat())
        if result.provisional:
            _warn_provisional(result.years_without_schedule)
        return EXIT_OK

    return _run_guarded("add", args, body)


def run_between(args: argparse.Namespace) -> int:
    def body(calendar: WorkCalendar) -> int:
        result = calendar.working_days_between(args.a, args.b)
        if args.format == "json":
            payload = {
                "working_days": result.working_days,
                "provisional": result.provisional,
                "years_without_schedule": list(result.years_without_schedule),
            }
            print(json.dumps(payload, ensure_ascii=False))
        else:
            print(result.working_days)
        if result.provisional:
            _warn_provisional(result.years_without_schedule)
        return EXIT_OK

    return _run_guarded("between", args, body)


def run_show(args: argparse.Namespace) -> int:
    from icpdesk.core.schedule_format import schedule_to_dict

    try:
        calendar = _calendar()
    except Exception as exc:
        return _database_error("show", exc)
    year: int = args.year
    schedule = calendar.schedule(year)
    estimate = calendar.estimate(year)
    shown = schedule or estimate
    if args.format == "json":
        if shown is None:
            payload: dict[str, Any] = {
                "year": year,
                "official": False,
                "source": None,
                "holidays": [],
                "workdays": [],
            }
        else:
            payload = schedule_to_dict(shown)
        payload["has_schedule"] = schedule is not None
        payload["estimated"] = schedule is None and estimate is not None
        payload["provisional"] = not calendar.has_official_schedule(year)
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return EXIT_OK
    if shown is None:
        print(f"{year}: 尚无节假日安排 / no holiday schedule")
        print(f"  超出日历范围 / outside the calendar's range {calendar.first_year}..{calendar.last_year}")
        return EXIT_OK
    if schedule is None:
        print(f"{year}: 尚无节假日安排，按法定假日估算 / no holiday schedule: estimated")
        print(
            "  结果为暂定：周末与法定假日休息，不含调休 / results are provisional: "
            "weekends and the statutory holidays are rest days, no make-up days are guessed"
        )
        print("  导入 / load one: icpdesk calendar load FILE")
    else:
        status = (
            "官方 / official"
            if schedule.official
            else "非官方，结果为暂定 / not official, results are provisional"
        )
        print(f"{year}: {status}")
    print(f"  来源 / source: {shown.source}")
    print(f"  节假日 / holidays ({len(shown.holidays)}):")
    for d, name in shown.holidays.items():
        print(f"    {d.isoformat()} 周{_WEEKDAYS_ZH[d.weekday()]}  {name}")
    print(f"  调休工作日 / make-up working days ({len(shown.workdays)}):")
    for d, name in shown.workdays.items():
        print(f"    {d.isoformat()} 周{_WEEKDAYS_ZH[d.weekday()]}  {name}")
    return EXIT_OK


def run_load(args: argparse.Namespace) -> int:
    from icpdesk.core.schedule_format import ScheduleFormatError, load_schedule_file

    try:
        schedules = load_schedule_file(args.file)
    except ScheduleFormatError as exc:
        return _fail("load", str(exc), EXIT_USAGE)
    for s in schedules:
        kind = "official" if s.official else "NOT official"
        counts = f"{len(s.holidays)} holidays, {len(s.workdays)} make-up working days"
        print(f"{s.year}: {kind}, {counts} ({s.source})")
    if args.dry_run:
        print("dry run: nothing loaded")
        return EXIT_OK

    from icpdesk.lib.setup import setup_django

    setup_django()
    from django.db import DatabaseError

    from icpdesk.calendars.services import load_schedules

    loaded_by = args.by or _current_user()
    try:
        years = load_schedules(schedules, loaded_by=f"cli:{loaded_by}")
    except DatabaseError as exc:
        return _database_error("load", exc)
    print("loaded: " + ", ".join(str(y) for y in years))
    return EXIT_OK


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def run_sources(args: argparse.Namespace) -> int:
    from icpdesk.core.calendar_errata import ERRATA_FILE
    from icpdesk.core.calendar_sources import builtin_years, compare_with_second_source, second_source_version

    first, last = builtin_years()
    found = compare_with_second_source(first, last)
    unsettled = [d for d in found if not d.settled_by]
    if args.format == "json":
        payload = {
            "years": [first, last],
            "second_source": second_source_version(),
            "disagreements": [
                {
                    "date": d.date.isoformat(),
                    "builtin": "workday" if d.builtin_working else "rest",
                    "second_source": "workday" if d.second_working else "rest",
                    "calendar": "workday" if d.calendar_working else "rest",
                    "settled_by": d.settled_by or None,
                    "notice": d.correction.citation if d.correction else None,
                    "reason": d.upheld.reason if d.upheld else None,
                }
                for d in found
            ],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(
            f"内置数据 {first}–{last} 与 {second_source_version()} 逐日比较 / "
            f"built-in data {first}-{last} compared day by day with {second_source_version()}: "
            f"{len(found)} 处不一致 / disagreement(s), {len(unsettled)} 未处理 / unsettled"
        )

        def status(working: bool) -> str:
            return "工作日 workday" if working else "休息日 rest day"

        for d in found:
            print(
                f"  {d.date.isoformat()} 周{_WEEKDAYS_ZH[d.date.weekday()]}: "
                f"chinesecalendar {status(d.builtin_working)}; holidays {status(d.second_working)}; "
                f"desk {status(d.calendar_working)}"
            )
            if d.settled_by == "correction" and d.correction is not None:
                print(f"    勘误 / corrected by {ERRATA_FILE}: {d.correction.citation}")
            elif d.settled_by == "upheld" and d.upheld is not None:
                print(f"    维持内置数据 / built-in status upheld: {d.upheld.reason}")
            else:
                print(f"    未处理：请按通知在 {ERRATA_FILE} 中勘误 / unsettled: settle it in {ERRATA_FILE}")
    return EXIT_REFUSED if unsettled else EXIT_OK
