"""Reading and writing schedule files (docs/calendar.md)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from icpdesk.core.schedule_format import (
    ScheduleFormatError,
    dump_schedules,
    load_schedule_file,
    parse_schedules,
    schedule_from_data,
    schedule_to_data,
)
from icpdesk.core.workdays import YearSchedule, default_calendar

DOCS = Path(__file__).resolve().parents[2] / "docs" / "calendar.md"


def doc(**schedule: Any) -> str:
    base: dict[str, Any] = {
        "year": 2027,
        "source": "test notice",
        "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}],
        "workdays": [{"name": "元旦", "dates": ["2027-01-09"]}],
    }
    base.update(schedule)
    return json.dumps({"format": "icpdesk-holiday-schedule", "version": 1, "schedules": [base]})


def error_of(text: str) -> ScheduleFormatError:
    with pytest.raises(ScheduleFormatError) as info:
        parse_schedules(text, source_name="s.json")
    return info.value


class TestReading:
    def test_the_documented_example_parses(self) -> None:
        example = re.search(r"```json\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
        assert example is not None
        (schedule,) = parse_schedules(example.group(1))
        assert schedule.year == 2027
        assert schedule.official
        assert len(schedule.holidays) == 3 + 9 + 3 + 5 + 1 + 1 + 7
        assert schedule.holidays[date(2027, 6, 9)] == "端午节"
        assert schedule.workdays[date(2027, 10, 9)] == "国庆节"

    def test_ranges_dates_and_single_dates(self) -> None:
        (s,) = parse_schedules(
            doc(
                holidays=[
                    {"name": "A", "from": "2027-05-01", "to": "2027-05-03"},
                    {"name": "B", "date": "2027-06-09"},
                ]
            )
        )
        assert list(s.holidays) == [date(2027, 5, 1), date(2027, 5, 2), date(2027, 5, 3), date(2027, 6, 9)]
        assert s.workdays == {date(2027, 1, 9): "元旦"}
        assert s.source == "test notice"

    def test_a_single_schedule_object_and_defaults(self) -> None:
        (s,) = parse_schedules(json.dumps({"year": 2028, "holidays": []}), source_name="/x/y/s2028.json")
        assert s.year == 2028
        assert s.official
        assert s.source == "file s2028.json"
        assert dict(s.holidays) == {}

    def test_unofficial(self) -> None:
        (s,) = parse_schedules(doc(official=False))
        assert not s.official

    def test_several_years_sorted(self) -> None:
        text = json.dumps({"schedules": [{"year": 2029}, {"year": 2028}]})
        assert [s.year for s in parse_schedules(text)] == [2028, 2029]

    def test_load_schedule_file(self, tmp_path: Path) -> None:
        path = tmp_path / "s.json"
        path.write_text(doc(), encoding="utf-8")
        assert load_schedule_file(path)[0].year == 2027


class TestErrors:
    def test_malformed_json_names_the_line(self) -> None:
        err = error_of('{\n  "year": 2027,\n  "holidays": [\n}')
        assert "line 4" in str(err)
        assert str(err).startswith("s.json: ")

    def test_a_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(ScheduleFormatError, match="cannot read"):
            load_schedule_file(tmp_path / "nope.json")

    def test_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "s.json"
        path.write_bytes(b'{"year": 2027, "source": "\xff"}')
        with pytest.raises(ScheduleFormatError, match="UTF-8"):
            load_schedule_file(path)

    @pytest.mark.parametrize(
        ("schedule", "where", "reason"),
        [
            ({"year": "2027"}, "schedules[0].year", "must be a year"),
            ({"year": 1800}, "schedules[0].year", "must be a year"),
            ({"official": "yes"}, "schedules[0].official", "true or false"),
            ({"source": ""}, "schedules[0].source", "non-empty"),
            ({"holidays": {}}, "schedules[0].holidays", "must be a list"),
            ({"holidays": ["2027-01-01"]}, "schedules[0].holidays[0]", "must be an object"),
            ({"holidays": [{"date": "2027-01-01"}]}, "schedules[0].holidays[0].name", "missing"),
            (
                {"holidays": [{"name": "A", "date": "2027-1-1"}]},
                "schedules[0].holidays[0].date",
                "YYYY-MM-DD",
            ),
            (
                {"holidays": [{"name": "A", "date": "2027-02-30"}]},
                "schedules[0].holidays[0].date",
                "not a valid",
            ),
            ({"holidays": [{"name": "A", "dates": []}]}, "schedules[0].holidays[0].dates", "non-empty list"),
            (
                {"holidays": [{"name": "A", "dates": ["2027-01-01", "2028-01-01"]}]},
                "schedules[0].holidays[0].dates[1]",
                "not in 2027",
            ),
            ({"holidays": [{"name": "A", "from": "2027-01-01"}]}, "schedules[0].holidays[0]", "exactly one"),
            (
                {"holidays": [{"name": "A", "date": "2027-01-01", "dates": ["2027-01-02"]}]},
                "schedules[0].holidays[0]",
                "exactly one",
            ),
            (
                {"holidays": [{"name": "A", "from": "2027-01-05", "to": "2027-01-01"}]},
                "schedules[0].holidays[0].to",
                "before",
            ),
            (
                {"holidays": [{"name": "A", "from": "2027-01-01", "to": "2027-03-01"}]},
                "schedules[0].holidays[0].to",
                "more than 31 days",
            ),
            (
                {"workdays": [{"name": "春节", "dates": ["2027-02-17"]}]},
                "schedules[0].workdays[0].dates[0]",
                "is a weekday",
            ),
            (
                {"workdays": [{"name": "元旦", "date": "2027-01-02"}]},
                "schedules[0].workdays",
                "both as a holiday",
            ),
            (
                {"holidays": [{"name": "A", "date": "2027-01-01"}, {"name": "B", "date": "2027-01-01"}]},
                "schedules[0].holidays[1].date",
                "listed twice",
            ),
            ({"holiday": []}, "schedules[0].holiday", "unknown field 'holiday'"),
            (
                {"holidays": [{"name": "A", "date": "2027-01-01", "day": 1}]},
                "schedules[0].holidays[0].day",
                "unknown",
            ),
        ],
    )
    def test_a_bad_field_is_named(self, schedule: dict[str, Any], where: str, reason: str) -> None:
        err = error_of(doc(**schedule))
        assert err.where == where
        assert reason in err.reason
        assert str(err).startswith(f"s.json: {where}: ")

    def test_a_missing_year(self) -> None:
        assert error_of(json.dumps({"schedules": [{"holidays": []}]})).where == "schedules[0].year"

    def test_a_year_twice(self) -> None:
        err = error_of(json.dumps({"schedules": [{"year": 2027}, {"year": 2027}]}))
        assert err.where == "schedules[1].year"
        assert "twice" in err.reason

    @pytest.mark.parametrize(
        ("document", "where"),
        [
            ([], "(top level)"),
            ({"format": "ics", "schedules": [{"year": 2027}]}, "format"),
            ({"version": 2, "schedules": [{"year": 2027}]}, "version"),
            ({}, "schedules"),
            ({"schedules": {}}, "schedules"),
            ({"schedules": []}, "schedules"),
            ({"schedules": [1]}, "schedules[0]"),
            ({"schedules": [], "extra": 1}, "extra"),
        ],
    )
    def test_a_bad_document(self, document: object, where: str) -> None:
        assert error_of(json.dumps(document)).where == where


class TestWriting:
    def test_dump_reads_back(self) -> None:
        builtin = default_calendar().schedule(2026)
        assert builtin is not None
        (again,) = parse_schedules(dump_schedules([builtin]))
        assert again == builtin
        assert '"国庆节"' in dump_schedules([builtin])

    def test_consecutive_days_become_ranges(self) -> None:
        s = YearSchedule(
            2027,
            {date(2027, 1, 1): "元旦", date(2027, 1, 2): "元旦", date(2027, 6, 9): "端午节"},
            {},
            official=True,
            source="x",
        )
        entries = json.loads(dump_schedules([s]))["schedules"][0]["holidays"]
        assert entries == [
            {"name": "元旦", "from": "2027-01-01", "to": "2027-01-02"},
            {"name": "端午节", "date": "2027-06-09"},
        ]

    def test_database_data_round_trip(self) -> None:
        builtin = default_calendar().schedule(2026)
        assert builtin is not None
        data = schedule_to_data(builtin)
        assert data["workdays"]["2026-10-10"] == "国庆节"
        assert schedule_from_data(2026, data, official=True, source=builtin.source) == builtin

    def test_malformed_database_data(self) -> None:
        with pytest.raises(ScheduleFormatError, match="malformed"):
            schedule_from_data(2027, {"holidays": {"tomorrow": "x"}}, official=True, source="x")
