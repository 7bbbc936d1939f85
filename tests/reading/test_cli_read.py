"""``icpdesk read FILE --material KIND``: the reading as JSON or text, exit 0; the reason and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from icpdesk.cli import main
from tests.reading import corpus


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["read", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_it_prints_the_reading_as_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, license_pdf: bytes
) -> None:
    path = tmp_path / "license.pdf"
    path.write_bytes(license_pdf)
    code, out, _ = _run(capsys, str(path), "--material", "business_license", "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert set(payload) == {"material", "pages", "fields", "qr", "text", "flags"}
    expected = corpus.business_license(0).expected
    assert payload["material"] == "business_license"
    assert payload["pages"] == 1
    assert payload["fields"]["uscc"] == {"value": expected["uscc"], "confidence": 1.0, "page": 1}
    assert payload["fields"]["registered_capital_cny"]["value"] == 1_000_000
    assert payload["fields"]["registered_on"]["value"] == "2023-05-10"
    assert payload["fields"]["company_name"]["value"] == expected["company_name"]
    assert "营业执照" in payload["text"]
    assert payload["flags"] == []


def test_it_prints_fields_and_text_for_people(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, license_pdf: bytes
) -> None:
    path = tmp_path / "license.pdf"
    path.write_bytes(license_pdf)
    code, out, _ = _run(capsys, str(path), "--material", "business_license", "--lang", "en")
    assert code == 0
    assert "registered_capital_cny: 1000000  (1.00, p.1)" in out
    assert "pages: 1/1" in out


def test_identity_numbers_are_masked_in_what_it_prints(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = corpus.id_card(0, "legal_rep_id")
    path = tmp_path / "id.pdf"
    path.write_bytes(corpus.text_pdf(doc))
    code, out, _ = _run(capsys, str(path), "--material", "legal_rep_id", "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["fields"]["id_number"]["value"] == doc.expected["id_number"]
    assert "*" * 8 in payload["text"]
    assert corpus.plain_id_numbers(out) == []


def test_another_material_gives_its_text(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, license_pdf: bytes
) -> None:
    path = tmp_path / "articles.pdf"
    path.write_bytes(license_pdf)
    code, out, _ = _run(capsys, str(path), "--material", "articles", "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["fields"] == {}
    assert "统一社会信用代码" in payload["text"]


def test_a_file_it_cannot_read_exits_2_with_the_reason(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7 not really")
    code, out, err = _run(capsys, str(path), "--material", "business_license")
    assert code == 2
    assert err.strip() == "PDF 文件已损坏，无法读取。"
    code, out, err = _run(
        capsys, str(path), "--material", "business_license", "--format", "json", "--lang", "en"
    )
    assert code == 2
    assert json.loads(out) == {
        "read": False,
        "code": "broken",
        "reason": "The PDF file is broken and cannot be read.",
    }


def test_a_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, str(tmp_path / "nope.pdf"), "--material", "business_license")
    assert code == 2
    assert "无法打开文件" in err


def test_an_unknown_material_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["read", str(tmp_path / "x.pdf"), "--material", "no_such_thing"])
    assert caught.value.code == 2
    assert "no_such_thing" in capsys.readouterr().err
