"""``icpdesk scan URL``: the JSON it prints and its exit codes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from icpdesk.cli import main
from icpdesk.lib import netguard
from tests.monitoring.conftest import GOOD_HOME, Site


def _run(capsys: Any, *argv: str) -> tuple[int, Any, str]:
    code = main(["scan", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip().startswith("{") else out), err


def test_a_scanned_site_prints_its_findings_and_exits_0(site: Site, capsys: Any) -> None:
    site.good(GOOD_HOME.replace("产地直发。", "产地直发。支持分期付款。"))
    code, payload, _ = _run(
        capsys,
        site.url,
        "--license",
        "甘B2-20250001",
        "--filing",
        "甘ICP备20230001号-1",
        "--format",
        "json",
        "--pause",
        "0",
    )
    assert code == 0
    assert payload["url"] == site.url and len(payload["pages"]) == 7
    assert [f["code"] for f in payload["findings"]] == ["no_https", "out_of_scope_finance"]
    finance = payload["findings"][1]
    assert set(finance) >= {"code", "severity", "message", "evidence"}
    assert finance["evidence"]["url"] == site.url and "分期" in finance["evidence"]["excerpt"]


def test_text_output_in_english(site: Site, capsys: Any) -> None:
    site.good()
    code, out, _ = _run(capsys, site.url, "--license", "甘B2-20259999", "--lang", "en", "--pause", "0")
    assert code == 0
    assert (
        "license_mismatch [high] The home page shows the license number 甘B2-20250001, not 甘B2-20259999"
        in out
    )


def test_an_unreachable_site_is_a_finding_and_exit_0(allow_private: None, capsys: Any) -> None:
    code, payload, _ = _run(capsys, "http://127.0.0.1:9/", "--format", "json", "--timeout", "2")
    assert code == 0 and [f["code"] for f in payload["findings"]] == ["unreachable"]


def test_a_refused_address_exits_2_with_the_reason(monkeypatch: Any, capsys: Any) -> None:
    monkeypatch.delenv(netguard.ALLOW_PRIVATE_ENV, raising=False)
    code, payload, err = _run(capsys, "http://127.0.0.1:8000/", "--format", "json")
    assert code == 2 and payload["error"] == "refused.loopback"
    assert err.strip() == "该地址指向本机（回环地址）：127.0.0.1"
    monkeypatch.setattr(netguard, "resolve", lambda host, port: ["10.20.30.40"])
    code, _, err = _run(capsys, "https://shop.example.cn/", "--lang", "en")
    assert code == 2 and err.strip() == "the address is a private address: shop.example.cn (10.20.30.40)"


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["shop.example.cn", "--license", "甘B3-20250001"], "B1"),
        (["shop.example.cn", "--filing", "甘ICP20230001"], "ICP备"),
        (["ftp://shop.example.cn/"], "http"),
    ],
)
def test_bad_input_exits_2(argv: list[str], reason: str, capsys: Any) -> None:
    code, _, err = _run(capsys, *argv)
    assert code == 2 and reason in err
