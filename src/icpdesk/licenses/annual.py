"""The annual report window of the rule pack, and which report a license owes when."""

from __future__ import annotations

from datetime import date

from icpdesk.core.periods import day_in_year
from icpdesk.core.rules import RulePack


def window(pack: RulePack, year: int) -> tuple[date, date]:
    """The first and last day, in ``year``, of the window in which last year's report is filed."""
    opens, closes = pack.annual_report_window
    return day_in_year(year, opens), day_in_year(year, closes)


def first_due_on(pack: RulePack, issued_on: date) -> date:
    """The last day of the first report owed: the one on the year of issue, filed the year after."""
    return window(pack, issued_on.year + 1)[1]


def report_year_for(pack: RulePack, today: date) -> int:
    """The year whose report is being filed on ``today`` (the previous calendar year)."""
    return today.year - 1


def owed_year(pack: RulePack, issued_on: date, due_on: date | None, today: date) -> int:
    """The year whose report the license owes next.

    ``due_on`` (``License.annual_report_due_on``) is the last day of the window
    the next report is filed in, so that report is on the year before it: a
    license issued in October 2026 owes its 2026 report in the first quarter
    of 2027, never a 2025 one. Without a due date, the previous calendar year,
    and never a year before the license was issued.
    """
    if due_on is not None:
        return due_on.year - 1
    return max(report_year_for(pack, today), issued_on.year)


def next_due_after_report(pack: RulePack, reported_year: int) -> date:
    """Once the report on ``reported_year`` is in, the next one is due in the window two years on."""
    return window(pack, reported_year + 2)[1]


def missed_consequence(pack: RulePack) -> str:
    """``lapse`` (the license lapses) or ``bad_record`` (the holder goes on the bad-record list)."""
    return pack.annual_report_missed
