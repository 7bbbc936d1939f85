"""``icpdesk calendar ...``: working-day arithmetic and the holiday schedules behind it.

``add`` and ``between`` answer on the deployment's calendar (built-in data plus
the schedules loaded in the database); ``show`` prints a year's schedule;
``load`` reads a schedule file (format in ``docs/calendar.md``) into the database.

Exit codes: 0 success, 1 a provisional result refused in strict mode or a
database problem, 2 bad input (argument, date out of range, malformed file).
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
            "overridden by schedules loaded with `icpdesk calendar load`. A result that depends "
            "on a year without an official schedule is provisional: a warning is printed, or, "
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
        description="A year's holidays, make-up working days (调休) and whether the schedule is official.",
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


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("--strict", action="store_true", help="fail instead of giving a provisional result")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _calendar(strict: bool = False) -> WorkCalendar:
    from icpdesk.cli import setup_django

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
        f"警告：{zh} 年尚无官方节假日安排，结果按周末计算，仅供参考。"
        f"\nwarning: provisional result: no official holiday schedule for {en} "
        "(counted as weekends only); load it with `icpdesk calendar load FILE`.",
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
    in_range = calendar.first_year <= year <= calendar.last_year
    if args.format == "json":
        if schedule is None:
            payload: dict[str, Any] = {
                "year": year,
                "official": False,
                "source": None,
                "holidays": [],
                "workdays": [],
            }
        else:
            payload = schedule_to_dict(schedule)
        payload["has_schedule"] = schedule is not None
        payload["provisional"] = not calendar.has_official_schedule(year)
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return EXIT_OK
    if schedule is None:
        print(f"{year}: 尚无节假日安排 / no holiday schedule")
        if in_range:
            print("  按周末计算，结果为暂定 / counted as weekends only; results are provisional")
            print("  导入 / load one: icpdesk calendar load FILE")
        else:
            print(
                f"  超出日历范围 / outside the calendar's range {calendar.first_year}..{calendar.last_year}"
            )
        return EXIT_OK
    status = (
        "官方 / official"
        if schedule.official
        else "非官方，结果为暂定 / not official, results are provisional"
    )
    print(f"{year}: {status}")
    print(f"  来源 / source: {schedule.source}")
    print(f"  节假日 / holidays ({len(schedule.holidays)}):")
    for d, name in schedule.holidays.items():
        print(f"    {d.isoformat()} 周{_WEEKDAYS_ZH[d.weekday()]}  {name}")
    print(f"  调休工作日 / make-up working days ({len(schedule.workdays)}):")
    for d, name in schedule.workdays.items():
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

    from icpdesk.cli import setup_django

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
