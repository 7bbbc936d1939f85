"""The client's address for per-client limits, through the desk's own proxies only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from icpdesk.lib.clients import client_address


def _request(remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/licenses/verify/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXIES = 0
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_one_proxy_takes_the_address_it_added(settings: Any) -> None:
    settings.TRUSTED_PROXIES = 1
    # The client forged the first entry; the proxy appended the real peer.
    request = _request("10.0.0.2", "1.2.3.4, 198.51.100.23")
    assert client_address(request) == "198.51.100.23"


def test_two_proxies_take_the_second_from_the_right(settings: Any) -> None:
    settings.TRUSTED_PROXIES = 2
    request = _request("10.0.0.2", "1.2.3.4, 198.51.100.23, 10.0.0.9")
    assert client_address(request) == "198.51.100.23"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("", "10.0.0.2"),  # no header: the proxy's own address
        ("not-an-address", "10.0.0.2"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("198.51.100.23:5123", "198.51.100.23"),
    ],
)
def test_odd_headers_fall_back_to_the_peer(settings: Any, forwarded: str, expected: str) -> None:
    settings.TRUSTED_PROXIES = 1
    assert client_address(_request("10.0.0.2", forwarded)) == expected


@pytest.mark.django_db
def test_visitors_behind_one_proxy_have_a_lookup_window_each(client: Any, settings: Any) -> None:
    settings.TRUSTED_PROXIES = 1
    settings.PUBLIC_LOOKUP_PER_MINUTE = 2
    url = "/api/v1/public/licenses?number=%E7%94%98B2-20260001"
    first = [
        client.get(url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code
        for _ in range(3)
    ]
    other = client.get(url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code
    assert first[-1] == 429
    assert other != 429
