"""Spreadsheet values as people type them: dates, amounts, counts, yes/no, lists, widths, encodings."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icpdesk.core.tabular import (
    TabularError,
    decode_text,
    fold_width,
    normalize_header,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_count,
    parse_date,
    parse_list,
    parse_text,
)

dates = st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31))


@pytest.mark.parametrize(
    "typed",
    [
        "2023-05-10",
        "2023/5/10",
        "2023/05/10",
        "2023.5.10",
        "2023年5月10日",
        "2023 年 5 月 10 日",
        "２０２３－０５－１０",
        "20230510",
        "2023-05-10 00:00:00",
        datetime.date(2023, 5, 10),
        datetime.datetime(2023, 5, 10, 0, 0),
        45056,  # Excel's serial day of 2023-05-10
        45056.0,
    ],
)
def test_a_date_is_read_however_it_was_typed(typed: object) -> None:
    assert parse_date(typed) == datetime.date(2023, 5, 10)


@given(dates)
def test_every_written_form_of_a_date_reads_back_the_same_day(day: datetime.date) -> None:
    for text in (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
    ):
        assert parse_date(text) == day
    serial = (day - datetime.date(1899, 12, 30)).days
    assert parse_date(serial) == day


@pytest.mark.parametrize("typed", ["2023-02-30", "2023/13/1"])
def test_a_day_that_does_not_exist_is_named(typed: str) -> None:
    with pytest.raises(TabularError) as caught:
        parse_date(typed)
    assert caught.value.code == "date"
    assert "日期不存在" in caught.value.message("zh-hans")
    assert "no such date" in caught.value.message("en")


@pytest.mark.parametrize("typed", ["yesterday", "5/10", "2023-5", True, -3])
def test_text_that_is_no_date_says_what_was_expected(typed: object) -> None:
    with pytest.raises(TabularError) as caught:
        parse_date(typed)
    assert "2023年5月10日" in caught.value.message("zh-hans")
    assert caught.value.message("en").startswith("not a date")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1000000", 1_000_000),
        ("1,000,000", 1_000_000),
        ("１，０００，０００", 1_000_000),
        ("100万", 1_000_000),
        ("100万元", 1_000_000),
        ("1.5亿", 150_000_000),
        ("0.1亿元", 10_000_000),
        ("¥1,000,000", 1_000_000),
        ("人民币100万元", 1_000_000),
        ("2000000元", 2_000_000),
        (1000000, 1_000_000),
        (1000000.0, 1_000_000),
        ("0", 0),
    ],
)
def test_an_amount_is_read_with_separators_and_units(typed: object, expected: int) -> None:
    assert parse_amount(typed) == expected


@given(st.integers(min_value=0, max_value=10**15))
def test_an_amount_with_thousands_separators_reads_back(amount: int) -> None:
    assert parse_amount(f"{amount:,}") == amount
    assert parse_amount(str(amount)) == amount
    if amount % 10_000 == 0:
        assert parse_amount(f"{amount // 10_000}万") == amount


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("一百万", "amount"),
        ("1,00,000", "amount"),
        ("-5", "negative"),
        ("100.5", "fraction"),
        (True, "amount"),
    ],
)
def test_an_amount_that_cannot_be_read_is_refused_with_its_reason(typed: object, code: str) -> None:
    with pytest.raises(TabularError) as caught:
        parse_amount(typed)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("typed", "expected"), [("3", 3), ("3.0", 3), (3.0, 3), ("3个月", 3), ("1,200", 1200)]
)
def test_a_count_is_a_whole_number(typed: object, expected: int) -> None:
    assert parse_count(typed) == expected


@pytest.mark.parametrize("typed", ["-1", "2.5", "three", "nan", "inf"])
def test_a_count_that_is_not_a_whole_number_is_refused(typed: str) -> None:
    with pytest.raises(TabularError) as caught:
        parse_count(typed)
    assert caught.value.code == "count"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("是", True),
        ("否", False),
        ("有", True),
        ("无", False),
        ("Y", True),
        ("no", False),
        (1, True),
        (0, False),
        ("√", True),
        ("×", False),
        ("未知", None),
        ("", None),
        (None, None),
        (True, True),
    ],
)
def test_yes_and_no_in_the_ways_people_write_them(typed: object, expected: bool | None) -> None:
    assert parse_bool(typed) is expected


def test_a_yes_no_cell_with_anything_else_is_refused() -> None:
    with pytest.raises(TabularError) as caught:
        parse_bool("可能")
    assert caught.value.code == "boolean"


@pytest.mark.parametrize(
    "typed",
    [
        "CISSP、CISP",
        "CISSP；CISP",
        "CISSP;CISP",
        "CISSP,CISP",
        "CISSP，CISP",
        "CISSP, CISP ",
        "CISSP\nCISP",
        "CISSP、、CISP、",
    ],
)
def test_a_list_is_split_by_any_of_the_separators(typed: str) -> None:
    assert parse_list(typed) == ("CISSP", "CISP")


SEPARATOR_CHARS = "、；;,，\n\r|/\uff0f\uff5c"
items = st.text(
    alphabet=st.characters(
        blacklist_characters=SEPARATOR_CHARS, blacklist_categories=("Cs", "Zs", "Cc", "Zl", "Zp")
    ),
    min_size=1,
    max_size=8,
)


@given(
    st.lists(items, min_size=1, max_size=6, unique=True), st.sampled_from(["、", "；", ";", ",", "，", " ; "])
)
def test_a_list_joined_by_a_separator_splits_back(parts: list[str], separator: str) -> None:
    expected = tuple(dict.fromkeys(fold_width(p).strip() for p in parts))
    assert parse_list(separator.join(parts)) == expected


def test_full_width_characters_fold_to_ascii_and_chinese_stays() -> None:
    assert fold_width("９１６２０１００ＭＡ７ＡＢＣ２Ｄ１９") == "91620100MA7ABC2D19"
    assert fold_width("甘ＩＣＰ备") == "甘ICP备"
    assert fold_width("a\u3000b") == "a b"


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=20))
def test_folding_the_full_width_form_gives_the_ascii_text(text: str) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in text)
    assert fold_width(wide) == text


def test_a_number_cell_reads_as_text_as_excel_shows_it() -> None:
    assert parse_text(13893112345.0) == "13893112345"
    assert parse_text("  兰州市 ") == "兰州市"
    assert parse_text("   ") is None


def test_headers_compare_without_width_case_star_or_note() -> None:
    assert normalize_header("统一社会信用代码*") == normalize_header("统一社会信用代码")
    assert normalize_header("Enterprise.USCC") == "enterprise.uscc"
    assert normalize_header("注册资本（元）") == normalize_header("注册资本")


def test_a_choice_is_given_by_key_or_label() -> None:
    choices = {
        normalize_header("limited_company"): "limited_company",
        normalize_header("有限责任公司"): "limited_company",
    }
    assert parse_choice("有限责任公司", choices) == "limited_company"
    assert parse_choice("LIMITED_COMPANY", choices) == "limited_company"
    with pytest.raises(TabularError) as caught:
        parse_choice("股份公司", choices)
    assert "下拉列表" in caught.value.message("zh-hans")


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        ("统一社会信用代码,企业名称\n".encode("utf-8-sig"), "utf-8-sig"),
        ("统一社会信用代码,企业名称\n".encode(), "utf-8"),
        ("统一社会信用代码,企业名称\n".encode("gbk"), "gbk"),
        ("统一社会信用代码,企业名称,𠀀\n".encode("gb18030"), "gb18030"),
    ],
)
def test_csv_bytes_are_decoded_as_excel_in_china_saves_them(encoded: bytes, encoding: str) -> None:
    text, found = decode_text(encoded)
    assert text.startswith("统一社会信用代码,企业名称")
    assert found == encoding


@given(st.text(min_size=1, max_size=200))
def test_any_text_saved_as_utf8_or_gb18030_decodes_back(text: str) -> None:
    assert decode_text(text.encode("utf-8-sig"))[0] == text
    try:
        data = text.encode("gb18030")
    except UnicodeEncodeError:
        return
    try:
        decoded, _ = decode_text(data)
    except TabularError:
        return  # mostly control characters: taken for a binary file
    assert decoded == text or decoded == data.decode("utf-8")


def test_binary_bytes_are_not_taken_for_text() -> None:
    with pytest.raises(TabularError) as caught:
        decode_text(bytes(range(256)) * 4)
    assert caught.value.code == "encoding"
