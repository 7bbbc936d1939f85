"""The interactive docs in Chromium: Swagger UI renders from the desk's own assets under CSP 'self'."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

CHROMIUM = os.environ.get("ICPDESK_CHROMIUM", "/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_docs_render_with_only_local_assets(live_server: Any) -> None:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is needed for the browser tests ({CHROMIUM})")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    problems: list[str] = []
    # Its own short-lived browser, closed before tests/browser starts its session-wide one.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(locale="zh-CN").new_page()
            page.set_default_timeout(15_000)
            page.on("request", lambda request: requested.append(request.url))
            page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(live_server.url + "/api/v1/docs")
            path = "/api/v1/cases/{case_id}/issue-certificate"
            try:
                page.locator(".opblock-summary-path", has_text=path).first.wait_for()
            except Exception as error:
                raise AssertionError(f"{path} not shown: {page.inner_text('body')[:600]}") from error
        finally:
            browser.close()
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert not problems, problems  # no CSP refusal, no script error
