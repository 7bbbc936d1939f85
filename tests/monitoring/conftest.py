"""Sites served on 127.0.0.1 (pytest-httpserver), quick scan options, a desk with a license."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from icpdesk.core import sitecheck
from icpdesk.lib import netguard
from icpdesk.monitoring import fetch

LICENSE = "甘B2-20250001"
FILING = "甘ICP备20230001号"
_serial = itertools.count(1)

FAST = fetch.ScanOptions(pause=0.0, timeout=3.0)


def page(body: str, title: str = "陇货精品商城") -> str:
    head = f"<head><meta charset='utf-8'><title>{title}</title></head>"
    return f"<!doctype html><html>{head}<body>{body}</body></html>"


GOOD_FOOTER = (
    "<footer><p>增值电信业务经营许可证：甘B2-20250001</p><p>甘ICP备20230001号-1</p>"
    "<a href='/privacy'>隐私政策</a> <a href='/agreement'>用户协议</a></footer>"
)
GOOD_HOME = page(
    "<nav><a href='/register'>免费注册</a> <a href='/login'>登录</a> <a href='/cart'>购物车</a></nav>"
    "<main><h1>陇货精品</h1><p>兰州百合、静宁苹果，产地直发。</p><a href='/products'>全部商品</a></main>"
    + GOOD_FOOTER
)


class Site:
    """One site on a local server: ``serve(path, html)`` then ``url``."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/"

    def serve(
        self,
        path: str,
        body: str | bytes,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.server.expect_request(path).respond_with_data(
            body, status=status, content_type=content_type, headers=headers
        )

    def good(self, home: str = GOOD_HOME) -> Site:
        self.serve("/", home)
        for path in ("/privacy", "/agreement", "/register", "/login", "/cart", "/products"):
            self.serve(path, page(f"<p>{path}</p>"))
        return self


@pytest.fixture
def allow_private(monkeypatch: Any) -> None:
    monkeypatch.setenv(netguard.ALLOW_PRIVATE_ENV, "1")


@pytest.fixture
def site(allow_private: None) -> Iterator[Site]:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        yield Site(server)
    finally:
        server.clear()
        if server.is_running():
            server.stop()


def scan(url: str, options: fetch.ScanOptions = FAST) -> sitecheck.SiteEvidence:
    return fetch.run(url, options)


def codes(evidence: sitecheck.SiteEvidence, **expect: Any) -> list[str]:
    defaults: dict[str, Any] = {"license_number": LICENSE, "filing_number": FILING}
    defaults.update(expect)
    return [f.code for f in sitecheck.analyse(evidence, sitecheck.Expectations(**defaults))]


def findings(evidence: sitecheck.SiteEvidence, **expect: Any) -> dict[str, sitecheck.Finding]:
    defaults: dict[str, Any] = {"license_number": LICENSE, "filing_number": FILING}
    defaults.update(expect)
    return {f.code: f for f in sitecheck.analyse(evidence, sitecheck.Expectations(**defaults))}


@pytest.fixture(autouse=True)
def _tasks_inline(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.MONITORING_PAUSE_SECONDS = 0.0
    settings.MONITORING_TIMEOUT_SECONDS = 3


def make_license(enterprise: Any, domain: str, *, state: str = "valid", number: str | None = None) -> Any:
    from icpdesk.cases.models import Application
    from icpdesk.licenses.models import License

    n = next(_serial)
    application = Application.objects.create(
        reference=f"T-SCAN-{n:06d}",
        enterprise=enterprise,
        state="certificate_issued",
        province_code="CN-GS",
        rule_pack="gansu",
    )
    return License.objects.create(
        number=number or f"甘B2-2025{n:04d}",
        holder=enterprise,
        holder_name=enterprise.name,
        application=application,
        license_type="B25",
        province_code="CN-GS",
        domains=[domain],
        issued_on=date(2025, 6, 10),
        expires_on=date(2030, 6, 10),
        state=state,
    )
