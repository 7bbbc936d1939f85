"""Who sees which overview, on the pages and in the API, and where the regulator's administrator lands."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import Personas
from tests.overviews.conftest import Book


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize(
    ("persona", "status"),
    [("consultant", 200), ("outsider", 200), ("applicant", 403), ("reviewer", 403), ("regulator_admin", 403)],
)
def test_the_agency_overview_is_for_agencies(personas: Personas, persona: str, status: int) -> None:
    assert signed_in(getattr(personas, persona)).get("/overviews/agency/").status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("reviewer", 200),
        ("inspector", 200),
        ("approver", 200),
        ("regulator_admin", 200),
        ("consultant", 403),
        ("applicant", 403),
    ],
)
def test_the_province_overview_is_for_the_regulator(personas: Personas, persona: str, status: int) -> None:
    assert signed_in(getattr(personas, persona)).get("/overviews/province/").status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(db: None) -> None:
    for path in ("/overviews/agency/", "/overviews/province/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "path", "status"),
    [
        ("consultant", "/api/v1/stats/agency", 200),
        ("applicant", "/api/v1/stats/agency", 403),
        ("reviewer", "/api/v1/stats/agency", 403),
        ("reviewer", "/api/v1/stats/province", 200),
        ("regulator_admin", "/api/v1/stats/province", 200),
        ("consultant", "/api/v1/stats/province", 403),
        ("applicant", "/api/v1/stats/province", 403),
        ("consultant", "/api/v1/stats/province/search?q=兰州", 403),
    ],
)
def test_the_stats_api_answers_by_persona(personas: Personas, persona: str, path: str, status: int) -> None:
    response = signed_in(getattr(personas, persona)).get(path)
    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "forbidden"


def test_the_api_needs_a_sign_in(db: None) -> None:
    assert Client().get("/api/v1/stats/agency").status_code == 401
    assert Client().get("/api/v1/stats/province").status_code == 401


def test_the_agency_sees_only_its_book_in_the_api(book: Book) -> None:
    mine = signed_in(book.personas.consultant).get("/api/v1/stats/agency").json()
    theirs = signed_in(book.personas.outsider).get("/api/v1/stats/agency").json()

    assert mine["total"] == 9
    # the other agency's one client: its two filed cases (one in Shaanxi) and its license's case
    assert theirs["total"] == 3
    assert {p["prefecture"] for p in theirs["by_prefecture"]} == {"天水市"}


def test_the_api_documents_both_answers(db: None) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    for path in ("/api/v1/stats/agency", "/api/v1/stats/province", "/api/v1/stats/province/search"):
        responses = schema["paths"][path]["get"]["responses"]
        assert {"200", "403"} <= set(responses)
    assert "ProvinceStats" in schema["components"]["schemas"]
    assert "AgencyStats" in schema["components"]["schemas"]


def test_the_regulator_administrator_lands_on_the_province(personas: Personas) -> None:
    response = signed_in(personas.regulator_admin).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/overviews/province/"
    # the staff with a queue still land on it
    assert signed_in(personas.reviewer).get("/")["Location"] == "/cases/"
    assert signed_in(personas.consultant).get("/")["Location"] == "/cases/"


def test_the_menu_links_the_overview_of_each_side(personas: Personas) -> None:
    assert 'href="/overviews/agency/"' in signed_in(personas.consultant).get("/cases/").content.decode()
    page = signed_in(personas.reviewer).get("/cases/").content.decode()
    assert 'href="/overviews/province/"' in page
    assert "/overviews/" not in signed_in(personas.applicant).get("/cases/").content.decode()
