"""The overviews run a fixed number of queries, whatever the size of the book or the province."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client

from icpdesk.overviews import queries
from tests.overviews.conftest import TODAY, Book, fresh, license_of


def test_the_agency_figures_are_five_aggregate_queries(book: Book, django_assert_num_queries: Any) -> None:
    user = fresh(book.personas.consultant)
    with django_assert_num_queries(5):
        queries.agency_overview(user, TODAY)


def test_the_province_figures_are_six_aggregate_queries(book: Book, django_assert_num_queries: Any) -> None:
    user = fresh(book.personas.reviewer)
    with django_assert_num_queries(6):
        queries.province_overview(user, TODAY)


def test_the_search_is_two_queries(book: Book, django_assert_num_queries: Any) -> None:
    user = fresh(book.personas.reviewer)
    with django_assert_num_queries(2):
        queries.search(user, "兰州陇货")


def test_the_pages_do_not_grow_with_the_data(
    book: Book, frozen_today: date, django_assert_max_num_queries: Any
) -> None:
    agency, regulator = Client(), Client()
    agency.force_login(book.personas.consultant)
    regulator.force_login(book.personas.reviewer)
    # session, user, organisation (and a staff member's second-factor device), the
    # working-day calendar once per process, then the figures and the search above
    pinned = {"/overviews/agency/": 9, "/overviews/province/?q=兰州陇货": 14}
    for _ in range(2):
        for path, most in pinned.items():
            client = agency if "agency" in path else regulator
            with django_assert_max_num_queries(most):
                assert client.get(path).status_code == 200
        for _ in range(5):
            license_of(book.tianshui)
