"""Every document renders, in Word and PDF, with the profile's facts and no template field left."""

from __future__ import annotations

import io
from typing import Any

import pytest

from icpdesk.paperwork import documents, services, topology
from icpdesk.paperwork.context import build
from tests.factories import make_enterprise
from tests.paperwork.conftest import TODAY, docx_text, docx_xml, pdf_fonts, pdf_text

CASE_DOCS = [d.id for d in documents.CASE_DOCUMENTS]


def _facts(case: Any) -> list[str]:
    e = case.enterprise
    return [e.name, e.uscc, e.domain]


@pytest.mark.parametrize("document_id", CASE_DOCS)
def test_the_word_document_holds_the_facts_and_no_field(case: Any, document_id: str) -> None:
    rendered = services.draft(case, documents.get(document_id), "docx", today=TODAY)
    text = docx_text(rendered.content)
    for fact in _facts(case):
        assert fact in text
    assert "2026年12月1日" in text  # the date it was drafted
    xml = docx_xml(rendered.content)
    assert "{{" not in xml and "{%" not in xml and "}}" not in xml


@pytest.mark.parametrize("document_id", CASE_DOCS)
def test_the_pdf_holds_the_facts_and_no_field(case: Any, document_id: str) -> None:
    rendered = services.draft(case, documents.get(document_id), "pdf", today=TODAY)
    assert rendered.content.startswith(b"%PDF")
    text = pdf_text(rendered.content).replace("\n", "")
    for fact in _facts(case):
        assert fact in text
    assert "2026年12月1日" in text
    assert "{{" not in text and "{%" not in text
    assert "第 1 页 / 共" in text  # page numbers


@pytest.mark.parametrize("document_id", CASE_DOCS)
def test_the_first_page_is_not_blank_and_has_cjk_glyphs(case: Any, document_id: str) -> None:
    import pypdfium2 as pdfium
    from PIL import ImageStat

    rendered = services.draft(case, documents.get(document_id), "pdf", today=TODAY)
    pdf = pdfium.PdfDocument(rendered.content)
    image = pdf[0].render(scale=1).to_pil().convert("L")
    assert ImageStat.Stat(image).var[0] > 100  # ink on the page
    # The CJK text is real text in an embedded Noto CJK font, not boxes (.notdef).
    assert any("Noto-Sans-CJK-SC" in n or "Noto-Serif-CJK-SC" in n for n in pdf_fonts(rendered.content))
    assert documents.get(document_id).name_zh[:4] in pdf_text(rendered.content).replace("\n", "")
    text_page = pdf[0].get_textpage()
    assert "企业" in text_page.get_text_range() or "公司" in text_page.get_text_range()


def test_the_application_form_names_everything_the_form_asks(case: Any) -> None:
    text = pdf_text(services.draft(case, documents.get("application_form"), "pdf", today=TODAY).content)
    text = text.replace("\n", "")
    for fact in (
        "王建国",
        "甘肃省兰州市城关区数据中心",
        "甘ICP备",
        "商品展示",
        "张伟",
        "CISSP",
        "2023年5月10日",
    ):
        assert fact in text


def test_the_statement_covers_the_last_two_years(case: Any) -> None:
    text = docx_text(
        services.draft(case, documents.get("no_violation_statement"), "docx", today=TODAY).content
    )
    assert "自2024年12月1日至2026年12月1日的两年内" in text
    assert "王建国" in text


def test_the_security_documents_say_what_the_inspection_looks_for(case: Any) -> None:
    rules = pdf_text(
        services.draft(case, documents.get("network_security_rules"), "pdf", today=TODAY).content
    )
    assert "总经理是网络安全第一责任人" in rules.replace("\n", "")
    assert "张伟是网络安全直接责任人" in rules.replace("\n", "")
    data = docx_text(services.draft(case, documents.get("data_security_rules"), "docx", today=TODAY).content)
    assert "Argon2" in data and "严禁使用 MD5" in data and "HTTPS" in data
    plan = docx_text(services.draft(case, documents.get("emergency_plan"), "docx", today=TODAY).content)
    assert "断开" in plan and "24 小时内" in plan and "演练记录" in plan


def test_the_privacy_policy_is_filled_with_the_platform(case: Any) -> None:
    text = docx_text(services.draft(case, documents.get("privacy_policy"), "docx", today=TODAY).content)
    assert f"{case.enterprise.name}网上交易平台" in text
    assert "个人信息保护法" in text and "撤回同意" in text and "保存期限" in text
    for module in ("商品展示", "用户注册", "下单支付", "订单管理", "物流跟踪"):
        assert module in text


def test_a_missing_legal_representative_is_a_marked_blank_and_listed(personas: Any) -> None:
    from icpdesk.cases import actions

    enterprise = make_enterprise("金昌无名电子商务有限公司", legal_rep_name="")
    from icpdesk.accounts.models import Mandate

    Mandate.objects.create(agency=personas.agency, enterprise=enterprise)
    case = actions.create_application(personas.consultant, enterprise)
    for fmt in ("docx", "pdf"):
        rendered = services.draft(case, documents.get("no_violation_statement"), fmt, today=TODAY)
        text = docx_text(rendered.content) if fmt == "docx" else pdf_text(rendered.content).replace("\n", "")
        assert "【待填写：法定代表人】" in text
        assert rendered.missing == ["法定代表人"]
    filled = build(documents.get("application_form"), enterprise, case, today=TODAY)
    assert "法定代表人" in filled.missing and filled.values["legal_rep_name"] == "【待填写：法定代表人】"


def test_a_complete_profile_leaves_no_blank_in_the_application_form(case: Any) -> None:
    case.enterprise.address = "甘肃省兰州市城关区张掖路1号"
    case.enterprise.save()
    rendered = services.draft(case, documents.get("application_form"), "pdf", today=TODAY)
    assert rendered.missing == []


def test_the_topology_diagram_as_svg_and_png(case: Any) -> None:
    from PIL import Image

    svg = services.draft(case, documents.get("topology"), "svg", today=TODAY)
    text = svg.content.decode("utf-8")
    assert (
        text.startswith("<svg")
        and "CDN" in text
        and "数据库服务器" in text
        and "甘肃省兰州市城关区数据中心" in text
    )
    assert "物流跟踪" in text
    png = services.draft(case, documents.get("topology"), "png", today=TODAY)
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.width == topology.WIDTH * 2
    docx = services.draft(case, documents.get("topology"), "docx", today=TODAY)
    assert "word/media/" in str(__import__("zipfile").ZipFile(io.BytesIO(docx.content)).namelist())


def test_servers_outside_the_mainland_are_not_called_mainland(case: Any) -> None:
    case.enterprise.server_regions = ["CN-HK"]
    case.enterprise.save()
    text = services.draft(case, documents.get("topology"), "svg", today=TODAY).content.decode()
    assert "全部服务器位于中国大陆境内" not in text and "香港" in text


def test_the_pdf_renderer_fetches_nothing_remote() -> None:
    from icpdesk.paperwork.render import local_fetcher

    fetcher = local_fetcher()
    with pytest.raises(ValueError, match="disallowed"):
        fetcher.fetch("https://fonts.example.com/font.css")
    with pytest.raises(ValueError, match="disallowed"):
        fetcher.fetch("http://127.0.0.1/x.png")
