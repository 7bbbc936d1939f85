"""The identifiers based on python-stdnum answer as the desk's own code did, on valid input.

The reference is the module as it stood before the rework
(``tests/core/identifiers_before_stdnum.py``). Valid input is built the way
each number is made (stdnum's check characters, assigned credit-code parts,
address codes in stdnum's data, births from 1900), then typed with spaces,
hyphens and lower case; both implementations must accept it and give the same
normal form, the same parts and the same masks. Where the new code refuses
more (unassigned credit-code parts, unknown address codes, births before
1900), the input is not valid and is outside this comparison; those rules are
pinned in ``test_identifiers_properties.py``.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from icpdesk.core import identifiers as new
from tests.core import identifiers_before_stdnum as old
from tests.core.test_identifiers_properties import (
    TODAY,
    card_numbers,
    id_numbers,
    messy,
    mobiles,
    usccs,
)

DIGITS = "0123456789"


@settings(max_examples=300, deadline=None)
@given(usccs, st.data())
def test_a_credit_code_reads_the_same(code: str, data: st.DataObject) -> None:
    typed = messy(code, data)
    assert new.normalize_uscc(typed) == old.normalize_uscc(typed) == code
    was, now = old.uscc_details(typed), new.uscc_details(typed)
    assert (now.code, now.registration_authority, now.org_type) == (
        was.code,
        was.registration_authority,
        was.org_type,
    )
    assert (now.division_code, now.organisation_code, now.check_character) == (
        was.division_code,
        was.organisation_code,
        was.check_character,
    )
    assert (now.province, now.in_gansu) == (was.province, was.in_gansu)
    assert now.registration_authority_name == was.registration_authority_name


@settings(max_examples=300, deadline=None)
@given(id_numbers, st.data())
def test_an_identity_number_reads_the_same(number: str, data: st.DataObject) -> None:
    typed = messy(number, data)
    assert new.normalize_id_number(typed, today=TODAY) == old.normalize_id_number(typed, today=TODAY)
    was, now = old.id_number_details(typed, today=TODAY), new.id_number_details(typed, today=TODAY)
    assert (now.number, now.region_code, now.birth_date, now.sex, now.check_character) == (
        was.number,
        was.region_code,
        was.birth_date,
        was.sex,
        was.check_character,
    )
    assert now.province == was.province
    assert new.mask_id_number(typed) == old.mask_id_number(typed)


@settings(deadline=None)  # the first example loads each module's data
@given(card_numbers, st.data())
def test_a_bank_card_reads_the_same(number: str, data: st.DataObject) -> None:
    typed = messy(number, data)
    assert new.normalize_bank_card(typed) == old.normalize_bank_card(typed) == number
    assert new.mask_bank_card(number) == old.mask_bank_card(number)


@settings(deadline=None)  # the first example loads each module's data
@given(mobiles, st.sampled_from(["", "+86", "0086", "86", "+86 "]), st.data())
def test_a_mobile_reads_the_same(number: str, prefix: str, data: st.DataObject) -> None:
    typed = prefix + messy(number, data)
    assert new.normalize_mobile(typed) == old.normalize_mobile(typed) == number
    assert new.mask_mobile(number) == old.mask_mobile(number)


@settings(deadline=None)  # the first example loads each module's data
@given(
    st.sampled_from(sorted(new.PROVINCE_ABBREVIATIONS)),
    st.sampled_from([8, 10]).flatmap(lambda size: st.text(DIGITS, min_size=size, max_size=size)),
    st.none() | st.integers(min_value=1, max_value=999),
)
def test_a_filing_number_reads_the_same(province: str, digits: str, site: int | None) -> None:
    typed = f" {province} icp 备 {digits} 号 " + ("" if site is None else f"－ {site}")
    was, now = old.normalize_icp_filing(typed), new.normalize_icp_filing(typed)
    assert (now.number, now.province, now.digits, now.site) == (
        was.number,
        was.province,
        was.digits,
        was.site,
    )


@settings(deadline=None)  # the first example loads each module's data
@given(
    st.sampled_from(sorted(new.PROVINCE_ABBREVIATIONS)),
    st.sampled_from(["B1", "B2"]),
    st.integers(min_value=1990, max_value=2100),
    st.text(DIGITS, min_size=4, max_size=8),
    st.none() | st.integers(min_value=1, max_value=99),
)
def test_a_license_number_reads_the_same(
    province: str, category: str, year: int, serial: str, suffix: int | None
) -> None:
    typed = f"{province}{category}-{year}{serial}".lower() + ("" if suffix is None else f"-{suffix}")
    was, now = old.normalize_license_number(typed), new.normalize_license_number(typed)
    assert (now.number, now.year, now.serial, now.suffix) == (was.number, was.year, was.serial, was.suffix)


@settings(deadline=None)  # the first example loads each module's data
@given(
    st.from_regex(
        r"[a-z][a-z0-9]{0,10}(\.[a-z][a-z0-9]{0,10}){0,2}\.(com|cn|com\.cn|net|org)", fullmatch=True
    )
)
def test_a_domain_reads_the_same(host: str) -> None:
    was, now = old.normalize_domain(host), new.normalize_domain(host)
    assert (now.domain, now.unicode, now.registrable, now.suffix) == (
        was.domain,
        was.unicode,
        was.registrable,
        was.suffix,
    )


def test_the_reference_is_the_old_module_not_the_new_one() -> None:
    # The old one accepted births from 1880; the desk now refuses those before 1900.
    body = "620102" + "18950101" + "123"
    from stdnum.cn import ric

    number = body + ric.calc_check_digit(body + "0")
    assert old.normalize_id_number(number, today=TODAY) == number
    try:
        new.normalize_id_number(number, today=TODAY)
    except new.IdentifierError as error:
        assert error.code == "birth_date"
    else:
        raise AssertionError("a birth in 1895 was accepted")
