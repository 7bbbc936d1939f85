"""An agency's book in Chromium: a workbook imported (refused by row first), the book assessed,
both overviews opened and the client list downloaded as .xlsx."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from playwright.sync_api import FilePayload, Page, expect

from tests.factories import make_personas, make_uscc
from tests.overviews.conftest import case

HEADERS = ["统一社会信用代码", "企业名称", "企业类型", "注册省份", "所在市州", "成立日期"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows: Sequence[Sequence[Any]]) -> FilePayload:
    book = Workbook()
    sheet = book.active
    sheet.title = "企业"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return {"name": "clients.xlsx", "mimeType": XLSX, "buffer": out.getvalue()}


def upload(page: Page, base: str, payload: FilePayload) -> None:
    page.goto(base + "/bulk/imports/")
    page.locator("#import-file").set_input_files(payload)
    with page.expect_navigation():
        page.get_by_role("button", name="上传并导入").click()
    expect(page).to_have_url(re.compile(r"/bulk/imports/\d+/$"))


def counts(page: Page) -> dict[str, str]:
    rows = page.locator("#import-progress table").first.locator("tbody tr")
    expect(rows).to_have_count(4)
    return {rows.nth(i).locator("th").inner_text(): rows.nth(i).locator("td").inner_text() for i in range(4)}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_agency_imports_its_book_assesses_it_sees_the_overviews_and_exports_it(
    live_server: Any, sign_in: Callable[[str], Page], media_and_tasks: None, settings: Any
) -> None:
    from icpdesk.enterprises.models import EligibilityAssessment, Enterprise

    settings.RULE_PACK = "gansu"
    personas = make_personas()
    base = live_server.url
    first, second = make_uscc(9101), make_uscc(9102)
    wrong_code = second[:-1] + ("0" if second[-1] != "0" else "1")  # the check character is off
    good = [first, "兰州导入一号科技有限公司", "有限责任公司", "甘肃省", "兰州市", "2023/5/10"]

    consultant = sign_in("consultant")
    consultant.goto(base + "/enterprises/")
    consultant.get_by_role("link", name="导入客户").click()
    expect(consultant.locator("main h1")).to_have_text("导入客户")

    # A workbook with one bad row: nothing is imported and each error names its Excel row and header.
    bad = [wrong_code, "天水导入二号网络有限公司", "有限责任公司", "甘肃省", "天水市", "2023-13-45"]
    upload(consultant, base, workbook([good, bad]))
    progress = consultant.locator("#import-progress")
    expect(progress.locator("#import-errors")).to_be_visible()
    expect(progress).to_contain_text("未导入任何数据")
    errors = progress.locator("#import-errors tbody tr")
    expect(errors).to_have_count(2)
    cells = sorted(tuple(errors.nth(i).locator("td").all_inner_texts()[:4]) for i in range(errors.count()))
    assert cells == [
        ("企业", "3", "成立日期", "enterprise.registered_on"),
        ("企业", "3", "统一社会信用代码", "enterprise.uscc"),
    ]
    assert counts(consultant)["新建"] == "0"
    assert not Enterprise.objects.filter(uscc__in=[first, second]).exists()
    expect(progress.get_by_role("link", name="下载标注了错误的工作簿")).to_be_visible()

    # The fixed workbook imports both clients.
    fixed = [second, "天水导入二号网络有限公司", "有限责任公司", "甘肃省", "天水市", "2023年5月10日"]
    upload(consultant, base, workbook([good, fixed]))
    expect(progress.locator("p.good")).to_have_text("导入完成，没有错误。")
    assert counts(consultant) == {"新建": "2", "更新": "0", "未变": "0", "跳过": "0"}
    imported = Enterprise.objects.filter(uscc__in=[first, second])
    assert imported.filter(mandates__agency=personas.agency).count() == 2
    consultant.goto(base + "/bulk/imports/")
    expect(consultant.locator("main table tbody tr")).to_have_count(2)

    # The whole book assessed: the persona's client and the two imported ones.
    consultant.goto(base + "/enterprises/")
    consultant.get_by_role("link", name="评估全部客户").click()
    expect(consultant.locator("main")).to_contain_text("全部 3 家客户")
    with consultant.expect_navigation():
        consultant.locator("main form").get_by_role("button", name="评估全部客户").click()
    book = consultant.locator("#book-progress")
    expect(book).to_contain_text("已评估 3 / 3 家")
    verdicts = book.locator("table tbody td").all_inner_texts()
    assert sum(int(v) for v in verdicts) + book.locator("ul li").count() == 3
    assert EligibilityAssessment.objects.filter(enterprise__in=imported).count() == 2

    # The agency's overview.
    consultant.locator("header nav").get_by_role("link", name="概览", exact=True).click()
    expect(consultant).to_have_url(re.compile(r"/overviews/agency/$"))
    expect(consultant.locator("main h1")).to_have_text("代办概览")
    expect(consultant.locator("figure.chart svg")).to_have_count(5)

    # The client list downloaded as .xlsx holds the imported clients.
    consultant.goto(base + "/enterprises/?q=导入")
    with consultant.expect_download() as download_info:
        consultant.locator("main p.exports").get_by_role("link", name=".xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(download.path().read_bytes())).active
    rows = [[str(v) if v is not None else "" for v in row] for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert "统一社会信用代码" in header and "企业名称" in header
    by_code = {row[header.index("统一社会信用代码")]: row for row in rows[1:]}
    assert set(by_code) == {first, second}
    assert by_code[second][header.index("企业名称")] == "天水导入二号网络有限公司"

    # The province's overview, as a reviewer (two-factor step included), finds the case filed
    # for an imported client by its credit code.
    filed = case(imported.get(uscc=first), "filed", agency=personas.agency, filed_on=timezone.localdate())
    reviewer = sign_in("reviewer")
    reviewer.goto(base + "/overviews/province/")
    expect(reviewer.locator("main h1")).to_have_text("全省概览")
    expect(reviewer.locator("figure.chart svg")).to_have_count(4)
    reviewer.locator("#id_q").fill(first)
    with reviewer.expect_navigation():
        reviewer.get_by_role("button", name="查找").click()
    found = reviewer.locator("#found-cases tbody tr")
    expect(found).to_have_count(1)
    expect(found.get_by_role("link", name=filed.reference)).to_be_visible()
    expect(found.locator("td").nth(1)).to_have_text("兰州导入一号科技有限公司")
    expect(reviewer.locator("#found-licenses tbody tr td.muted")).to_have_text("没有找到许可证。")
