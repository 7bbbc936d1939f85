"""Each finding code, present and absent, on sites served on 127.0.0.1."""

from __future__ import annotations

import socket
from typing import Any

from icpdesk.monitoring import geo
from tests.monitoring.conftest import (
    FILING,
    GOOD_FOOTER,
    GOOD_HOME,
    LICENSE,
    Site,
    codes,
    findings,
    page,
    scan,
)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_good_site_has_no_finding_but_no_https(site: Site) -> None:
    evidence = scan(site.good().url)
    assert codes(evidence, trading_platform=True) == ["no_https"]
    assert len(evidence.pages) == 7


# ------------------------------------------------------------------ unreachable


def test_unreachable_when_nothing_answers(allow_private: None) -> None:
    evidence = scan(f"http://127.0.0.1:{_closed_port()}/")
    found = findings(evidence)
    assert list(found) == ["unreachable"]
    assert found["unreachable"].message_code == "unreachable.connect"
    assert found["unreachable"].message() == "无法连接网站：connection failed"


def test_unreachable_when_the_home_page_is_an_error(site: Site) -> None:
    site.serve("/", "oops", status=503)
    found = findings(scan(site.url))
    assert list(found) == ["unreachable"]
    assert found["unreachable"].params == {"status": "503"}
    assert "503" in found["unreachable"].message("en")


def test_not_unreachable_when_the_home_page_answers(site: Site) -> None:
    assert "unreachable" not in codes(scan(site.good().url))


# ------------------------------------------------------------------ license and filing numbers


def test_license_not_displayed_when_the_home_page_lacks_it(site: Site) -> None:
    site.good(page("<p>甘ICP备20230001号</p><a href='/privacy'>隐私政策</a>"))
    found = findings(scan(site.url))
    assert found["license_not_displayed"].params == {"expected": LICENSE}
    assert "license_mismatch" not in found


def test_the_license_only_on_an_inner_page_does_not_count(site: Site) -> None:
    site.serve(
        "/", page("<p>甘ICP备20230001号</p><a href='/about'>关于我们</a><a href='/privacy'>隐私政策</a>")
    )
    site.serve("/about", page("<p>许可证 甘B2-20250001</p>"))
    site.serve("/privacy", page("<p>隐私</p>"))
    evidence = scan(site.url)
    assert any("甘B2-20250001" in p.text for p in evidence.pages)
    assert "license_not_displayed" in codes(evidence)


def test_the_license_counts_in_full_width_with_spaces_or_split_across_elements(site: Site) -> None:
    site.good(
        page(
            "<div>经营许可证：<span>甘</span><span>Ｂ２－</span><b>2025</b>\n<i>00 01</i></div>"
            "<p>甘ＩＣＰ备 2023 0001 号</p><a href='/privacy'>隐私政策</a>"
        )
    )
    found = codes(scan(site.url))
    assert "license_not_displayed" not in found and "filing_not_displayed" not in found
    assert "license_mismatch" not in found and "filing_mismatch" not in found


def test_license_mismatch_when_another_number_is_shown(site: Site) -> None:
    site.good(GOOD_HOME.replace("甘B2-20250001", "甘B2-20199999"))
    found = findings(scan(site.url))
    assert found["license_mismatch"].params == {"shown": "甘B2-20199999", "expected": LICENSE}
    assert "甘B2-20199999" in found["license_mismatch"].excerpt
    assert "license_not_displayed" not in found


def test_license_mismatch_when_the_number_shown_is_known_as_revoked(site: Site) -> None:
    site.good()
    found = findings(scan(site.url), known_states={LICENSE: "revoked"})
    assert found["license_mismatch"].message_code == "license_mismatch.state"
    assert found["license_mismatch"].message() == "首页展示的许可证 甘B2-20250001 已吊销"


def test_filing_not_displayed_and_filing_mismatch(site: Site) -> None:
    site.good(GOOD_HOME.replace("甘ICP备20230001号-1", "备案中"))
    assert "filing_not_displayed" in codes(scan(site.url))
    site.server.clear()
    site.good(GOOD_HOME.replace("甘ICP备20230001号-1", "陇ICP备20230002号"))
    found = findings(scan(site.url))
    assert "filing_mismatch" not in found  # 陇 is not a province abbreviation: no number shown
    site.server.clear()
    site.good(GOOD_HOME.replace("甘ICP备20230001号-1", "甘ICP备20230002号-1"))
    found = findings(scan(site.url))
    assert found["filing_mismatch"].params == {"shown": "甘ICP备20230002号", "expected": FILING}


# ------------------------------------------------------------------ privacy policy


def test_privacy_policy_missing_without_a_link(site: Site) -> None:
    site.good(GOOD_HOME.replace("<a href='/privacy'>隐私政策</a> <a href='/agreement'>用户协议</a>", ""))
    found = findings(scan(site.url))
    assert found["privacy_policy_missing"].message_code == "privacy_policy_missing.no_link"


def test_privacy_policy_missing_when_its_page_does_not_open(site: Site) -> None:
    home = GOOD_HOME.replace("<a href='/agreement'>用户协议</a>", "").replace("/privacy", "/gone-privacy")
    site.serve("/", home)
    site.serve("/gone-privacy", "not here", status=404)
    found = findings(scan(site.url))
    assert found["privacy_policy_missing"].message_code == "privacy_policy_missing.unreachable"
    assert found["privacy_policy_missing"].params["status"] == "404"


def test_no_privacy_finding_with_a_reachable_policy(site: Site) -> None:
    assert "privacy_policy_missing" not in codes(scan(site.good().url))


# ------------------------------------------------------------------ finance and prohibited content


def test_out_of_scope_finance_with_the_sentence_and_its_page(site: Site) -> None:
    site.good(GOOD_HOME.replace("<a href='/products'>全部商品</a>", "<a href='/loan'>借钱</a>"))
    site.serve("/loan", page("<p>新用户专享：<b>0首付</b>，免息分期，最快 3 分钟到账！</p>"))
    found = findings(scan(site.url))
    finance = found["out_of_scope_finance"]
    assert finance.url.endswith("/loan")
    assert finance.params["term"] == "分期" and "0首付" in finance.excerpt
    assert finance.message("en") == "A page offers financial services ('分期') beyond the license"


def test_a_disclaimer_of_finance_is_not_an_offer(site: Site) -> None:
    site.good(GOOD_HOME.replace("产地直发。", "产地直发。本平台不提供分期付款、贷款或理财服务，谨防诈骗。"))
    assert "out_of_scope_finance" not in codes(scan(site.url))


def test_prohibited_content(site: Site) -> None:
    site.good(GOOD_HOME.replace("产地直发。", "产地直发。</p><p>百家乐真人在线，注册即送彩金。"))
    found = findings(scan(site.url))
    assert found["prohibited_content"].params["category"] == "gambling"
    assert found["prohibited_content"].message() == "页面疑似含有赌博内容（“百家乐”）"


def test_site_rules_forbidding_prohibited_content_are_not_a_finding(site: Site) -> None:
    site.good(
        GOOD_HOME.replace("产地直发。", "产地直发。</p><p>严禁发布百家乐、时时彩等赌博信息及色情视频。")
    )
    assert "prohibited_content" not in codes(scan(site.url))


# ------------------------------------------------------------------ servers


def test_server_outside_mainland(site: Site, monkeypatch: Any) -> None:
    monkeypatch.setattr(geo, "country_of", lambda address: "HK")
    found = findings(scan(site.good().url))
    assert found["server_outside_mainland"].params["country"] == "HK"
    assert found["server_outside_mainland"].message() == (
        "网站服务器地址 127.0.0.1 位于中国香港，不在中国大陆境内"
    )


def test_a_mainland_or_unplaced_server_is_no_finding(site: Site, monkeypatch: Any) -> None:
    assert "server_outside_mainland" not in codes(scan(site.good().url))  # loopback: not placed
    monkeypatch.setattr(geo, "country_of", lambda address: "CN")
    assert "server_outside_mainland" not in codes(scan(site.url))


def test_the_bundled_database_places_addresses() -> None:
    assert geo.country_of("1.2.4.8") == "CN"
    assert geo.country_of("8.8.8.8") == "US"
    assert geo.country_of("202.175.1.1") == "MO"  # Macao is not the mainland
    assert geo.country_of("240e::1") == "CN"
    assert geo.country_of("127.0.0.1") == ""
    assert "20240618" in geo.data_source()


# ------------------------------------------------------------------ trading modules


def test_trading_modules_missing_on_a_trading_platform(site: Site) -> None:
    site.good(page("<p>欢迎光临。</p>" + GOOD_FOOTER))
    evidence = scan(site.url)
    assert "trading_modules_missing" in codes(evidence, trading_platform=True)
    assert "trading_modules_missing" not in codes(evidence, trading_platform=False)


def test_one_module_is_enough(site: Site) -> None:
    site.good(page("<p>欢迎光临。</p><a href='/cart'>购物车</a>" + GOOD_FOOTER))
    assert "trading_modules_missing" not in codes(scan(site.url), trading_platform=True)


# ------------------------------------------------------------ no_https (plain HTTP; TLS in test_https.py)


def test_no_https_on_a_plain_http_site(site: Site) -> None:
    found = findings(scan(site.good().url))
    assert found["no_https"].message_code == "no_https.no_service"
    assert found["no_https"].severity == "medium"


def test_a_name_that_does_not_resolve_is_unreachable(monkeypatch: Any) -> None:
    from icpdesk.lib import netguard

    monkeypatch.setattr(netguard, "resolve", lambda host, port: [])
    found = findings(scan("https://gone.example.cn/"))
    assert list(found) == ["unreachable"]
    assert found["unreachable"].params == {"reason": "the name does not resolve"}
