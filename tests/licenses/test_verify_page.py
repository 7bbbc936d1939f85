"""The public check page: an empty submit is told what to enter, and each error shows once."""

from __future__ import annotations

import pytest
from django.test import Client
from selectolax.lexbor import LexborHTMLParser

PAGE = "/licenses/verify/"


@pytest.mark.django_db
def test_an_empty_submit_is_told_what_to_enter(client: Client) -> None:
    page = LexborHTMLParser(client.get(PAGE, {"number": "", "name": "", "uscc": ""}).content.decode())
    told = page.css_first("#lookup-empty")
    assert told is not None
    assert "许可证编号" in told.text() and "统一社会信用代码" in told.text() and "任填一项" in told.text()
    # The first visit, with nothing submitted, is not scolded.
    assert LexborHTMLParser(client.get(PAGE).content.decode()).css_first("#lookup-empty") is None


@pytest.mark.django_db
def test_a_malformed_number_shows_its_error_once_beside_the_field(client: Client) -> None:
    response = client.get(PAGE, {"number": "甘B2-2026"})
    assert response.status_code == 422
    body = response.content.decode()
    assert body.count("4 位年份") == 1
    page = LexborHTMLParser(body)
    [error] = page.css("#lookup-error")
    assert "4 位年份" in error.text()
    assert error.parent is not None and error.parent.css_first("input[name=number]") is not None


@pytest.mark.django_db
def test_a_field_too_long_is_named(client: Client) -> None:
    response = client.get(PAGE, {"name": "长" * 201})
    assert response.status_code == 422
    page = LexborHTMLParser(response.content.decode())
    errors = [e.text() for e in page.css("form .error")]
    assert len(errors) == 1 and "200" in errors[0]
