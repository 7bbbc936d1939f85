"""Workbooks the desk writes: the client template, the error workbook, and any table as .xlsx or .csv."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.comments import Comment  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from icpdesk.bulk.columns import (
    ENTERPRISE_COLUMNS,
    ENTERPRISE_SHEET,
    NOTES_SHEET,
    STAFF_COLUMNS,
    STAFF_SHEET,
    Column,
)
from icpdesk.bulk.importer import RowError
from icpdesk.bulk.reader import Workbook as ReadBook

RED = PatternFill("solid", fgColor="FFC7CE")
RED_FONT = Font(color="9C0006")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
LISTS_SHEET = "选项"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def _header_row(ws: Any, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.label + ("*" if column.required else ""))
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.comment = Comment(f"{column.key}\n{column.note}", "icpdesk", width=260, height=110)
        ws.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(column.label) * 2 + 4))
    ws.freeze_panes = "A2"


def _drop_downs(ws: Any, lists: Any, columns: Sequence[Column], used: dict[tuple[str, ...], str]) -> None:
    for index, column in enumerate(columns, start=1):
        if not column.choices:
            continue
        ref = used.get(column.choices)
        if ref is None:
            col = len(used) + 1
            letter = get_column_letter(col)
            for row, value in enumerate(column.choices, start=1):
                lists.cell(row=row, column=col, value=value)
            ref = used[column.choices] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(column.choices)}"
        # Prefecture names are a suggestion (another province's city is allowed); the rest are fixed.
        strict = column.key != "enterprise.city"
        validation = DataValidation(
            type="list",
            formula1=ref,
            allow_blank=True,
            showErrorMessage=strict,
            errorTitle="icpdesk",
            error="请从下拉列表中选择。",
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}20001")
        ws.add_data_validation(validation)


def template() -> bytes:
    """The client template: sheets 企业 and 安全管理人员 with commented headers and drop-downs, and 说明."""
    book = Workbook()
    enterprises = book.active
    enterprises.title = ENTERPRISE_SHEET
    staff = book.create_sheet(STAFF_SHEET)
    notes = book.create_sheet(NOTES_SHEET)
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    used: dict[tuple[str, ...], str] = {}
    for ws, columns in ((enterprises, ENTERPRISE_COLUMNS), (staff, STAFF_COLUMNS)):
        _header_row(ws, columns)
        _drop_downs(ws, lists, columns, used)
    for ws in (enterprises, staff):
        ws.column_dimensions["A"].width = 22
    notes.append(["工作表", "列名", "字段名", "说明"])
    for cell in notes[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for sheet, columns in ((ENTERPRISE_SHEET, ENTERPRISE_COLUMNS), (STAFF_SHEET, STAFF_COLUMNS)):
        for column in columns:
            notes.append([sheet, column.label + ("*" if column.required else ""), column.key, column.note])
    notes.append([])
    for line in (
        "每家客户企业一行，以统一社会信用代码匹配：已在本机构名下的客户逐项更新（有变更记录），新的代码新建客户。",
        "空白单元格表示不修改已登记的值。",
        "安全管理人员表每人一行：某企业在此表中有行时，其安全管理人员以此表为准整体替换。",
        "已有自己账户或属于其他代办机构的企业不会被接管：该行报错，请由企业自行授予委托。",
        "默认全部导入或全部不导入：任何一行有错误时不导入任何数据，并返回标注了错误单元格的工作簿。",
    ):
        notes.append([line])
    for letter, width in zip("ABCD", (14, 24, 40, 80), strict=True):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _comment_text(errors: list[RowError], lang: str) -> str:
    return "\n".join(f"{e.field}: {e.message(lang)}" for e in errors)


def error_workbook(data: bytes, book: ReadBook, errors: list[RowError], lang: str = "zh-hans") -> bytes:
    """The uploaded workbook with the faulty cells filled red and commented; a CSV comes back as .xlsx."""
    by_cell: dict[tuple[str, int, str], list[RowError]] = {}
    for error in errors:
        by_cell.setdefault((error.sheet, error.row, error.column), []).append(error)
    if book.kind == "xlsx":
        try:
            workbook = load_workbook(io.BytesIO(data))
        except Exception:
            workbook = None
    else:
        workbook = None
    if workbook is None:
        workbook = Workbook()
        first = True
        for sheet in book.sheets.values():
            ws = workbook.active if first else workbook.create_sheet(sheet.name)
            if first:
                ws.title = sheet.name
                first = False
            for _ in range(max(sheet.header_row - 1, 0)):
                ws.append([])
            ws.append(sheet.headers)
            last = sheet.header_row
            for number, cells in sheet.rows:
                for _ in range(number - last - 1):
                    ws.append([])
                ws.append(list(cells))
                last = number
    headers: dict[str, dict[str, int]] = {}
    for name, sheet in book.sheets.items():
        headers[name] = {h: i + 1 for i, h in enumerate(sheet.headers) if h}
    rows_with_errors: dict[tuple[str, int], list[RowError]] = {}
    for (sheet_name, row, column), found in by_cell.items():
        if sheet_name not in workbook.sheetnames or row < 1:
            continue
        ws = workbook[sheet_name]
        index = headers.get(sheet_name, {}).get(column)
        rows_with_errors.setdefault((sheet_name, row), []).extend(found)
        if index is None:
            continue
        cell = ws.cell(row=row, column=index)
        cell.fill = RED
        cell.font = RED_FONT
        cell.comment = Comment(_comment_text(found, lang), "icpdesk", width=300, height=120)
    for (sheet_name, row), found in rows_with_errors.items():
        ws = workbook[sheet_name]
        book_sheet = book.sheets.get(sheet_name)
        width: int = len(book_sheet.headers) if book_sheet else int(ws.max_column)
        note_column = width + 1
        if book_sheet is not None:
            head = ws.cell(
                row=book_sheet.header_row or 1, column=note_column, value="错误" if lang != "en" else "Errors"
            )
            head.font = BOLD
            head.fill = RED
        note = ws.cell(row=row, column=note_column, value=_comment_text(found, lang))
        note.font = RED_FONT
        note.alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class Red:
    """A cell value to show in red (a failure) in .xlsx; plain in .csv."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Red) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Red({self.value!r})"


def plain(value: Any) -> Any:
    return value.value if isinstance(value, Red) else value


def table_xlsx(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, notes: dict[int, str] | None = None
) -> bytes:
    """One sheet: a bold header (``notes`` as header comments) and the rows; :class:`Red` cells in red."""
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    ws = book.create_sheet(title[:31])
    ws.freeze_panes = "A2"
    head = []
    for index, text in enumerate(headers):
        cell = WriteOnlyCell(ws, value=text)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        if notes and index in notes:
            cell.comment = Comment(notes[index], "icpdesk", width=300, height=100)
        head.append(cell)
    ws.append(head)
    for row in rows:
        cells: list[Any] = []
        for value in row:
            if isinstance(value, Red):
                cell = WriteOnlyCell(ws, value=value.value)
                cell.fill = RED
                cell.font = RED_FONT
                cells.append(cell)
            else:
                cells.append(value)
        ws.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM, so that Excel in China opens it with the right characters."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if plain(v) is None else plain(v) for v in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
