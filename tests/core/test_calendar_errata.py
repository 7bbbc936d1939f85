"""The errata of the built-in holiday data, and the comparison with the second source."""

from __future__ import annotations

import re
from datetime import date

import pytest

from icpdesk.core.calendar_errata import ErrataError, calendar_errata, parse_errata
from icpdesk.core.calendar_sources import builtin_years, compare_with_second_source
from icpdesk.core.workdays import DayResult, YearSchedule, default_calendar

D = date

ENTRY = """
[[correction]]
date = 2005-12-31
status = "workday"
name = "元旦"
notice = "国务院办公厅关于2006年部分节假日安排的通知"
number = "国办发明电〔2005〕35号"
quote = "12月31日（星期六）上班。"
"""


class TestTheShippedErrata:
    def test_31_december_2005_is_a_working_day(self) -> None:
        # 国办发明电〔2005〕35号: the weekend of 31 Dec 2005 and 1 Jan 2006 moved to 2-3 Jan; Saturday worked.
        calendar = default_calendar()
        assert calendar.is_working_day(D(2005, 12, 31))
        assert not calendar.is_working_day(D(2006, 1, 2))
        assert not calendar.is_working_day(D(2006, 1, 3))
        assert calendar.add_working_days(D(2005, 12, 30), 1) == DayResult(D(2005, 12, 31), False, ())
        assert calendar.add_working_days(D(2005, 12, 31), 1) == DayResult(D(2006, 1, 4), False, ())
        assert calendar.working_days_between(D(2005, 12, 29), D(2006, 1, 4)).working_days == 3

    def test_the_corrected_year_names_its_notice(self) -> None:
        schedule = default_calendar().schedule(2005)
        assert schedule is not None
        assert schedule.workdays[D(2005, 12, 31)] == "元旦"
        assert schedule.source.startswith("chinese-calendar")
        assert "国办发明电〔2005〕35号" in schedule.source
        assert "勘误" in schedule.source
        uncorrected = default_calendar().schedule(2006)
        assert uncorrected is not None
        assert "勘误" not in uncorrected.source

    def test_every_correction_cites_a_notice_and_is_applied(self) -> None:
        errata = calendar_errata()
        assert [c.date for c in errata.corrections] == [D(2005, 12, 31)]
        calendar = default_calendar()
        for correction in errata.corrections:
            assert re.fullmatch(r"国务院办公厅关于\d{4}年.+的通知", correction.notice)
            assert re.fullmatch(r"国办发明电〔\d{4}〕\d+号", correction.number)
            assert correction.quote
            assert calendar.is_working_day(correction.date) == correction.working
            assert calendar.has_official_schedule(correction.date.year)


class TestTheSecondSource:
    def test_the_built_in_data_covers_2004_to_2026(self) -> None:
        assert builtin_years() == (2004, 2026)

    def test_every_disagreement_is_settled_by_the_errata(self) -> None:
        found = compare_with_second_source()
        unsettled = [
            (d.date.isoformat(), "built-in works" if d.builtin_working else "built-in rests", d.second_name)
            for d in found
            if not d.settled_by
        ]
        assert unsettled == [], "settle each day with its notice in calendar_errata.toml"
        # Today's whole list: the one day chinesecalendar has wrong.
        assert [(d.date, d.builtin_working, d.second_working, d.settled_by) for d in found] == [
            (D(2005, 12, 31), False, True, "correction")
        ]

    def test_after_the_errata_the_calendar_agrees_with_the_second_source_every_day(self) -> None:
        assert all(d.calendar_working == d.second_working for d in compare_with_second_source())

    def test_an_unsettled_day_is_reported(self) -> None:
        # A calendar with chinesecalendar's 2005 as it is: the day shows up, settled by nothing.
        calendar = default_calendar()
        built_in = calendar.schedule(2005)
        assert built_in is not None
        workdays = {d: n for d, n in built_in.workdays.items() if d != D(2005, 12, 31)}
        uncorrected = calendar.with_overrides(
            [YearSchedule(2005, built_in.holidays, workdays, official=True, source="uncorrected")]
        )
        found = compare_with_second_source(2005, 2005, calendar=uncorrected)
        assert [(d.date, d.calendar_working, d.settled_by) for d in found] == [(D(2005, 12, 31), False, "")]


class TestParsing:
    def test_a_correction(self) -> None:
        errata = parse_errata(ENTRY)
        (c,) = errata.corrections
        assert (c.date, c.status, c.working, c.note) == (D(2005, 12, 31), "workday", True, "")
        assert c.citation == "《国务院办公厅关于2006年部分节假日安排的通知》（国办发明电〔2005〕35号）"
        assert errata.correction(D(2005, 12, 31)) == c
        assert errata.correction(D(2005, 12, 30)) is None
        assert errata.upheld == ()

    def test_an_upheld_entry(self) -> None:
        errata = parse_errata(
            '[[upheld]]\ndate = 2012-06-23\nstatus = "holiday"\nreason = "the notice says so"\n'
        )
        assert errata.upheld[0].working is False

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                ENTRY.replace('"workday"', '"rest"'),
                r"correction\[0\]\.status: expected 'workday' or 'holiday'",
            ),
            (ENTRY.replace("2005-12-31", '"2005-12-31"'), r"correction\[0\]\.date: expected a date"),
            (ENTRY.replace("2005-12-31", "2005-12-31T08:00:00"), r"correction\[0\]\.date: expected a date"),
            (
                ENTRY.replace('number = "国办发明电〔2005〕35号"\n', ""),
                r"correction\[0\]\.number: missing field",
            ),
            (
                ENTRY.replace('name = "元旦"', 'name = " "'),
                r"correction\[0\]\.name: must be a non-empty string",
            ),
            (ENTRY + 'colour = "red"\n', r"correction\[0\]\.colour: unknown field"),
            (ENTRY + ENTRY, "2005-12-31 appears twice"),
            ("[correction]\n", r"correction must be an array of tables \(\[\[correction\]\]\)"),
            ("[[fix]]\n", "unknown table 'fix'"),
            ("date = ", "invalid TOML"),
        ],
    )
    def test_a_malformed_file_names_the_entry_and_field(self, text: str, message: str) -> None:
        with pytest.raises(ErrataError, match=message):
            parse_errata(text, source_name="errata.toml")
