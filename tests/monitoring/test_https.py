"""HTTPS with a certificate from a local CA (trustme): a valid one, a wrong name, an unknown issuer."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import trustme
from pytest_httpserver import HTTPServer

from icpdesk.lib import netguard
from tests.monitoring.conftest import FAST, GOOD_HOME, codes, findings, page, scan


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _server(cert: trustme.LeafCert) -> HTTPServer:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.expect_request("/").respond_with_data(GOOD_HOME, content_type="text/html; charset=utf-8")
    for path in ("/privacy", "/agreement", "/register", "/login", "/cart", "/products"):
        server.expect_request(path).respond_with_data(page(path), content_type="text/html")
    server.start()
    return server


@pytest.fixture
def resolve_shop(allow_private: None, monkeypatch: Any) -> None:
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["127.0.0.1"])


@pytest.fixture
def trusting(ca: trustme.CA) -> Any:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return replace(FAST, verify=context)


@pytest.fixture
def valid_site(ca: trustme.CA, resolve_shop: None) -> Iterator[str]:
    server = _server(ca.issue_cert("shop.test"))
    yield f"https://shop.test:{server.port}/"
    server.stop()


@pytest.fixture
def wrong_name_site(ca: trustme.CA, resolve_shop: None) -> Iterator[str]:
    server = _server(ca.issue_cert("other.test"))
    yield f"https://shop.test:{server.port}/"
    server.stop()


def test_a_valid_certificate_is_no_finding(valid_site: str, trusting: Any) -> None:
    evidence = scan(valid_site, trusting)
    assert evidence.tls == "ok"
    assert all(p.url.startswith("https://shop.test:") for p in evidence.pages)
    assert codes(evidence) == []


def test_a_certificate_for_another_name_is_no_https(wrong_name_site: str, trusting: Any) -> None:
    evidence = scan(wrong_name_site, trusting)
    found = findings(evidence)
    assert found["no_https"].message_code == "no_https.invalid_certificate"
    assert "shop.test" in found["no_https"].params["reason"]
    # The content is still read, so the other checks still run.
    assert len(evidence.pages) == 7 and list(found) == ["no_https"]


def test_a_certificate_from_an_unknown_issuer_is_no_https(valid_site: str) -> None:
    found = findings(scan(valid_site, FAST))  # the system's trust store does not know the test CA
    assert found["no_https"].message_code == "no_https.invalid_certificate"
    assert "certificate" in found["no_https"].params["reason"]


def test_the_tls_server_name_is_the_site_not_the_address(valid_site: str, trusting: Any) -> None:
    # The connection goes to 127.0.0.1, the certificate is checked against shop.test: it passes.
    assert scan(valid_site, trusting).tls == "ok"
