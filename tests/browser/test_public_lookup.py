"""The public lookup and the e-license's QR link in a real browser."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.factories import make_personas
from tests.licenses.helpers import make_license


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_lookup_and_the_e_license_link_to_verification(
    live_server: Any, page: Any, settings: Any
) -> None:
    settings.SITE_URL = live_server.url
    personas = make_personas()
    lic = make_license(personas.enterprise, date(2026, 1, 5))

    # Anyone, signed out, looks the license up on the public page.
    page.goto(live_server.url + "/licenses/verify/")
    page.fill("input[name=number]", lic.number)
    page.click("#lookup-submit")
    result = page.locator("section.result")
    assert lic.number in result.locator("h2").inner_text()
    assert result.locator("[data-state=valid]").inner_text() == "有效"
    assert "兰州陇货精品电子商务有限公司" in result.inner_text()

    # An unknown number gets a clear "not found".
    page.fill("input[name=number]", "甘B2-20269999")
    page.click("#lookup-submit")
    assert "没有找到" in page.locator("#not-found").inner_text()

    # The holder opens its e-license and follows the QR code's link to the verification page.
    page.context.add_cookies(_session_cookie(live_server.url, personas.applicant))
    page.goto(f"{live_server.url}/licenses/{lic.pk}/")
    href = page.locator("#verify-link").get_attribute("href")
    assert href and urlsplit(href).path == "/licenses/verify/"
    page.context.clear_cookies()
    page.goto(href)
    assert page.locator("section.result [data-state=valid]").inner_text() == "有效"


def _session_cookie(url: str, user: Any) -> list[dict[str, Any]]:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": url}]
