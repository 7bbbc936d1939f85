"""The home page in a real browser: Chinese by default, no asset from outside the desk."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_home_page_renders_in_chromium_with_only_local_assets(live_server: Any, page: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/")
    assert "许可证" in page.locator("h1").inner_text()
    assert page.locator("a[href='/accounts/login/']").first.is_visible()
    assert requested, "the browser made no request"
    assert all(url.startswith(live_server.url) for url in requested), requested
