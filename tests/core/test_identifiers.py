"""Identifiers: each kind accepts its canonical and messy forms and refuses with a precise reason."""

from __future__ import annotations

import datetime
import pickle
import subprocess
import sys

import pytest
from stdnum.cn import ric, uscc

from icpdesk.core import identifiers as ids
from icpdesk.core.identifiers import IdentifierError

GANSU_USCC = "91620100MA71ABCD0Q"
GANSU_ID = "620102199001011233"
TODAY = datetime.date(2026, 11, 30)


def refused(func, value, **kwargs) -> IdentifierError:  # type: ignore[no-untyped-def]
    with pytest.raises(IdentifierError) as info:
        func(value, **kwargs)
    return info.value


# --- the error itself -------------------------------------------------------


def test_the_error_is_a_value_error_with_both_languages() -> None:
    error = refused(ids.normalize_uscc, "91110000600037341K")
    assert isinstance(error, ValueError)
    assert error.kind == "uscc"
    assert error.code == "check_character"
    assert error.value == "91110000600037341K"
    assert error.message() == error.message_zh == str(error)
    assert error.message("zh-Hans") == error.message_zh
    assert error.message("en") == error.message_en
    assert "应为“L”" in error.message_zh and "“K”" in error.message_zh
    assert "should be 'L', got 'K'" in error.message_en


def test_the_error_survives_pickling() -> None:
    error = refused(ids.normalize_mobile, "12345")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert (copy.kind, copy.code, copy.value, copy.message_en) == (
        error.kind,
        error.code,
        error.value,
        error.message_en,
    )


@pytest.mark.parametrize(
    ("func", "kind"),
    [
        (ids.normalize_uscc, "uscc"),
        (ids.normalize_id_number, "id_number"),
        (ids.normalize_bank_card, "bank_card"),
        (ids.normalize_mobile, "mobile"),
        (ids.normalize_domain, "domain"),
        (ids.normalize_icp_filing, "icp_filing"),
        (ids.normalize_license_number, "license_number"),
    ],
)
def test_every_kind_refuses_empty_and_non_text(func, kind) -> None:  # type: ignore[no-untyped-def]
    for blank in ("", "   ", "\u3000"):
        error = refused(func, blank)
        assert (error.kind, error.code) == (kind, "empty")
    for wrong in (None, 12345678, b"91110000600037341L"):
        error = refused(func, wrong)
        assert (error.kind, error.code) == (kind, "type")


# --- unified social credit code --------------------------------------------


def test_uscc_is_normalised() -> None:
    assert ids.normalize_uscc("91110000600037341L") == "91110000600037341L"
    assert ids.normalize_uscc(" 9162-0100-ma71abcd0q ") == GANSU_USCC
    assert ids.normalize_uscc("９１６２０１００ＭＡ７１ＡＢＣＤ０Ｑ") == GANSU_USCC


def test_uscc_details_split_the_parts() -> None:
    info = ids.uscc_details(GANSU_USCC)
    assert info.registration_authority == "9"
    assert info.registration_authority_name == "工商"
    assert info.org_type == "1"
    assert info.org_type_name == "企业"
    assert info.division_code == "620100"
    assert info.province == "甘肃省"
    assert info.in_gansu
    assert info.organisation_code == "MA71ABCD0"
    assert info.check_character == "Q"
    assert not ids.uscc_details("91110000600037341L").in_gansu


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("9162010MA71ABCD0Q", "length", "实际为 17 位"),
        ("91620100MA71ABCD0QQ", "length", "实际为 19 位"),
        ("91620100MI71ABCD0Q", "characters", "第 10 位为字母“I”"),
        ("91620100MA71ABCD0O", "characters", "第 18 位为字母“O”"),
        ("91620100MA71AB#D0Q", "characters", "第 15 位字符“#”"),
        ("9162A100MA71ABCD0Q", "region", "第 3–8 位"),
        ("91990100MA71ABCD0Q", "region", "“99”"),
        ("91620100MA71ABCD0R", "check_character", "第 18 位校验码应为“Q”，实际为“R”"),
    ],
)
def test_uscc_refusals_name_the_position(value: str, code: str, fragment: str) -> None:
    error = refused(ids.normalize_uscc, value)
    assert error.code == code
    assert fragment in error.message_zh
    assert error.message_en


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("01620100MA71ABCD0Q", "authority", "第 1 位登记管理部门代码“0”未分配"),
        ("B1620100MA71ABCD0N", "authority", "应为 1–9、A、N 或 Y"),
        (
            "94620100MA71ABCD0F",
            "category",
            "第 2 位机构类别代码“4”在登记管理部门“9”（工商）下未分配：应为 1、2、3",
        ),
        ("Y2620100MA71ABCD03", "category", "应为 1"),
        ("N4620102MA71ABCD05", "category", "应为 1、2、3、9"),
    ],
)
def test_uscc_authority_and_category_must_be_assigned(value: str, code: str, fragment: str) -> None:
    error = refused(ids.normalize_uscc, value)
    assert error.code == code
    assert fragment in error.message_zh
    assert "not assigned" in error.message_en


def test_uscc_with_a_letter_authority_is_accepted_though_stdnum_refuses_it() -> None:
    # GB 32100-2015 assigns A (military), N (agriculture) and Y (other);
    # stdnum.cn.uscc wants digits in positions 1-2.
    for code, authority, category in [
        ("N2620102MA71ABCD05", "农业", "村级集体经济组织"),
        ("A1100000MA0000001F", "中央军委改革和编制办公室", "军队事业单位"),
        ("Y1620100MA71ABCD03", "其他", "其他"),
    ]:
        assert not uscc.is_valid(code)
        info = ids.uscc_details(code)
        assert (info.code, info.registration_authority_name, info.org_type_name) == (
            code,
            authority,
            category,
        )


def test_uscc_names_of_the_later_authorities() -> None:
    info = ids.uscc_details("31620100MA71ABCD0Y")
    assert (info.registration_authority_name, info.org_type_name) == ("司法行政", "律师执业机构")


def test_uscc_registered_nationally_is_accepted() -> None:
    # division 100000: registered by a national authority
    base = "91100000MA0000000"
    weights = [pow(3, i, 31) for i in range(17)]
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    check = alphabet[(31 - sum(alphabet.index(c) * w for c, w in zip(base, weights, strict=True))) % 31]
    assert ids.uscc_details(base + check).province is None


# --- resident identity number ----------------------------------------------


def test_id_number_is_normalised() -> None:
    assert ids.normalize_id_number(GANSU_ID, today=TODAY) == GANSU_ID
    assert ids.normalize_id_number("110105 19491231 002x", today=TODAY) == "11010519491231002X"


def test_id_number_details() -> None:
    info = ids.id_number_details(GANSU_ID, today=TODAY)
    assert info.region_code == "620102"
    assert info.province == "甘肃省"
    assert info.birth_date == datetime.date(1990, 1, 1)
    assert info.sex == "male"
    assert info.check_character == "3"
    assert info.masked == "620102********1233"
    assert ids.id_number_details("620102200002290022", today=TODAY).sex == "female"
    assert ids.id_number_details("620102200002290022", today=TODAY).region_name == "甘肃省城关区"


def test_id_number_born_on_29_february_of_a_leap_year() -> None:
    assert ids.id_number_details("620102200002290022", today=TODAY).birth_date == datetime.date(2000, 2, 29)


def test_id_number_born_today_is_accepted_and_tomorrow_refused() -> None:
    number = "62010220261130001"
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(number, weights, strict=True)) % 11]
    assert ids.normalize_id_number(number + check, today=TODAY) == number + check
    error = refused(ids.normalize_id_number, number + check, today=TODAY - datetime.timedelta(days=1))
    assert error.code == "birth_date"
    assert "2026-11-30" in error.message_zh and "晚于今天" in error.message_zh


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("620102900101123", "length", "15 位"),
        ("62010219900101123", "length", "实际为 17 位"),
        ("6201021990010112A3", "characters", "第 17 位应为数字"),
        ("62010219900101123Y", "characters", "第 18 位校验码应为数字或 X"),
        ("990102199001011233", "region", "“99”"),
        ("620102199002301233", "birth_date", "“19900230”不是有效日期"),
        ("620102187901011233", "birth_date", "早于"),
        ("620102199001011234", "check_character", "第 18 位校验码应为“3”，实际为“4”"),
    ],
)
def test_id_number_refusals_name_the_position(value: str, code: str, fragment: str) -> None:
    error = refused(ids.normalize_id_number, value, today=TODAY)
    assert error.code == code
    assert fragment in error.message_zh


def test_id_number_of_a_current_county_is_accepted() -> None:
    info = ids.id_number_details("620502199001011235", today=TODAY)
    assert (info.region_code, info.region_name) == ("620502", "甘肃省秦州区")


@pytest.mark.parametrize(
    ("number", "place"),
    [
        ("62210119700101123X", "甘肃省玉门市"),  # 酒泉地区's 玉门市, renumbered 620981 in 2002
        ("620824198001011235", "甘肃省华亭县"),  # abolished in 2018 (now 华亭市)
        ("62010219600101123X", "甘肃省城关区"),  # code in use from 1983, holder born in 1960
        ("810000199001011230", "香港特别行政区"),  # Hong Kong residents' residence permit
        ("830000199001011234", "台湾居民居住证"),  # Taiwan residents' residence permit
        ("620201199001011232", "甘肃省嘉峪关市"),  # GB/T 2260 lists it, stdnum's data does not
    ],
)
def test_id_number_with_a_retired_or_older_address_code_is_accepted(number: str, place: str) -> None:
    # A number keeps the code of the county that first issued it; stdnum's
    # get_birth_place asks that the county existed in the birth year, which
    # says nothing about when the number was issued, so these pass here.
    info = ids.id_number_details(number, today=TODAY)
    assert info.number == number
    assert info.region_name == place


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("629999199001011234", "“629999”不是任何时期的县级行政区划代码"),
        ("620199199001011232", "“620199”不是任何时期的县级行政区划代码"),
        ("00000019900101123X", "前 2 位“00”不是省级行政区划代码"),
    ],
)
def test_id_number_with_an_address_code_never_assigned_is_refused(number: str, fragment: str) -> None:
    assert ric.calc_check_digit(number) == number[-1]  # only the address code is wrong
    error = refused(ids.normalize_id_number, number, today=TODAY)
    assert error.code == "region"
    assert fragment in error.message_zh
    assert number[:6] in error.message_en


def test_id_number_born_before_1900_is_refused() -> None:
    assert ids.normalize_id_number("620102190001011232", today=TODAY) == "620102190001011232"
    error = refused(ids.normalize_id_number, "620102189912311238", today=TODAY)
    assert error.code == "birth_date"
    assert "1899-12-31 早于 1900-01-01" in error.message_zh


def test_id_number_with_unicode_digits_is_refused() -> None:
    error = refused(ids.normalize_id_number, "62010219900101123٣", today=TODAY)
    assert error.code == "characters"
    error = refused(ids.normalize_id_number, "٦20102199001011233", today=TODAY)
    assert (error.code, error.message_en) == (
        "characters",
        "resident identity number: position 1 should be a digit, got '٦'",
    )


def test_id_number_today_defaults_to_the_real_today() -> None:
    assert ids.normalize_id_number(GANSU_ID) == GANSU_ID


def test_mask_id_number() -> None:
    assert ids.mask_id_number("620102199001011233") == "620102********1233"
    assert ids.mask_id_number("short") == "*****"


# --- bank card ------------------------------------------------------------


def test_bank_card_is_normalised() -> None:
    assert ids.normalize_bank_card("6222 0212 3456 7890 128") == "6222021234567890128"
    assert ids.normalize_bank_card("6228-4800-1234-5671") == "6228480012345671"


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("6228 4800 1234 5672", "check_character", "校验位应为“1”，实际为“2”"),
        ("6228 4800 1234 567A", "characters", "第 16 位应为数字"),
        ("62284800123", "length", "实际为 11 位"),
        ("62284800123456789012", "length", "实际为 20 位"),
    ],
)
def test_bank_card_refusals(value: str, code: str, fragment: str) -> None:
    error = refused(ids.normalize_bank_card, value)
    assert error.code == code
    assert fragment in error.message_zh


@pytest.mark.parametrize("value", ["62284800125", "62284800123456789012"])
def test_bank_card_of_the_wrong_length_is_refused_though_its_luhn_digit_is_right(value: str) -> None:
    error = refused(ids.normalize_bank_card, value)
    assert error.code == "length"
    assert f"应为 12 至 19 位，实际为 {len(value)} 位" in error.message_zh


def test_mask_bank_card() -> None:
    assert ids.mask_bank_card("6228480012345671") == "6228 **** **** 5671"
    assert ids.mask_bank_card("6222 0212 3456 7890 128") == "6222 **** **** *** 0128"
    assert ids.mask_bank_card("622848001234") == "6228 **** 1234"


# --- mobile ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "008613800138000",
        "8613800138000",
    ],
)
def test_mobile_is_normalised(value: str) -> None:
    assert ids.normalize_mobile(value) == "13800138000"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12800138000", "prefix"),
        ("23800138000", "prefix"),
        ("1380013800", "length"),
        ("+1 415 555 0100", "characters"),
        ("1380013800a", "characters"),
    ],
)
def test_mobile_refusals(value: str, code: str) -> None:
    assert refused(ids.normalize_mobile, value).code == code


def test_mask_mobile() -> None:
    assert ids.mask_mobile("+86 138 0013 5678") == "138****5678"


# --- domain ---------------------------------------------------------------


def test_domain_and_its_registrable_domain() -> None:
    info = ids.normalize_domain("shop.gansu-ec.com")
    assert info == ids.DomainInfo(
        domain="shop.gansu-ec.com", unicode="shop.gansu-ec.com", registrable="gansu-ec.com", suffix="com"
    )
    assert info.is_subdomain
    cn = ids.normalize_domain("shop.gansu-ec.com.cn")
    assert (cn.registrable, cn.suffix) == ("gansu-ec.com.cn", "com.cn")
    assert not ids.normalize_domain("gansu-ec.com").is_subdomain


@pytest.mark.parametrize(
    "value",
    [
        "https://shop.gansu-ec.com/x",
        "http://user@shop.gansu-ec.com:8080/path?q=1#top",
        "shop.gansu-ec.com:443/x",
        "SHOP.Gansu-EC.com.",
        "ｓｈｏｐ。ｇａｎｓｕ－ｅｃ。ｃｏｍ",
    ],
)
def test_domain_is_taken_out_of_urls_and_messy_forms(value: str) -> None:
    assert ids.normalize_domain(value).domain == "shop.gansu-ec.com"


def test_chinese_domain_names() -> None:
    info = ids.normalize_domain("陇货.中国")
    assert info.domain == "xn--1n3ar3p.xn--fiqs8s"
    assert info.unicode == "陇货.中国"
    assert info.registrable == "xn--1n3ar3p.xn--fiqs8s"
    assert info.registrable_unicode == "陇货.中国"
    assert info.suffix == "xn--fiqs8s"
    assert ids.normalize_domain("xn--1n3ar3p.xn--fiqs8s") == info
    assert ids.normalize_domain("https://www.陇货.中国/").registrable == "xn--1n3ar3p.xn--fiqs8s"


def test_private_suffixes_do_not_make_an_independent_domain() -> None:
    # github.io is someone else's domain: the registrable domain is github.io
    assert ids.normalize_domain("gansu-ec.github.io").registrable == "github.io"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("192.168.1.10", "ip_address"),
        ("http://10.0.0.1:8080/", "ip_address"),
        ("[::1]", "ip_address"),
        ("com", "not_registrable"),
        ("com.cn", "not_registrable"),
        ("中国", "not_registrable"),
        ("shop.gansu-ec.invalidtld", "suffix"),
        ("localhost", "suffix"),
        ("shop..gansu-ec.com", "format"),
        ("shop_1.gansu-ec.com", "characters"),
        ("shop gansu.com", "characters"),
        ("-shop.gansu-ec.com", "idna"),
        ("xn--zz.com", "idna"),
        ("a" * 64 + ".com", "length"),
        ("".join(chr(0x4E00 + 97 * i) for i in range(40)) + ".中国", "length"),
        (".".join(["a" * 60] * 5) + ".com", "length"),
        ("https://", "format"),
    ],
)
def test_domain_refusals(value: str, code: str) -> None:
    error = refused(ids.normalize_domain, value)
    assert error.code == code
    assert error.message_zh.startswith("域名")


def test_domain_never_downloads_the_suffix_list() -> None:
    # The parsed list comes from the package's bundled file.
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise AssertionError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from icpdesk.core.identifiers import normalize_domain\n"
        "print(normalize_domain('shop.gansu-ec.com.cn').registrable)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "gansu-ec.com.cn"


# --- ICP filing number ----------------------------------------------------


def test_icp_filing_number() -> None:
    filing = ids.normalize_icp_filing("甘ICP备2023001234号-1")
    assert filing == ids.ICPFiling(
        number="甘ICP备2023001234号-1", province="甘", digits="2023001234", site=1, base="甘ICP备2023001234号"
    )
    assert filing.province_name == "甘肃省"
    eight = ids.normalize_icp_filing("京ICP备05032781号")
    assert (eight.number, eight.site, eight.base) == ("京ICP备05032781号", None, "京ICP备05032781号")


@pytest.mark.parametrize(
    "value",
    [
        "甘 ICP 备 2023001234 号 - 1",
        "甘icp备2023001234号-1",
        "甘ＩＣＰ备２０２３００１２３４号－１",
        "甘ICP備2023001234號-1",
        "甘ICP备2023001234号—1",
        "甘ICP备2023001234号-01",
    ],
)
def test_icp_filing_messy_forms_are_canonicalised(value: str) -> None:
    assert ids.normalize_icp_filing(value).number == "甘ICP备2023001234号-1"


def test_icp_filing_traditional_province_is_folded() -> None:
    assert ids.normalize_icp_filing("粵ICP备12345678号").number == "粤ICP备12345678号"


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("港ICP备2023001234号", "province", "实际为“港”"),
        ("GSICP备2023001234号", "province", "实际为“G”"),
        ("甘ICP证2023001234号", "format", "“ICP备”"),
        ("甘ICP备号", "format", "8 位或 10 位数字"),
        ("甘ICP备202300123号", "length", "实际为 9 位"),
        ("甘ICP备20230012345号", "length", "实际为 11 位"),
        ("甘ICP备2023001234", "format", "应为“号”"),
        ("甘ICP备2023001234号-0", "suffix", "不小于 1"),
        ("甘ICP备2023001234号-", "suffix", "不小于 1"),
        ("甘ICP备2023001234号-a", "suffix", "不小于 1"),
        ("甘ICP备2023001234号1", "suffix", "多出“1”"),
    ],
)
def test_icp_filing_refusals(value: str, code: str, fragment: str) -> None:
    error = refused(ids.normalize_icp_filing, value)
    assert error.code == code
    assert fragment in error.message_zh


def test_all_31_provinces() -> None:
    assert len(ids.PROVINCE_ABBREVIATIONS) == 31
    assert set(ids.PROVINCE_ABBREVIATIONS) == set(
        "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
    )
    assert ids.PROVINCE_ABBREVIATIONS["甘"] == "甘肃省"
    for abbreviation in ids.PROVINCE_ABBREVIATIONS:
        assert ids.normalize_icp_filing(f"{abbreviation}ICP备12345678号").province == abbreviation


# --- license number -------------------------------------------------------


def test_license_number() -> None:
    number = ids.normalize_license_number("甘B2-20240001")
    assert number == ids.LicenseNumber(
        number="甘B2-20240001", province="甘", category="B2", year=2024, serial="0001", suffix=None
    )
    assert number.base == "甘B2-20240001"
    assert number.province_name == "甘肃省"
    with_suffix = ids.normalize_license_number("甘 b1－2024000123-2")
    assert (with_suffix.number, with_suffix.category, with_suffix.serial, with_suffix.suffix) == (
        "甘B1-2024000123-2",
        "B1",
        "000123",
        2,
    )
    assert with_suffix.base == "甘B1-2024000123"


@pytest.mark.parametrize("year", ["1990", "2100"])
def test_license_year_boundaries_are_accepted(year: str) -> None:
    assert ids.normalize_license_number(f"甘B2-{year}0001").year == int(year)


@pytest.mark.parametrize(
    ("value", "code", "fragment"),
    [
        ("港B2-20240001", "province", "“港”"),
        ("甘B3-20240001", "category", "实际为“B3”"),
        ("甘A2-20240001", "category", "“B1”或“B2”"),
        ("甘B220240001", "format", "应为“-”"),
        ("甘B2-2024001", "length", "7 位"),
        ("甘B2-19890001", "year", "1989"),
        ("甘B2-21010001", "year", "2101"),
        ("甘B2-20240001-0", "suffix", "不小于 1"),
        ("甘B2-20240001号", "suffix", "多出“号”"),
    ],
)
def test_license_refusals(value: str, code: str, fragment: str) -> None:
    error = refused(ids.normalize_license_number, value)
    assert error.code == code
    assert fragment in error.message_zh


def test_the_module_does_not_import_django() -> None:
    code = "import sys, icpdesk.core.identifiers; print('django' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
