"""``icpdesk assess``: single profiles, batches, formats and exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from icpdesk.cli import main
from icpdesk.commands.assess import run_batch
from icpdesk.core.rules import load_pack

FIXTURES = Path(__file__).parent / "fixtures" / "profiles"
GOOD = str(FIXTURES / "good.json")


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", GOOD, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == "eligible" and out["rule_pack"] == "gansu"
    assert out["assessed_on"] == "2026-11-30"
    assert out["license_types"][0]["code"] == "B25"


def test_on_overrides_the_profile(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", GOOD, "--format", "json", "--on", "2024-05-09"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["assessed_on"] == "2024-05-09"
    assert out["verdict"] == "not_eligible"
    age = next(c for c in out["checks"] if c["id"] == "entity.age")
    assert age["status"] == "fail"


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(FIXTURES / "marketplace_finance.json")]) == 0
    out = capsys.readouterr().out
    assert "✘ site.server_location" in out and "✔ entity.uscc" in out
    assert "不符合条件" in out and "B21" in out and "整改" in out


def test_text_output_in_english_with_unknowns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(FIXTURES / "incomplete.json"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "? entity.uscc" in out and "Verdict: incomplete" in out


def test_the_national_pack(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", GOOD, "--rules", "national", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["rule_pack"] == "national"


def test_fail_on_ineligible(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(FIXTURES / "bad_values.json"), "--fail-on-ineligible"]) == 1
    assert main(["assess", str(FIXTURES / "bad_values.json")]) == 0
    assert main(["assess", GOOD, "--fail-on-ineligible"]) == 0


@pytest.mark.parametrize(
    ("fixture", "field"),
    [
        ("malformed_missing_name", "enterprise.name"),
        ("malformed_staff_months", "security_staff[0].insured_months"),
        ("malformed_violation_date", "history.violations[0].date"),
        ("malformed_unknown_field", "enterprise.regstered_on"),
        ("malformed_not_object", "$"),
    ],
)
def test_a_malformed_profile_exits_2_naming_the_field(
    fixture: str, field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(FIXTURES / f"{fixture}.json"), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert field in captured.err
    assert json.loads(captured.out)["error"]["field"] == field


def test_not_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.json"
    path.write_text("{not json", encoding="utf-8")
    assert main(["assess", str(path)]) == 2
    assert "JSON" in capsys.readouterr().err


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(tmp_path / "none.json")]) == 2


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["assess"], ["assess", GOOD, "--on", "30/11/2026"], ["assess", GOOD, "--rules", "mars"]):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2


def jsonl(*names: str) -> str:
    return "".join(
        json.dumps(json.loads((FIXTURES / f"{n}.json").read_text(encoding="utf-8")), ensure_ascii=False)
        + "\n"
        for n in names
    )


def test_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(jsonl("good", "marketplace_finance", "incomplete"), encoding="utf-8")
    assert main(["assess", "--batch", str(path), "--on", "2026-11-30"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["verdict"] for line in lines] == ["eligible", "not_eligible", "incomplete"]


def test_batch_with_malformed_lines_exits_2_at_the_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(jsonl("good") + "{oops\n\n" + jsonl("malformed_staff_months", "good"), encoding="utf-8")
    assert main(["assess", "--batch", str(path)]) == 2
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 4
    assert lines[0]["verdict"] == "eligible" and lines[3]["verdict"] == "eligible"
    assert lines[1] == {"line": 2, "error": {"field": "$", "message": lines[1]["error"]["message"]}}
    assert lines[2]["line"] == 4
    assert lines[2]["error"]["field"] == "security_staff[0].insured_months"


def test_batch_takes_bytes_as_they_come(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Blank and whitespace-only lines are skipped, CRLF endings are fine, and a
    line that is not UTF-8 is refused by its line number and first bad byte."""
    good = jsonl("good").strip().encode()
    path = tmp_path / "p.jsonl"
    path.write_bytes(b"\n  \t\n" + good + b"\r\n" + b'{"enterprise": {"name": "\xff"}}\n' + good)
    assert main(["assess", "--batch", str(path), "--lang", "en", "--on", "2026-11-30"]) == 2
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line.get("verdict") for line in lines] == ["eligible", None, "eligible"]
    assert lines[1] == {
        "line": 4,
        "error": {"field": "$", "message": "not valid UTF-8: byte 26 (0xff) cannot be decoded"},
    }


def test_run_batch_in_process() -> None:
    out = io.BytesIO()
    counts = run_batch(
        io.StringIO(jsonl("good", "bad_values") + "[]\n"), out.write, load_pack("gansu"), lang="en"
    )
    assert counts == (2, 1, 1)
    lines = out.getvalue().decode().splitlines()
    assert len(lines) == 3
    assert json.loads(lines[2])["error"]["message"] == "expected object, got array"


def test_batch_from_stdin_through_the_installed_command() -> None:
    command = Path(sys.executable).parent / "icpdesk"
    done = subprocess.run(
        [str(command), "assess", "--batch", "-", "--lang", "en"],
        input=jsonl("good", "malformed_missing_name"),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines[0]["verdict"] == "eligible"
    assert lines[1] == {
        "line": 2,
        "error": {"field": "enterprise.name", "message": "required field is missing"},
    }
    assert "django" not in done.stderr.lower()


def test_assess_does_not_import_django() -> None:
    code = (
        "import sys; from icpdesk.commands import assess; from icpdesk.core import rules; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
