"""Playwright driving Debian's Chromium against the live test server."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("ICPDESK_CHROMIUM", "/usr/bin/chromium")
TIMEOUT_MS = 30_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is needed for the browser tests: install Debian's chromium ({CHROMIUM})")
    # Playwright's sync API runs an event loop in this thread; the test thread
    # also touches the database to set up data, which Django allows only when told.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def media_and_tasks(settings: Any, tmp_path: Any) -> None:
    """Uploads go to a temporary directory and material checks run at once."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def sign_in(browser: Any, live_server: Any) -> Iterator[Callable[[str], Any]]:
    """Sign a user in through the login form, in a browser context of their own."""
    from playwright.sync_api import expect

    contexts: list[Any] = []

    def _sign_in(username: str) -> Any:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.set_default_navigation_timeout(TIMEOUT_MS)
        page.goto(live_server.url + "/accounts/login/")
        page.locator("main input[name=username]").fill(username)
        page.locator("main input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        second_step(page, username)
        expect(page.locator("header .who")).to_have_text(username)
        return page

    yield _sign_in
    for context in contexts:
        context.close()


def second_step(page: Any, username: str) -> None:
    """Two-factor sign-in as its user would take it: enrol from the secret the page shows, or enter the code.

    Regulator staff are sent to enrolment at their first sign-in and to
    verification after it; the code is the one their authenticator app would
    show (a later time step than any code already used, as the desk requires).
    """
    import time
    from base64 import b32decode

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from icpdesk.accounts.two_factor import totp_now

    if "/accounts/two-factor/verify/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        step = max(int(time.time()) // 30, device.last_t + 1)
        while step > int(time.time()) // 30 + 1:  # tolerance is one step ahead
            time.sleep(1)
        page.locator("main input[name=code]").fill(totp_now(device.key, at=step * 30))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
    elif re.search(r"/accounts/two-factor/(\?|$)", page.url):
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        key = b32decode(secret + "=" * (-len(secret) % 8)).hex()
        page.locator("main input[name=code]").fill(totp_now(key))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        assert page.locator("#recovery-codes li").count() == 10
        with page.expect_navigation():
            page.locator("main a.button").click()
