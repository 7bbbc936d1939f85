"""The charts: SVG drawn on the server, inlined without script, styled under the page's nonce."""

from __future__ import annotations

import re
from datetime import date

from django.test import Client

from icpdesk.overviews import charts
from tests.overviews.conftest import Book


def test_a_chart_is_svg_without_script_and_escapes_its_labels() -> None:
    chart = charts.bar(
        "按市州 <b>",
        ["兰州市", "<script>alert(1)</script>"],
        [charts.Series("案件", [3, 1], ["/cases/?a=1&b=2"])],
    )
    svg = str(charts.render(chart, "n0nce"))

    assert svg.startswith("<svg")
    assert "<?xml" not in svg
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert 'style="' not in svg  # no inline style attribute for the CSP to refuse
    assert re.search(r'<style[^>]* nonce="n0nce"', svg)
    assert "Noto Sans CJK SC" in svg
    assert 'xlink:href="/cases/?a=1&amp;b=2"' in svg
    assert "<title>按市州 &lt;b&gt;</title>" in svg


def test_the_pages_inline_each_chart_with_its_title_and_table(book: Book, frozen_today: date) -> None:
    client = Client()
    client.force_login(book.personas.consultant)
    response = client.get("/overviews/agency/")
    page = response.content.decode()
    nonce = re.search(r'<style[^>]* nonce="([^"]+)"', page)

    assert nonce is not None
    assert f"'nonce-{nonce.group(1)}'" in response["Content-Security-Policy"]
    assert page.count("<svg") == 5
    assert page.count("<table") == 5
    assert page.count("<caption>") == 5
    assert "<script" not in page.split("</head>", 1)[1]


def test_the_province_page_has_its_four_charts(book: Book, frozen_today: date) -> None:
    client = Client()
    client.force_login(book.personas.regulator_admin)
    page = client.get("/overviews/province/").content.decode()

    assert page.count("<svg") == 4
    assert "2025 年度报告（第一季度报送）按市州" in page
    assert "50.0%" in page  # 兰州市: one of two on time; and November's acceptances
