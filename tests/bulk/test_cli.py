"""``icpdesk import``, ``icpdesk export`` and ``icpdesk assess --agency``: output, files and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from icpdesk.cli import main
from icpdesk.enterprises.models import EligibilityAssessment, Enterprise
from tests.bulk.conftest import csv_bytes, open_xlsx, xlsx
from tests.factories import Personas, make_uscc

pytestmark = pytest.mark.django_db


def test_import_prints_the_counts_and_exits_0(
    personas: Personas, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clients.xlsx"
    code = make_uscc()
    path.write_bytes(xlsx([[code, "兰州命令行有限公司", None, None, None, "2023-05-10", "100万"]]))
    assert (
        main(["import", "enterprises", str(path), "--agency", personas.agency.name, "--format", "json"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("created", "updated", "unchanged", "skipped", "errors")} == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "errors": [],
    }
    assert Enterprise.objects.get(uscc=code).mandates.get().agency == personas.agency
    assert (
        main(["import", "enterprises", str(path), "--agency", str(personas.agency.pk), "--format", "json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["unchanged"] == 1


def test_import_with_errors_exits_1_and_imports_nothing(
    personas: Personas, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clients.csv"
    good = make_uscc()
    path.write_bytes(
        csv_bytes(
            [
                [good, "兰州好", None, None, None, None, None],
                [make_uscc(), "兰州坏", None, None, None, "2023-13-01", None],
            ],
            encoding="gbk",
        )
    )
    assert (
        main(
            [
                "import",
                "enterprises",
                str(path),
                "--agency",
                personas.agency.name,
                "--format",
                "json",
                "--lang",
                "en",
            ]
        )
        == 1
    )
    out = json.loads(capsys.readouterr().out)
    assert out["created"] == 0
    assert out["errors"] == [
        {
            "sheet": "企业",
            "row": 3,
            "column": "成立日期",
            "field": "enterprise.registered_on",
            "message": "no such date: 2023-13-01",
        }
    ]
    assert not Enterprise.objects.filter(uscc=good).exists()
    assert (
        main(
            [
                "import",
                "enterprises",
                str(path),
                "--agency",
                personas.agency.name,
                "--skip-invalid",
                "--errors-out",
                str(tmp_path / "e.xlsx"),
            ]
        )
        == 1
    )
    text = capsys.readouterr().out
    assert "已导入" in text and "第 3 行" in text and "enterprise.registered_on" in text
    assert Enterprise.objects.filter(uscc=good).exists()
    assert open_xlsx((tmp_path / "e.xlsx").read_bytes())["企业"]["F3"].comment is not None


def test_import_dry_run_writes_nothing(
    personas: Personas, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clients.xlsx"
    code = make_uscc()
    path.write_bytes(xlsx([[code, "兰州试运行有限公司"]], ["统一社会信用代码", "企业名称"]))
    assert main(["import", "enterprises", str(path), "--agency", personas.agency.name, "--dry-run"]) == 0
    assert "试运行" in capsys.readouterr().out
    assert not Enterprise.objects.filter(uscc=code).exists()


def test_an_unreadable_file_exits_2(
    personas: Personas, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clients.xlsm"
    path.write_bytes(xlsx([]))
    assert (
        main(["import", "enterprises", str(path), "--agency", personas.agency.name, "--format", "json"]) == 2
    )
    assert json.loads(capsys.readouterr().out)["refused"]["code"] == "macro"
    assert (
        main(["import", "enterprises", str(tmp_path / "missing.xlsx"), "--agency", personas.agency.name]) == 2
    )
    assert main(["import", "enterprises", str(path), "--agency", "没有这个机构"]) == 2
    assert "没有名为" in capsys.readouterr().err


def test_export_template(tmp_path: Path, db: None) -> None:
    out = tmp_path / "template.xlsx"
    assert main(["export", "template", "enterprises", str(out)]) == 0
    assert open_xlsx(out.read_bytes()).sheetnames[:3] == ["企业", "安全管理人员", "说明"]


@pytest.mark.parametrize("kind", ["cases", "enterprises", "licenses", "duties", "assessments"])
def test_export_every_list_as_xlsx_and_csv(kind: str, personas: Personas, tmp_path: Path) -> None:
    out = tmp_path / f"{kind}.xlsx"
    assert main(["export", kind, "--agency", personas.agency.name, "-o", str(out)]) == 0
    ws = open_xlsx(out.read_bytes()).active
    assert ws.max_row >= 1 and ws["A1"].value
    csv_out = tmp_path / f"{kind}.csv"
    assert main(["export", kind, "-o", str(csv_out)]) == 0
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_enterprises_of_an_agency_holds_only_its_clients(personas: Personas, tmp_path: Path) -> None:
    out = tmp_path / "e.csv"
    assert main(["export", "enterprises", "--agency", personas.agency.name, "-o", str(out)]) == 0
    text = out.read_bytes().decode("utf-8-sig")
    assert personas.enterprise.uscc in text and personas.other_enterprise.uscc not in text


def test_assess_agency_assesses_the_whole_book(
    personas: Personas, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", "--agency", personas.agency.name, "--on", "2026-12-01", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 1 and out["verdicts"] == {"eligible": 1}
    kept = EligibilityAssessment.objects.get(enterprise=personas.enterprise)
    assert kept.verdict == "eligible" and kept.assessed_on.isoformat() == "2026-12-01"
    assert not EligibilityAssessment.objects.filter(enterprise=personas.other_enterprise).exists()
