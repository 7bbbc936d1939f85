"""Every figure of the agency overview links to the list it counts, and that list shows as many."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client

from tests.overviews.conftest import Book


def listed(client: Client, link: str) -> int:
    response = client.get(link)
    assert response.status_code == 200, link
    count: int = response.context["page"].paginator.count
    return count


def figures(data: dict[str, Any]) -> list[tuple[int, str]]:
    found = [(s["count"], s["link"]) for s in data["by_state"]]
    found += [(p["count"], p["link"]) for p in data["by_prefecture"]]
    found += [(d["count"], d["link"]) for d in data["deadlines"].values()]
    found += [(d["count"], d["link"]) for d in data["duties"].values() if isinstance(d, dict)]
    for week in data["weekly"]:
        found += [(week["filed"], week["filed_link"]), (week["approved"], week["approved_link"])]
    return found


def test_each_figure_links_to_a_list_of_as_many(book: Book, frozen_today: date) -> None:
    client = Client()
    client.force_login(book.personas.consultant)
    data = client.get("/api/v1/stats/agency").json()

    checked = figures(data)
    assert len(checked) == 5 + 2 + 3 + 3 + 24
    for count, link in checked:
        assert listed(client, link) == count, link


def test_the_links_carry_the_filters(book: Book, frozen_today: date) -> None:
    client = Client()
    client.force_login(book.personas.consultant)
    data = client.get("/api/v1/stats/agency").json()

    assert data["deadlines"]["overdue"]["link"] == "/cases/?overdue=on"
    assert data["by_prefecture"][0]["link"] == "/cases/?prefecture=%E5%85%B0%E5%B7%9E%E5%B8%82"
    assert data["duties"]["annual_reports"]["link"] == "/licenses/?state=valid&annual_due_by=2027-03-02"
    assert data["duties"]["change_filings"]["link"] == "/licenses/?state=valid&change_returned=1"
    page = client.get(data["duties"]["renewals"]["link"])
    assert [row["license"].number for row in page.context["rows"]] == [book.licenses["L2"].number]
    assert "到期日不晚于" in page.content.decode()  # the list says it is filtered


def test_the_page_links_its_figures(book: Book, frozen_today: date) -> None:
    client = Client()
    client.force_login(book.personas.consultant)
    page = client.get("/overviews/agency/").content.decode()

    assert 'href="/cases/?overdue=on"' in page
    assert 'href="/cases/?due_from=2026-12-02&amp;due_before=2026-12-07"' in page
    assert 'href="/licenses/?state=valid&amp;change_returned=1"' in page
    # the bars of the charts link too
    assert 'xlink:href="/cases/?state=filed"' in page


def test_the_province_links_licenses_by_state(book: Book, frozen_today: date) -> None:
    client = Client()
    client.force_login(book.personas.reviewer)
    data = client.get("/api/v1/stats/province").json()
    for row in data["licenses_by_state"]:
        assert listed(client, row["link"]) == row["count"]
