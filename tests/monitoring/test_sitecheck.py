"""The pure rules: text normalisation, number patterns, the disclaimer rule, login over HTTP."""

from __future__ import annotations

import pytest

from icpdesk.core import sitecheck
from icpdesk.core.sitecheck import Expectations, Link, Page, SiteEvidence


@pytest.mark.parametrize(
    "text",
    [
        "许可证：甘B2-20250001",
        "许可证：甘Ｂ２－２０２５０００１",
        "许可证：甘 B2 - 2025 0001",
        "许可证：甘B2—20250001",
        "许可证：甘B2-\n2025\u200b0001",
        "甘b2-20250001 2026年",
    ],
)
def test_a_license_number_is_read_in_any_of_its_written_forms(text: str) -> None:
    assert [n for n, _ in sitecheck.find_license_numbers(text)] == ["甘B2-20250001"]


def test_a_longer_digit_run_is_not_a_license_number() -> None:
    assert sitecheck.find_license_numbers("甘B2-202500012") == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("甘ICP备20230001号-1", "甘ICP备20230001号"),
        ("甘ＩＣＰ備２０２３０００１號", "甘ICP备20230001号"),
        ("甘icp备 2023 0001 号", "甘ICP备20230001号"),
        ("京ICP备2023001234号", "京ICP备2023001234号"),
    ],
)
def test_a_filing_number_is_read_as_its_base(text: str, number: str) -> None:
    assert [n for n, _ in sitecheck.find_filing_numbers(text)] == [number]


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("支持购物分期，3 期免息。", ["分期"]),
        ("零首付买手机！", ["零首付"]),
        ("众筹新品，限时参与", ["众筹"]),
        ("本平台不提供分期、贷款服务。", []),
        ("谨防以理财为名的诈骗。", []),
        ("风险提示：借贷有风险", []),
    ],
)
def test_finance_terms_count_in_an_offer_not_in_a_disclaimer(text: str, offered: list[str]) -> None:
    assert [term for term, _ in sitecheck.finance_offers(text)] == offered


def test_sentences_split_at_punctuation_and_blocks() -> None:
    assert sitecheck.sentences("第一句。第二句！\n第三句") == [
        "第一句。",
        "第二句!",
        "第三句",
    ]  # NFKC folds the full-width "！"


def _home(**fields: object) -> Page:
    values: dict[str, object] = {
        "url": "http://shop.example.cn/",
        "status": 200,
        "text": "甘B2-20250001 甘ICP备20230001号",
        "links": (Link("http://shop.example.cn/privacy", "隐私政策"),),
    }
    values.update(fields)
    return Page(**values)  # type: ignore[arg-type]


def _evidence(home: Page, **fields: object) -> SiteEvidence:
    values: dict[str, object] = {
        "start_url": home.url,
        "home": home,
        "pages": (home,),
        "privacy_links": (("http://shop.example.cn/privacy", 200),),
    }
    values.update(fields)
    return SiteEvidence(**values)  # type: ignore[arg-type]


EXPECT = Expectations(license_number="甘B2-20250001", filing_number="甘ICP备20230001号")


def test_a_plain_http_page_taking_logins_is_no_https() -> None:
    login = Page(url="http://shop.example.cn/login", status=200, text="登录", has_password=True, depth=1)
    found = sitecheck.analyse(_evidence(_home(), pages=(_home(), login)), EXPECT)
    assert [(f.code, f.message_code, f.url) for f in found] == [
        ("no_https", "no_https.login_over_http", "http://shop.example.cn/login")
    ]


def test_an_https_page_taking_payments_is_fine() -> None:
    pay = Page(url="https://shop.example.cn/pay", status=200, text="支付", has_payment=True)
    home = _home(url="https://shop.example.cn/")
    assert sitecheck.analyse(_evidence(home, pages=(home, pay)), EXPECT) == []


def test_every_code_has_a_severity_and_every_message_both_languages() -> None:
    assert set(sitecheck.CODES) == {
        "unreachable",
        "no_https",
        "license_not_displayed",
        "license_mismatch",
        "filing_not_displayed",
        "filing_mismatch",
        "privacy_policy_missing",
        "out_of_scope_finance",
        "prohibited_content",
        "server_outside_mainland",
        "trading_modules_missing",
    }
    for code in sitecheck.MESSAGES:
        assert code.split(".")[0] in sitecheck.CODES
        zh, en = sitecheck.MESSAGES[code]
        assert zh and en.isascii() is not None


def test_a_finding_has_a_stable_key_per_term() -> None:
    a = sitecheck.Finding("out_of_scope_finance", "out_of_scope_finance", {"term": "分期"}, "u", "x")
    b = sitecheck.Finding("out_of_scope_finance", "out_of_scope_finance", {"term": "分期"}, "v", "y")
    c = sitecheck.Finding("out_of_scope_finance", "out_of_scope_finance", {"term": "众筹"}, "u", "x")
    assert a.key == b.key == "out_of_scope_finance:分期" and c.key != a.key
    assert a.as_dict()["evidence"] == {"url": "u", "excerpt": "x"}
