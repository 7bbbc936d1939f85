"""Loading holiday schedules (the command line or an administrator) keeps one record per year."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from icpdesk.calendars.models import HolidaySchedule
from icpdesk.calendars.services import load_schedules
from icpdesk.changes.models import ChangeRecord
from icpdesk.cli import main
from icpdesk.core.workdays import YearSchedule
from icpdesk.lib.errors import Forbidden
from tests.calendars.conftest import SCHEDULE_2027
from tests.changes.conftest import only_record
from tests.factories import Personas

pytestmark = pytest.mark.django_db

HOLIDAYS_2027 = {
    "2027-01-01": "元旦",
    "2027-01-02": "元旦",
    "2027-01-03": "元旦",
    "2027-06-09": "端午节",
}


@pytest.fixture
def schedule_file(tmp_path: Path) -> Path:
    path = tmp_path / "schedule-2027.json"
    path.write_text(json.dumps(SCHEDULE_2027, ensure_ascii=False), encoding="utf-8")
    return path


def test_calendar_load_on_the_command_line_is_recorded_as_the_system(
    capsys: pytest.CaptureFixture[str], schedule_file: Path
) -> None:
    assert main(["calendar", "load", str(schedule_file), "--by", "admin"]) == 0
    assert "loaded: 2027" in capsys.readouterr().out
    row = HolidaySchedule.objects.get(year=2027)
    record = only_record("calendar.load")
    assert record.actor is None and record.actor_name == "system"
    assert record.request_id == ""
    assert (record.object_id, record.object_label) == (row.pk, "2027")
    assert record.before == {}
    assert record.after == {
        "official": True,
        "source": "测试用 2027 年节假日安排",
        "holidays": HOLIDAYS_2027,
        "workdays": {"2027-01-09": "元旦"},
        "loaded_by": "cli:admin",
    }


def test_loading_a_year_again_records_what_it_replaced(personas: Personas) -> None:
    load_schedules([YearSchedule(2027, {}, {}, official=False, source="草案")], loaded_by="first")
    load_schedules(
        [YearSchedule(2027, {}, {}, official=True, source="国办发明电〔2026〕1号")],
        loaded_by="admin:gsadmin",
        actor=personas.regulator_admin,
    )
    record = ChangeRecord.objects.filter(action="calendar.load").order_by("-id").first()
    assert record is not None and record.actor == personas.regulator_admin
    assert record.before == {"official": False, "source": "草案", "loaded_by": "first"}
    assert record.after == {"official": True, "source": "国办发明电〔2026〕1号", "loaded_by": "admin:gsadmin"}


@pytest.mark.parametrize("who", ["consultant", "reviewer", "applicant"])
def test_only_an_administrator_may_load_and_a_refusal_writes_nothing(personas: Personas, who: str) -> None:
    with pytest.raises(Forbidden) as refused:
        load_schedules(
            [YearSchedule(2027, {}, {}, official=True, source="x")],
            loaded_by=who,
            actor=getattr(personas, who),
        )
    assert refused.value.message_zh == "只有管理局管理员可以导入节假日安排。"
    assert not HolidaySchedule.objects.exists()
    assert not ChangeRecord.objects.exists()
