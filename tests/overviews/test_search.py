"""The province's search over its filed cases and licenses."""

from __future__ import annotations

import pytest
from django.test import Client

from icpdesk.lib.errors import InvalidInput
from icpdesk.overviews import queries
from tests.overviews.conftest import Book, fresh


def refs(found: dict[str, list[dict[str, str]]], key: str, field: str) -> set[str]:
    return {row[field] for row in found[key]}


def test_by_credit_code_typed_with_spaces_and_lower_case(book: Book) -> None:
    code = book.tianshui.uscc
    typed = f" {code[:6].lower()} {code[6:]} "
    found = queries.search(fresh(book.personas.reviewer), typed)

    c = book.cases
    assert refs(found, "cases", "reference") == {
        c["a3"].reference,
        c["a4"].reference,
        book.licenses["L2"].application.reference,
        book.licenses["L3"].application.reference,
    }
    assert refs(found, "licenses", "number") == {book.licenses["L2"].number, book.licenses["L3"].number}


def test_by_license_number_and_by_case_number(book: Book) -> None:
    reviewer = fresh(book.personas.reviewer)
    number = book.licenses["L1"].number
    found = queries.search(reviewer, number)
    assert refs(found, "licenses", "number") == {number}
    assert found["cases"] == []
    found = queries.search(reviewer, book.cases["a2"].reference)
    assert refs(found, "cases", "reference") == {book.cases["a2"].reference}


def test_by_the_start_of_the_company_name_without_drafts(book: Book) -> None:
    found = queries.search(fresh(book.personas.inspector), "兰州陇货")

    lanzhou = {book.cases["a1"].reference, book.cases["a2"].reference}
    lanzhou |= {book.licenses[k].application.reference for k in ("L1", "L5")}
    assert refs(found, "cases", "reference") == lanzhou  # a5, a draft, is not the regulator's
    assert refs(found, "licenses", "number") == {book.licenses["L1"].number, book.licenses["L5"].number}


def test_by_domain_as_a_link(book: Book) -> None:
    found = queries.search(fresh(book.personas.approver), f"https://{book.tianshui.domain.upper()}/")
    assert refs(found, "licenses", "number") == {book.licenses["L2"].number, book.licenses["L3"].number}


def test_another_province_finds_nothing_of_gansu(book: Book) -> None:
    found = queries.search(fresh(book.personas.other_reviewer), book.personas.enterprise.uscc)
    assert found["cases"] == [] and found["licenses"] == []


def test_a_query_too_short_is_refused_naming_the_field(book: Book) -> None:
    with pytest.raises(InvalidInput) as refused:
        queries.search(fresh(book.personas.reviewer), " x ")
    assert refused.value.field == "q"

    client = Client()
    client.force_login(book.personas.reviewer)
    response = client.get("/api/v1/stats/province/search?q=x&lang=en")
    assert response.status_code == 422
    assert response.json()["field"] == "q"
    page = client.get("/overviews/province/?q=x")
    assert page.status_code == 422
    assert "请输入至少 2 个字符" in page.content.decode()


def test_the_page_shows_what_was_found(book: Book) -> None:
    client = Client()
    client.force_login(book.personas.reviewer)
    page = client.get("/overviews/province/", {"q": book.licenses["L3"].number}).content.decode()
    assert f'href="/licenses/{book.licenses["L3"].pk}/"' in page
