"""The enterprise list: only what the user may see, searchable, paginated, in a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from icpdesk.accounts.models import Mandate
from icpdesk.enterprises.services import assess_enterprise
from tests.factories import Personas, file_a_case, make_enterprise


def add_clients(personas: Personas, count: int) -> None:
    for i in range(count):
        client_enterprise = make_enterprise(f"客户{i:03d}电子商务有限公司", eligible=i % 2 == 0)
        Mandate.objects.create(agency=personas.agency, enterprise=client_enterprise)
        assess_enterprise(client_enterprise)


@pytest.mark.django_db
def test_each_user_lists_only_the_enterprises_they_may_see(client: Client, personas: Personas) -> None:
    client.force_login(personas.consultant)
    body = client.get("/enterprises/").content.decode()
    assert personas.enterprise.name in body
    assert personas.other_enterprise.name not in body

    client.force_login(personas.outsider)
    body = client.get("/enterprises/").content.decode()
    assert personas.other_enterprise.name in body
    assert personas.enterprise.name not in body

    client.force_login(personas.reviewer)  # the province: an enterprise once it has filed a case
    body = client.get("/enterprises/").content.decode()
    assert personas.enterprise.name in body and personas.other_enterprise.name not in body
    file_a_case(personas.other_enterprise, personas.other_agency)
    body = client.get("/enterprises/").content.decode()
    assert personas.enterprise.name in body and personas.other_enterprise.name in body

    client.force_login(personas.other_reviewer)  # another province: nothing here
    body = client.get("/enterprises/").content.decode()
    assert personas.enterprise.name not in body and personas.other_enterprise.name not in body


@pytest.mark.django_db
def test_search_by_name_or_credit_code(client: Client, personas: Personas) -> None:
    file_a_case(personas.other_enterprise, personas.other_agency)
    client.force_login(personas.reviewer)
    body = client.get("/enterprises/", {"q": "花牛"}).content.decode()
    assert personas.other_enterprise.name in body
    assert personas.enterprise.name not in body

    body = client.get("/enterprises/", {"q": personas.enterprise.uscc[-8:].lower()}).content.decode()
    assert personas.enterprise.name in body
    assert personas.other_enterprise.name not in body


@pytest.mark.django_db
def test_search_never_reaches_beyond_what_the_user_sees(client: Client, personas: Personas) -> None:
    client.force_login(personas.consultant)
    body = client.get("/enterprises/", {"q": "花牛"}).content.decode()
    assert personas.other_enterprise.name not in body


@pytest.mark.django_db
def test_the_list_is_paginated(client: Client, personas: Personas) -> None:
    add_clients(personas, 30)
    client.force_login(personas.consultant)
    first = client.get("/enterprises/")
    assert len(first.context["rows"]) == 25
    assert first.context["page"].paginator.count == 31
    second = client.get("/enterprises/", {"page": 2})
    assert len(second.context["rows"]) == 6
    assert client.get("/enterprises/", {"page": "junk"}).status_code == 200


@pytest.mark.django_db
def test_the_list_shows_the_latest_verdict(client: Client, personas: Personas) -> None:
    assess_enterprise(personas.enterprise)
    client.force_login(personas.applicant)
    assert "符合条件" in client.get("/enterprises/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_runs_a_fixed_number_of_queries(
    client: Client, personas: Personas, django_assert_num_queries: Any, rows: int
) -> None:
    add_clients(personas, rows)
    client.force_login(personas.consultant)
    # session, user, organisation, count, page rows: whatever the number of clients.
    with django_assert_num_queries(6):  # with the menu's count of unread notifications
        response = client.get("/enterprises/")
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(rows + 1, 25)
