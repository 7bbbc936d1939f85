"""Files refused with a reason, never a traceback; CSV as Excel in China saves it; the template."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from icpdesk.bulk.columns import ENTERPRISE_COLUMNS, STAFF_COLUMNS
from icpdesk.bulk.importer import parse
from icpdesk.bulk.reader import FileRefused, read
from icpdesk.bulk.workbooks import template
from tests.bulk.conftest import HEADERS, csv_bytes, open_xlsx, xlsx
from tests.factories import make_uscc


def refusal(data: bytes, name: str = "clients.xlsx") -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        parse(read(data, name))
    return caught.value


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"").code == "empty"


def test_a_file_over_the_upload_limit_is_refused(settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 1000
    refused = refusal(b"x" * 1001, "big.csv")
    assert refused.code == "too_large"
    assert "上限" in refused.message("zh-hans") and "upload limit" in refused.message("en")


def test_a_picture_is_not_a_spreadsheet() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    assert refusal(png, "scan.png").code == "not_spreadsheet"


def test_a_zip_that_is_no_workbook_is_not_a_spreadsheet() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refusal(out.getvalue()).code == "not_spreadsheet"


def test_an_encrypted_workbook_is_refused() -> None:
    # An encrypted .xlsx is an OLE compound file holding EncryptionInfo and EncryptedPackage streams.
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 64
    )
    refused = refusal(ole)
    assert refused.code == "encrypted"
    assert "密码" in refused.message("zh-hans")


def test_an_old_xls_workbook_is_refused_with_what_to_do() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
    assert refusal(ole, "old.xls").code == "legacy_xls"


def test_a_macro_enabled_workbook_is_refused_by_name_and_by_content() -> None:
    assert refusal(xlsx([]), "clients.xlsm").code == "macro"
    source = xlsx([[make_uscc(), "兰州宏有限公司"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("xl/vbaProject.bin", b"\x00" * 100)
    assert refusal(out.getvalue()).code == "macro"


def test_a_zip_bomb_is_refused_from_its_directory_before_it_is_opened() -> None:
    source = xlsx([[make_uscc(), "兰州炸弹有限公司"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("xl/media/padding.bin", b"\x00" * (20 * 1024 * 1024))  # 20 MB that packs to ~20 KB
    refused = refusal(out.getvalue())
    assert refused.code == "zip_bomb"


def test_a_workbook_with_no_rows_is_empty() -> None:
    from openpyxl import Workbook

    book = Workbook()
    out = io.BytesIO()
    book.save(out)
    assert refusal(out.getvalue()).code == "empty"


def test_a_sheet_without_a_header_row_is_refused() -> None:
    data = xlsx([[make_uscc(), "兰州无表头有限公司"]], headers=["91620100MA7ABC2D19", "某公司"])
    refused = refusal(data)
    assert refused.code == "no_header"
    assert "表头" in refused.message("zh-hans") or "列名" in refused.message("zh-hans")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_csv_in_every_encoding_excel_uses_in_china(encoding: str) -> None:
    code = make_uscc()
    data = csv_bytes(
        [[code, "兰州编码测试有限公司", "有限责任公司", "甘肃省", "兰州市", "2023/5/10", "100万"]],
        encoding=encoding,
    )
    parsed = parse(read(data, "clients.csv"))
    assert parsed.errors == []
    [client] = parsed.clients
    assert client.uscc == code
    assert client.values["name"] == "兰州编码测试有限公司"
    assert client.values["registered_capital_cny"] == 1_000_000


def test_csv_with_semicolons_is_read_too() -> None:
    code = make_uscc()
    text = f"统一社会信用代码;企业名称\r\n{code};兰州分号有限公司\r\n"
    [client] = parse(read(text.encode("gbk"), "c.csv")).clients
    assert client.values["name"] == "兰州分号有限公司"


def test_a_csv_error_names_the_excel_row() -> None:
    data = csv_bytes(
        [
            [make_uscc(), "兰州一", None, None, None, None, None],
            [make_uscc(), "兰州二", None, None, None, "不是日期", None],
        ]
    )
    errors = parse(read(data, "c.csv")).errors
    assert [(e.row, e.column, e.field) for e in errors] == [(3, "成立日期", "enterprise.registered_on")]


def test_the_template_has_its_sheets_headers_comments_and_drop_downs() -> None:
    book = open_xlsx(template())
    assert book.sheetnames[:3] == ["企业", "安全管理人员", "说明"]
    ws = book["企业"]
    headers = [c.value for c in ws[1]]
    assert headers == [c.label + ("*" if c.required else "") for c in ENTERPRISE_COLUMNS]
    assert headers[0] == "统一社会信用代码*"
    assert ws["A1"].comment is not None and "enterprise.uscc" in ws["A1"].comment.text
    assert "100万" in ws.cell(row=1, column=HEADERS.index("注册资本（元）") + 1).comment.text
    validations = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    legal = validations["C2:C20001"]
    assert legal.type == "list"
    lists = book["选项"]
    column = legal.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    values = [c.value for c in lists[column] if c.value]
    assert "有限责任公司" in values and "个体工商户" in values
    province = validations["D2:D20001"]
    column = province.formula1.split("!")[1].replace("$", "")[0]
    assert "甘肃省" in [c.value for c in lists[column] if c.value]
    staff = [c.value for c in book["安全管理人员"][1]]
    assert staff == [c.label + ("*" if c.required else "") for c in STAFF_COLUMNS]
    notes = [row[2] for row in book["说明"].iter_rows(values_only=True)]
    assert "website.server_regions" in notes and "security_staff[].insured_months" in notes


def test_the_template_read_back_is_a_valid_empty_import() -> None:
    parsed = parse(read(template(), "template.xlsx"))
    assert parsed.errors == [] and parsed.clients == [] and parsed.ignored == []
