"""``icpdesk calendar``: add, between, show, load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from icpdesk.calendars.models import HolidaySchedule
from icpdesk.cli import main

VENV_BIN = Path(sys.executable).parent
ICPDESK = VENV_BIN / "icpdesk"
PROJECT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["calendar", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as info:
        main(["calendar", *argv])
    assert info.value.code == 2
    return capsys.readouterr().err


@pytest.mark.django_db
class TestAdd:
    def test_the_national_day_example(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "add", "2026-09-30", "5") == (0, "2026-10-13\n", "")

    def test_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "add", "2026-09-30", "5", "--format", "json")
        assert code == 0
        assert json.loads(out) == {"date": "2026-10-13", "provisional": False, "years_without_schedule": []}
        assert out == '{"date": "2026-10-13", "provisional": false, "years_without_schedule": []}\n'

    def test_negative_n(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "add", "2026-10-13", "-5")[1] == "2026-09-30\n"

    def test_calendar_days(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "add", "2026-09-30", "5", "--unit", "day")[1] == "2026-10-05\n"
        assert run(capsys, "add", "2026-09-30", "5", "--unit", "day", "--roll-forward")[1] == "2026-10-08\n"

    def test_provisional_warns_on_stderr(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(capsys, "add", "2026-12-28", "9")
        assert code == 0
        # 2027 is estimated: New Year's Day (Friday 1 January) off, no make-up day.
        assert out == "2027-01-11\n"
        assert "2027" in err
        assert "provisional" in err
        assert "警告" in err

    def test_provisional_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        _, out, err = run(capsys, "add", "2026-12-28", "9", "--format", "json")
        assert json.loads(out) == {
            "date": "2027-01-11",
            "provisional": True,
            "years_without_schedule": [2027],
        }
        assert "2027" in err

    def test_strict_flag_refuses(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, err = run(capsys, "add", "2026-12-28", "9", "--strict")
        assert code == 1
        assert out == ""
        assert "No official holiday schedule for 2027" in err
        assert "Traceback" not in err

    def test_strict_setting_refuses(self, capsys: pytest.CaptureFixture[str]) -> None:
        with override_settings(CALENDAR_STRICT=True):
            assert run(capsys, "add", "2026-12-28", "9")[0] == 1
            assert run(capsys, "add", "2026-09-30", "5")[:2] == (0, "2026-10-13\n")

    def test_a_loaded_schedule_changes_the_answer(
        self, capsys: pytest.CaptureFixture[str], schedule_2027_file: Path
    ) -> None:
        assert run(capsys, "load", str(schedule_2027_file))[0] == 0
        code, out, err = run(capsys, "add", "2026-12-28", "9", "--strict", "--format", "json")
        assert (code, err) == (0, "")
        assert json.loads(out) == {"date": "2027-01-09", "provisional": False, "years_without_schedule": []}

    def test_a_date_outside_the_calendar(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(capsys, "add", "1999-12-31", "1")
        assert code == 2
        assert "outside the calendar's range" in err


class TestBadInput:
    @pytest.mark.parametrize("bad", ["2026-13-01", "2026-02-30", "20260930", "tomorrow", "2026-9-30"])
    def test_a_malformed_date(self, capsys: pytest.CaptureFixture[str], bad: str) -> None:
        err = usage_error(capsys, "add", bad, "5")
        assert "argument DATE" in err
        assert bad in err
        assert "Traceback" not in err

    @pytest.mark.parametrize("bad", ["five", "1.5", ""])
    def test_a_non_integer_n(self, capsys: pytest.CaptureFixture[str], bad: str) -> None:
        assert "argument N" in usage_error(capsys, "add", "2026-09-30", bad)

    def test_between_names_the_argument(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert "argument B" in usage_error(capsys, "between", "2026-09-30", "x")

    def test_show_names_the_argument(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert "argument YEAR" in usage_error(capsys, "show", "twenty")

    def test_an_unknown_unit(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert "--unit" in usage_error(capsys, "add", "2026-09-30", "5", "--unit", "week")

    @pytest.mark.parametrize("action", [[], ["add"], ["between"], ["show"], ["load"]])
    def test_help(self, capsys: pytest.CaptureFixture[str], action: list[str]) -> None:
        with pytest.raises(SystemExit) as info:
            main(["calendar", *action, "--help"])
        assert info.value.code == 0
        assert "usage: icpdesk calendar" in capsys.readouterr().out

    def test_no_action_prints_help(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, _, err = run(capsys)
        assert code == 2
        assert "add" in err


@pytest.mark.django_db
class TestBetween:
    def test_text_and_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert run(capsys, "between", "2026-09-30", "2026-10-13") == (0, "5\n", "")
        _, out, _ = run(capsys, "between", "2026-10-13", "2026-09-30", "--format", "json")
        assert json.loads(out) == {"working_days": -5, "provisional": False, "years_without_schedule": []}

    def test_provisional_and_strict(self, capsys: pytest.CaptureFixture[str]) -> None:
        _, out, err = run(capsys, "between", "2026-12-28", "2027-01-08", "--format", "json")
        assert json.loads(out) == {"working_days": 8, "provisional": True, "years_without_schedule": [2027]}
        assert "2027" in err
        assert run(capsys, "between", "2026-12-28", "2027-01-08", "--strict")[0] == 1


@pytest.mark.django_db
class TestShow:
    def test_an_official_builtin_year(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "show", "2026")
        assert code == 0
        assert "official" in out
        assert "2026-10-01 周四  国庆节" in out
        assert "2026-10-10 周六  国庆节" in out

    def test_a_year_without_schedule(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "show", "2027")
        assert code == 0
        assert "no holiday schedule: estimated" in out
        assert "provisional" in out
        assert "2024年修订" in out
        assert "2027-02-05 周五  春节" in out  # 除夕
        assert "2027-09-15 周三  中秋节" in out
        assert "make-up working days (0)" in out
        data = json.loads(run(capsys, "show", "2027", "--format", "json")[1])
        assert data["has_schedule"] is False
        assert data["estimated"] is True
        assert data["official"] is False
        assert data["provisional"] is True
        assert {"name": "国庆节", "from": "2027-10-01", "to": "2027-10-03"} in data["holidays"]

    def test_an_estimate_can_be_exported_and_loaded_back_as_a_draft(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        data = json.loads(run(capsys, "show", "2027", "--format", "json")[1])
        path = tmp_path / "2027.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        code, out, _ = run(capsys, "load", str(path), "--dry-run")
        assert code == 0
        assert "2027: NOT official, 13 holidays, 0 make-up working days" in out

    def test_a_year_outside_the_calendar(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "show", "2101")
        assert code == 0
        assert "outside the calendar's range 2000..2100" in out

    def test_json_can_be_loaded_back(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        data = json.loads(run(capsys, "show", "2026", "--format", "json")[1])
        assert data["official"] is True
        assert {"name": "国庆节", "from": "2026-10-01", "to": "2026-10-07"} in data["holidays"]
        path = tmp_path / "2026.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        assert run(capsys, "load", str(path), "--dry-run")[0] == 0

    def test_a_loaded_year(self, capsys: pytest.CaptureFixture[str], schedule_2027_file: Path) -> None:
        run(capsys, "load", str(schedule_2027_file))
        out = run(capsys, "show", "2027")[1]
        assert "测试用 2027 年节假日安排" in out
        assert "2027-06-09 周三  端午节" in out


@pytest.mark.django_db
class TestLoad:
    def test_load(self, capsys: pytest.CaptureFixture[str], schedule_2027_file: Path) -> None:
        code, out, _ = run(capsys, "load", str(schedule_2027_file), "--by", "admin")
        assert code == 0
        assert "loaded: 2027" in out
        assert HolidaySchedule.objects.get(year=2027).loaded_by == "cli:admin"

    def test_dry_run_changes_nothing(
        self, capsys: pytest.CaptureFixture[str], schedule_2027_file: Path
    ) -> None:
        code, out, _ = run(capsys, "load", str(schedule_2027_file), "--dry-run")
        assert code == 0
        assert "2027: official, 4 holidays, 1 make-up working days" in out
        assert "dry run" in out
        assert not HolidaySchedule.objects.exists()

    def test_a_malformed_file(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        path = tmp_path / "bad.json"
        path.write_text('{"year": 2027, "workdays": [{"name": "x", "date": "2027-01-06"}]}', encoding="utf-8")
        code, _, err = run(capsys, "load", str(path))
        assert code == 2
        assert "workdays[0].date" in err
        assert "is a weekday" in err
        assert not HolidaySchedule.objects.exists()

    def test_a_missing_file(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        code, _, err = run(capsys, "load", str(tmp_path / "nope.json"))
        assert code == 2
        assert "cannot read" in err


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    env.pop("ICPDESK_CALENDAR_STRICT", None)
    return env


def test_the_installed_command_has_help() -> None:
    result = subprocess.run(
        [str(ICPDESK), "calendar", "add", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "DATE" in result.stdout


def test_the_installed_command_on_a_fresh_database(tmp_path: Path) -> None:
    env = _env(tmp_path)
    migrate = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "migrate", "-v0"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr

    def icpdesk(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(ICPDESK), "calendar", *argv],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    ok = icpdesk("add", "2026-09-30", "5")
    assert (ok.returncode, ok.stdout) == (0, "2026-10-13\n"), ok.stderr
    provisional = icpdesk("add", "2026-12-28", "9", "--format", "json")
    assert json.loads(provisional.stdout)["years_without_schedule"] == [2027]
    assert "2027" in provisional.stderr
    strict = icpdesk("add", "2026-12-28", "9", "--strict")
    assert strict.returncode == 1
    assert "2027" in strict.stderr
    bad = icpdesk("add", "2026-02-30", "5")
    assert bad.returncode == 2
    assert "argument DATE" in bad.stderr
    assert "Traceback" not in bad.stderr
    strict_env = icpdesk("between", "2026-12-28", "2027-01-08")
    assert strict_env.returncode == 0
    env["ICPDESK_CALENDAR_STRICT"] = "1"
    assert icpdesk("between", "2026-12-28", "2027-01-08").returncode == 1


def test_an_unmigrated_database_uses_the_built_in_schedules_and_says_so(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(ICPDESK), "calendar", "add", "2026-09-30", "5"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2026-10-13"
    assert "not migrated" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
class TestSources:
    def test_every_disagreement_is_listed_with_its_settlement(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        code, out, err = run(capsys, "sources")
        assert (code, err) == (0, "")
        assert "built-in data 2004-2026 compared day by day with holidays" in out
        assert "1 处不一致 / disagreement(s), 0 未处理 / unsettled" in out
        assert (
            "2005-12-31 周六: chinesecalendar 休息日 rest day; holidays 工作日 workday; desk 工作日 workday"
            in out
        )
        assert "国办发明电〔2005〕35号" in out

    def test_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, out, _ = run(capsys, "sources", "--format", "json")
        assert code == 0
        data = json.loads(out)
        assert data["years"] == [2004, 2026]
        assert data["disagreements"] == [
            {
                "date": "2005-12-31",
                "builtin": "rest",
                "second_source": "workday",
                "calendar": "workday",
                "settled_by": "correction",
                "notice": "《国务院办公厅关于2006年部分节假日安排的通知》（国办发明电〔2005〕35号）",
                "reason": None,
            }
        ]
