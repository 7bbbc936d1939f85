"""The home page says what the desk is, in Chinese by default, and links to sign-in."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_home_page_is_in_chinese_and_links_to_sign_in(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="zh-hans"' in body
    assert "许可证" in body
    assert 'href="/accounts/login/"' in body


@pytest.mark.django_db
def test_home_page_speaks_english_when_asked(client: Client) -> None:
    response = client.get("/", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "ICP license service desk" in response.content.decode()
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_sign_in_page_renders(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.content.decode()


@pytest.mark.django_db
def test_healthz_reports_ok(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_unknown_page_is_a_plain_404_without_a_traceback(client: Client) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()


def test_static_css_is_served_by_the_app(client: Client) -> None:
    response = client.get("/static/web/desk.css")
    assert response.status_code == 200
