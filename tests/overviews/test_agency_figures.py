"""The agency overview counts the agency's own book, block by block."""

from __future__ import annotations

from icpdesk.overviews import queries
from tests.overviews.conftest import TODAY, Book, fresh


def test_cases_are_counted_by_state_and_by_prefecture(book: Book) -> None:
    data = queries.agency_overview(fresh(book.personas.consultant), TODAY)

    assert data["total"] == 9  # the other agency's client and the other province's case are not in it
    assert [(s["state"], s["count"]) for s in data["by_state"]] == [
        ("draft", 1),
        ("filed", 1),
        ("accepted", 1),
        ("inspected", 1),
        ("certificate_issued", 5),
    ]
    assert [(p["prefecture"], p["count"]) for p in data["by_prefecture"]] == [("兰州市", 5), ("天水市", 4)]


def test_deadlines_this_week_next_week_and_overdue(book: Book) -> None:
    deadlines = queries.agency_overview(fresh(book.personas.consultant), TODAY)["deadlines"]

    assert deadlines["overdue"]["count"] == 1
    assert deadlines["this_week"] == {
        "count": 1,
        "first_day": "2026-12-02",
        "last_day": "2026-12-06",
        "link": "/cases/?due_from=2026-12-02&due_before=2026-12-07",
    }
    assert deadlines["next_week"]["count"] == 1
    assert (deadlines["next_week"]["first_day"], deadlines["next_week"]["last_day"]) == (
        "2026-12-07",
        "2026-12-13",
    )


def test_duties_of_the_next_90_days(book: Book) -> None:
    duties = queries.agency_overview(fresh(book.personas.consultant), TODAY)["duties"]

    assert duties["until"] == "2027-03-02"
    # L1's report is due on 30 December; L4's is another agency's; L5 has lapsed.
    assert duties["annual_reports"]["count"] == 1
    # L2 expires on 1 June 2027: its renewal opens six months before, inside the 90 days.
    assert duties["renewals"]["count"] == 1
    assert "expires_by=2027-09-02" in duties["renewals"]["link"]
    # L3's returned filing is outstanding; L1's was filed again.
    assert duties["change_filings"]["count"] == 1


def test_filings_and_approvals_per_week(book: Book) -> None:
    weekly = queries.agency_overview(fresh(book.personas.consultant), TODAY)["weekly"]

    assert len(weekly) == 12
    assert weekly[-1]["week"] == "2026-11-30"
    assert weekly[0]["week"] == "2026-09-14"
    by_week = {w["week"]: (w["filed"], w["approved"]) for w in weekly}
    assert by_week["2026-11-30"] == (1, 0)
    assert by_week["2026-11-23"] == (2, 1)
    assert by_week["2026-11-16"] == (1, 0)
    assert sum(f for f, _a in by_week.values()) == 4
    assert weekly[-2]["approved_link"] == "/cases/?approved_from=2026-11-23&approved_before=2026-11-30"
