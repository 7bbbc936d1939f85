"""Workbooks and CSV files built in memory, as agencies fill them in."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

HEADERS = ["统一社会信用代码", "企业名称", "企业类型", "注册省份", "所在市州", "成立日期", "注册资本（元）"]


def xlsx(
    rows: Sequence[Sequence[Any]],
    headers: Sequence[str] = HEADERS,
    staff: Sequence[Sequence[Any]] | None = None,
    staff_headers: Sequence[str] | None = None,
    sheet: str = "企业",
) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    if staff is not None:
        st = book.create_sheet("安全管理人员")
        st.append(
            list(
                staff_headers
                or [
                    "统一社会信用代码",
                    "姓名",
                    "身份证号",
                    "专业背景",
                    "证书",
                    "全职",
                    "社保缴纳省份",
                    "社保缴纳月数",
                ]
            )
        )
        for row in staff:
            st.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS, encoding: str = "utf-8-sig"
) -> bytes:
    lines = [",".join(headers)] + [",".join("" if v is None else str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def open_xlsx(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


@pytest.fixture(autouse=True)
def media_and_tasks(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
