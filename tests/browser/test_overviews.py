"""Both overviews in a real browser: charts drawn, tables beside them, links followed, no CSP refusal."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import make_personas
from tests.overviews.conftest import case, license_of


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_agency_and_the_province_open_their_overviews(
    live_server: Any, sign_in: Callable[[str], Any], settings: Any
) -> None:
    from playwright.sync_api import expect

    settings.RULE_PACK = "gansu"
    personas = make_personas()
    today = timezone.localdate()
    overdue = case(
        personas.enterprise,
        "filed",
        agency=personas.agency,
        filed_on=today - timedelta(days=9),
        due_on=today - timedelta(days=2),
    )
    license_of(personas.enterprise)
    base = live_server.url
    refused: list[tuple[str, str]] = []

    def watch(page: Any) -> Any:
        page.on(
            "console",
            lambda message: (
                refused.append((page.url, message.text))
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    consultant = watch(sign_in("consultant"))
    consultant.goto(base + "/cases/")
    consultant.locator("header nav").get_by_role("link", name="概览", exact=True).click()
    expect(consultant).to_have_url(re.compile(r"/overviews/agency/$"))
    expect(consultant.locator("h1")).to_have_text("代办概览")
    expect(consultant.locator("figure.chart svg")).to_have_count(5)
    expect(consultant.locator("figure.chart [role=img]").first).to_have_attribute("aria-label", "期限")
    # the charts' own styles applied under the page's nonce: the bars take the palette's first colour
    bar = consultant.locator("figure.chart svg .series.serie-0 rect").first
    expect(bar).to_be_visible()
    assert bar.evaluate("e => getComputedStyle(e).fill") == "rgb(31, 95, 153)"
    overdue_cell = consultant.locator("#deadlines table tbody tr").first.locator("a")
    expect(overdue_cell).to_have_text("1")
    overdue_cell.click()
    expect(consultant).to_have_url(re.compile(r"/cases/\?overdue=on$"))
    expect(consultant.get_by_role("link", name=overdue.reference)).to_be_visible()

    admin = watch(sign_in("gsadmin"))
    admin.goto(base + "/")
    expect(admin).to_have_url(re.compile(r"/overviews/province/$"))
    expect(admin.locator("h1")).to_have_text("全省概览")
    expect(admin.locator("figure.chart svg")).to_have_count(4)
    expect(admin.locator("#caseload table tbody tr").first.locator("td").first).to_have_text("1")
    admin.locator("#id_q").fill(personas.enterprise.uscc)
    with admin.expect_navigation():
        admin.get_by_role("button", name="查找").click()
    expect(admin.locator("#found-cases").get_by_role("link", name=overdue.reference)).to_be_visible()
    expect(admin.locator("#found-licenses tbody tr")).to_have_count(1)

    # The overviews add no refusal of their own: the desk's other pages see the same ones (htmx's styles).
    def content(text: str) -> str:  # the refused style's hash, whatever the page's nonce
        found = re.search(r"sha256-[^']+", text)
        return found.group(0) if found else text

    elsewhere = {content(text) for url, text in refused if "/overviews/" not in url}
    assert {content(text) for url, text in refused if "/overviews/" in url} <= elsewhere, refused
