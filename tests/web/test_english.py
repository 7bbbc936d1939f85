"""English is the second language: the catalogue turns the desk's Chinese source strings into English.

Chinese stays the default when the browser asks for nothing.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import Personas

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
TOPBAR = re.compile(r'<header class="topbar">.*?</header>', re.DOTALL)
WHO = re.compile(r'<span class="who">.*?</span>', re.DOTALL)


def _topbar(body: str) -> str:
    match = TOPBAR.search(body)
    assert match, "the page has no topbar"
    return match.group(0)


def test_the_home_page_speaks_english_when_the_browser_asks(client: Client) -> None:
    response = client.get("/", headers=EN)
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    body = response.content.decode()
    assert 'lang="en"' in body
    assert "<h1>ICP license service desk</h1>" in body
    assert "Sign in" in body
    assert "ICP 许可证服务台" not in body


def test_the_language_cookie_chooses_english_too(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert "ICP license service desk" in body


def test_the_sign_in_page_says_sign_in(client: Client) -> None:
    response = client.get("/accounts/login/", headers=EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Sign in</h1>" in body
    assert "登录" not in body


def test_the_reviewers_navigation_bar_has_no_chinese_left(client: Client, personas: Personas) -> None:
    reviewer = personas.reviewer
    reviewer.first_name, reviewer.last_name = "芳", "王"  # user names stay as they are
    reviewer.save(update_fields=["first_name", "last_name"])
    client.force_login(reviewer)
    response = client.get("/cases/", headers=EN)
    assert response.status_code == 200
    topbar = _topbar(response.content.decode())
    for label in ("ICP license service desk", "Dashboard", "API tokens", "Sign out"):
        assert label in topbar
    assert "简体中文" in topbar  # the switcher names the other language in that language
    rest = WHO.sub("", topbar).replace("简体中文", "")
    assert not CJK.findall(rest), rest


def test_without_accept_language_the_desk_is_chinese(client: Client, personas: Personas) -> None:
    home = client.get("/").content.decode()
    assert 'lang="zh-hans"' in home
    assert "<h1>ICP 许可证服务台</h1>" in home
    assert "ICP license service desk" not in home
    client.force_login(personas.reviewer)
    topbar = _topbar(client.get("/cases/").content.decode())
    assert "工作台" in topbar and "退出" in topbar
    assert "English" in topbar and "Dashboard" not in topbar
