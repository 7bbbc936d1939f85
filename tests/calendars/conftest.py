"""Fixtures for the calendar app: a fresh calendar cache per test, and a 2027 schedule file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from icpdesk.calendars import services

SCHEDULE_2027 = {
    "format": "icpdesk-holiday-schedule",
    "version": 1,
    "schedules": [
        {
            "year": 2027,
            "official": True,
            "source": "测试用 2027 年节假日安排",
            "holidays": [
                {"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
                {"name": "端午节", "date": "2027-06-09"},
            ],
            "workdays": [{"name": "元旦", "dates": ["2027-01-09"]}],
        }
    ],
}


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    services.clear_cache()
    yield
    services.clear_cache()


@pytest.fixture
def schedule_2027_file(tmp_path: Path) -> Path:
    path = tmp_path / "schedule-2027.json"
    path.write_text(json.dumps(SCHEDULE_2027, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
