"""Every response carries an X-Request-ID: the caller's when it looks like an id, else a new one."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from icpdesk.changes.request_id import current_request_id, is_sane


@pytest.mark.django_db
def test_a_sane_request_id_is_kept_and_returned(client: Client) -> None:
    response = client.get("/accounts/login/", headers={"X-Request-ID": "edge-2026.12.03:42"})
    assert response["X-Request-ID"] == "edge-2026.12.03:42"


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["", "has space", "<script>", "x" * 65, "-leading-dash", "换行\n", "a;b"])
def test_anything_else_is_replaced_by_a_new_id(client: Client, given: str) -> None:
    response = client.get("/accounts/login/", headers={"X-Request-ID": given} if given else {})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_two_requests_without_an_id_get_different_ones(client: Client) -> None:
    first = client.get("/accounts/login/")["X-Request-ID"]
    assert first != client.get("/accounts/login/")["X-Request-ID"]


def test_outside_a_request_there_is_no_id() -> None:
    assert current_request_id() == ""
    assert is_sane("a" * 64) and not is_sane("a" * 65)
