"""``icpdesk check KIND VALUE``: the normalised value and exit 0, or the reason and exit 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from icpdesk.cli import main

GANSU_USCC = "91620100MA71ABCD0Q"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("kind", "value", "normalised"),
    [
        ("uscc", "9162 0100 ma71 abcd 0q", GANSU_USCC),
        ("id-number", "62010219900101123 3", "620102199001011233"),
        ("bank-card", "6228 4800 1234 5671", "6228480012345671"),
        ("mobile", "+86 138-0013-8000", "13800138000"),
        ("domain", "https://shop.gansu-ec.com/x", "shop.gansu-ec.com"),
        ("icp-filing", "甘ICP备2023001234号－1", "甘ICP备2023001234号-1"),
        ("license-number", "甘b2-20240001", "甘B2-20240001"),
    ],
)
def test_it_prints_the_normalised_value_first(
    capsys: pytest.CaptureFixture[str], kind: str, value: str, normalised: str
) -> None:
    code, out, err = run(capsys, kind, value)
    assert code == 0
    assert out.splitlines()[0] == normalised
    assert err == ""


def test_it_prints_the_registrable_domain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "domain", "shop.gansu-ec.com")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "shop.gansu-ec.com"
    assert "registrable: gansu-ec.com" in lines
    _, out, _ = run(capsys, "domain", "shop.gansu-ec.com.cn")
    assert "registrable: gansu-ec.com.cn" in out.splitlines()


def test_it_shows_the_unicode_form_of_a_chinese_domain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "domain", "陇货.中国")
    assert code == 0
    assert out.splitlines()[0] == "xn--1n3ar3p.xn--fiqs8s"
    assert "unicode: 陇货.中国" in out.splitlines()


def test_it_gives_the_reason_in_chinese_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "uscc", "91620100MA71ABCD0R")
    assert code == 1
    assert out == ""
    assert err.strip() == "统一社会信用代码第 18 位校验码应为“Q”，实际为“R”"


def test_it_gives_the_reason_in_english_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "uscc", "91620100MA71ABCD0R", "--lang", "en")
    assert code == 1
    assert out == ""
    assert err.strip() == "unified social credit code: check character (position 18) should be 'Q', got 'R'"
    code, _, err = run(capsys, "mobile", "12800138000", "--lang", "zh-Hans")
    assert code == 1
    assert "应以 13–19 开头" in err


def test_it_names_the_place_of_an_id_number_with_a_retired_address_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "id-number", "62210119700101123x")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "62210119700101123X"
    assert "region_name: 甘肃省玉门市" in lines
    assert "birth_date: 1970-01-01" in lines


def test_it_refuses_an_id_number_whose_address_code_was_never_assigned(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "id-number", "629999199001011234")
    assert (code, out) == (1, "")
    assert err.strip() == "居民身份证号码前 6 位地址码“629999”不是任何时期的县级行政区划代码"
    code, out, _ = run(capsys, "id-number", "629999199001011234", "--format", "json", "--lang", "en")
    assert code == 1
    assert json.loads(out) == {
        "valid": False,
        "kind": "id-number",
        "code": "region",
        "reason": "resident identity number: region code '629999' (positions 1-6) has never been an "
        "administrative division code",
    }


def test_it_refuses_a_uscc_category_never_assigned(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "uscc", "94620100MA71ABCD0F", "--lang", "en")
    assert code == 1
    assert err.strip() == (
        "unified social credit code: position 2 (category) '4' is not assigned under registration "
        "authority '9'; it should be 1, 2, 3"
    )


def test_it_shows_the_authority_and_category_of_a_uscc(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "uscc", "N2620102MA71ABCD05")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "N2620102MA71ABCD05"
    assert "registration_authority_name: 农业" in lines
    assert "org_type_name: 村级集体经济组织" in lines


def test_json_for_a_valid_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "domain", "shop.gansu-ec.com", "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["valid"] is True
    assert payload["kind"] == "domain"
    assert payload["value"] == "shop.gansu-ec.com"
    assert payload["details"]["registrable"] == "gansu-ec.com"
    assert payload["details"]["suffix"] == "com"


def test_json_details_of_a_uscc(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "uscc", GANSU_USCC, "--format", "json")
    details = json.loads(out)["details"]
    assert details["division_code"] == "620100"
    assert details["province"] == "甘肃省"
    assert details["in_gansu"] is True


def test_json_for_an_invalid_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "icp-filing", "甘ICP备202300123号", "--format", "json", "--lang", "en")
    assert code == 1
    payload = json.loads(out)
    assert payload == {
        "valid": False,
        "kind": "icp-filing",
        "code": "length",
        "reason": payload["reason"],
    }
    assert "8 or 10 digits" in payload["reason"]


def test_an_unknown_kind_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "passport", "E12345678"])
    assert exit_info.value.code == 2


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for kind in ("uscc", "id-number", "bank-card", "mobile", "domain", "icp-filing", "license-number"):
        assert kind in out


def test_the_installed_command() -> None:
    command = Path(sys.executable).parent / "icpdesk"
    result = subprocess.run(
        [str(command), "check", "uscc", "9162-0100-MA71-ABCD-0Q"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == GANSU_USCC
    result = subprocess.run(
        [str(command), "check", "uscc", "91620100MA71ABCD0R"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "应为“Q”" in result.stderr
