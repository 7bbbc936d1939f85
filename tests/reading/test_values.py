"""Values as documents print them come out in the desk's normal forms."""

from __future__ import annotations

import pytest

from icpdesk.reading.values import (
    find_dates,
    mask_id_numbers,
    parse_amount,
    parse_date,
    parse_month,
    region_of,
)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("成立日期 2023年5月10日", "2023-05-10"),
        ("2023 年 05 月 10 日", "2023-05-10"),
        ("注册日期：2023-05-10", "2023-05-10"),
        ("2023.5.10", "2023-05-10"),
        ("二〇二三年五月二十日", "2023-05-20"),
        ("二零二四年十二月三十一日", "2024-12-31"),
        ("20230510", "2023-05-10"),
    ],
)
def test_it_reads_dates_in_the_forms_documents_print(text: str, iso: str) -> None:
    assert parse_date(text) == iso


def test_it_ignores_impossible_dates_and_reads_both_ends_of_a_range() -> None:
    assert parse_date("2023年2月30日") is None
    assert [d.isoformat() for d in find_dates("自2024年1月1日起至2025年12月31日止")] == [
        "2024-01-01",
        "2025-12-31",
    ]
    assert [d.isoformat() for d in find_dates("2016.03.12-2036.03.12")] == ["2016-03-12", "2036-03-12"]


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("壹佰万元整", 1_000_000),
        ("人民币壹佰万元整", 1_000_000),
        ("伍拾万圆整", 500_000),
        ("壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元", 12_345_678),
        ("壹仟贰佰叁拾肆万伍仟元整", 12_345_000),
        ("壹亿零伍佰万元", 105_000_000),
        ("壹拾万元整", 100_000),
        ("拾万元整", 100_000),
        ("壹佰零伍元", 105),
        ("100万元", 1_000_000),
        ("人民币 1,000,000.00 元", 1_000_000),
        ("¥5,000,000.00", 5_000_000),
        ("50.5万元", 505_000),
    ],
)
def test_it_reads_amounts_in_figures_and_in_chinese_capitals(text: str, yuan: int) -> None:
    assert parse_amount(text) == yuan


def test_an_amount_that_is_not_there_is_none() -> None:
    assert parse_amount("注册资本") is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("甘肃省兰州市兰州新区中川园区", "CN-GS"),
        ("兰州市城关区", "CN-GS"),
        ("青海省海南藏族自治州共和县", "CN-QH"),
        ("香港特别行政区葵涌葵昌路51号", "CN-HK"),
        ("Kwai Chung, Hong Kong", "CN-HK"),
        ("新加坡裕廊西大道88号", "SG"),
        ("美国加利福尼亚州圣何塞", "US"),
        ("北京市海淀区", "CN-BJ"),
        ("广西壮族自治区南宁市", "CN-GX"),
    ],
)
def test_a_place_becomes_its_region_code(text: str, code: str) -> None:
    assert region_of(text) == code


def test_a_place_it_does_not_know_has_no_region() -> None:
    assert region_of("某某路1号") is None


@pytest.mark.parametrize(
    ("text", "month"), [("2024-05", "2024-05"), ("2024年5月", "2024-05"), ("202405", "2024-05")]
)
def test_a_month_written_alone_is_a_month(text: str, month: str) -> None:
    assert parse_month(text) == month


def test_a_full_date_is_not_a_month() -> None:
    assert parse_month("2024-05-31") is None


def test_identity_numbers_are_masked_in_text_valid_or_not() -> None:
    assert mask_id_numbers("公民身份号码 620102199001011233 其他") == "公民身份号码 620102********1233 其他"
    assert mask_id_numbers("号码620102199001011234。") == "号码620102********1234。"
    # A credit code or a phone number is not an identity number.
    assert mask_id_numbers("91620100MA71ABCD0Q 13800138000") == "91620100MA71ABCD0Q 13800138000"
