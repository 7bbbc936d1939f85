"""Property tests: generated identifiers with a computed check character validate,
any single changed character is refused with the right code, and normalisation is idempotent.

The check characters are computed here from the standards (GB 32100-2015,
GB 11643-1999, Luhn) rather than through python-stdnum, so the module is not
tested against itself.
"""

from __future__ import annotations

import datetime

from hypothesis import assume, given
from hypothesis import strategies as st

from icpdesk.core import identifiers as ids
from icpdesk.core.identifiers import IdentifierError

TODAY = datetime.date(2026, 11, 30)
EARLIEST = datetime.date(1880, 1, 1)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PROVINCES = sorted(ids.PROVINCE_CODES)
DIGITS = "0123456789"


def uscc_check(body: str) -> str:
    weights = [pow(3, i, 31) for i in range(17)]
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(body, weights, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def id_check(body: str) -> str:
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    return "10X98765432"[sum(int(ch) * w for ch, w in zip(body, weights, strict=True)) % 11]


def luhn_check(body: str) -> str:
    total = 0
    for index, ch in enumerate(reversed(body)):
        digit = int(ch)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def code_of(func, value: str, **kwargs) -> str | None:  # type: ignore[no-untyped-def]
    try:
        func(value, **kwargs)
    except IdentifierError as error:
        return error.code
    return None


# --- strategies -------------------------------------------------------------

usccs = st.builds(
    lambda first, second, province, rest, org: (
        (body := first + second + province + rest + org) + uscc_check(body)
    ),
    st.sampled_from(USCC_ALPHABET),
    st.sampled_from(USCC_ALPHABET),
    st.sampled_from([*PROVINCES, "10"]),
    st.text(DIGITS, min_size=4, max_size=4),
    st.text(USCC_ALPHABET, min_size=9, max_size=9),
)

id_numbers = st.builds(
    lambda province, rest, birth, sequence: (
        (body := province + rest + birth.strftime("%Y%m%d") + sequence) + id_check(body)
    ),
    st.sampled_from(PROVINCES),
    st.text(DIGITS, min_size=4, max_size=4),
    st.dates(min_value=EARLIEST, max_value=TODAY),
    st.text(DIGITS, min_size=3, max_size=3),
)

card_numbers = st.integers(min_value=11, max_value=18).flatmap(
    lambda size: st.text(DIGITS, min_size=size, max_size=size).map(lambda body: body + luhn_check(body))
)


def messy(value: str, data: st.DataObject) -> str:
    """Insert spaces and hyphens and lowercase some letters."""
    out = []
    for ch in value:
        if data.draw(st.booleans()):
            out.append(data.draw(st.sampled_from([" ", "-", "\u3000"])))
        out.append(ch.lower() if data.draw(st.booleans()) else ch)
    return "".join(out)


# --- USCC ---------------------------------------------------------------------


@given(usccs)
def test_generated_usccs_validate(code: str) -> None:
    assert ids.normalize_uscc(code) == code
    assert ids.uscc_details(code).check_character == code[-1]


@given(usccs, st.data())
def test_uscc_normalisation_is_idempotent(code: str, data: st.DataObject) -> None:
    once = ids.normalize_uscc(messy(code, data))
    assert once == code
    assert ids.normalize_uscc(once) == once


@given(usccs, st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET + "IOZSV"))
def test_changing_one_uscc_character_is_refused(code: str, position: int, replacement: str) -> None:
    assume(code[position] != replacement)
    changed = code[:position] + replacement + code[position + 1 :]
    if replacement in "IOZSV":
        expected = "characters"
    elif not changed[2:8].isdigit() or changed[2:4] not in [*PROVINCES, "10"]:
        expected = "region"
    else:
        expected = "check_character"
    assert code_of(ids.normalize_uscc, changed) == expected


@given(usccs, st.sampled_from(USCC_ALPHABET))
def test_a_wrong_uscc_check_character_names_the_expected_one(code: str, replacement: str) -> None:
    assume(code[-1] != replacement)
    try:
        ids.normalize_uscc(code[:-1] + replacement)
    except IdentifierError as error:
        assert error.code == "check_character"
        assert f"应为“{code[-1]}”，实际为“{replacement}”" in error.message_zh
    else:
        raise AssertionError("a wrong check character was accepted")


# --- resident identity number -----------------------------------------------------


def birth_is_valid(number: str) -> bool:
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return EARLIEST <= birth <= TODAY


@given(id_numbers)
def test_generated_id_numbers_validate(number: str) -> None:
    assert ids.normalize_id_number(number, today=TODAY) == number
    info = ids.id_number_details(number, today=TODAY)
    assert info.birth_date.strftime("%Y%m%d") == number[6:14]
    assert info.sex == ("male" if int(number[16]) % 2 else "female")
    assert ids.mask_id_number(number) == number[:6] + "********" + number[-4:]


@given(id_numbers, st.data())
def test_id_number_normalisation_is_idempotent(number: str, data: st.DataObject) -> None:
    once = ids.normalize_id_number(messy(number, data), today=TODAY)
    assert once == number
    assert ids.normalize_id_number(once, today=TODAY) == once


@given(id_numbers, st.integers(min_value=0, max_value=16), st.sampled_from(DIGITS))
def test_changing_one_id_digit_is_refused(number: str, position: int, replacement: str) -> None:
    assume(number[position] != replacement)
    changed = number[:position] + replacement + number[position + 1 :]
    if changed[:2] not in PROVINCES:
        expected = "region"
    elif not birth_is_valid(changed):
        expected = "birth_date"
    else:
        expected = "check_character"
    assert code_of(ids.normalize_id_number, changed, today=TODAY) == expected


@given(id_numbers, st.sampled_from(DIGITS + "X"))
def test_a_wrong_id_check_character_is_refused(number: str, replacement: str) -> None:
    assume(number[-1] != replacement)
    assert code_of(ids.normalize_id_number, number[:-1] + replacement, today=TODAY) == "check_character"


# --- bank card -------------------------------------------------------------------


@given(card_numbers)
def test_generated_card_numbers_validate(number: str) -> None:
    assert ids.normalize_bank_card(number) == number
    masked = ids.mask_bank_card(number)
    assert masked.startswith(number[:4]) and masked.endswith(number[-4:])
    assert sum(ch.isdigit() for ch in masked) == 8


@given(card_numbers, st.data())
def test_card_normalisation_is_idempotent(number: str, data: st.DataObject) -> None:
    once = ids.normalize_bank_card(messy(number, data))
    assert once == number
    assert ids.normalize_bank_card(once) == once


@given(card_numbers, st.data(), st.sampled_from(DIGITS))
def test_changing_one_card_digit_is_refused(number: str, data: st.DataObject, replacement: str) -> None:
    position = data.draw(st.integers(min_value=0, max_value=len(number) - 1))
    assume(number[position] != replacement)
    changed = number[:position] + replacement + number[position + 1 :]
    assert code_of(ids.normalize_bank_card, changed) == "check_character"


# --- mobile, ICP filing, license number -----------------------------------------------

mobiles = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text(DIGITS, min_size=9, max_size=9),
)


@given(mobiles, st.sampled_from(["", "+86", "0086", "86", "+86 "]), st.data())
def test_mobile_normalisation_is_idempotent(number: str, prefix: str, data: st.DataObject) -> None:
    once = ids.normalize_mobile(prefix + messy(number, data))
    assert once == number
    assert ids.normalize_mobile(once) == once
    assert ids.mask_mobile(once) == number[:3] + "****" + number[-4:]


@given(
    st.sampled_from(sorted(ids.PROVINCE_ABBREVIATIONS)),
    st.sampled_from([8, 10]).flatmap(lambda size: st.text(DIGITS, min_size=size, max_size=size)),
    st.none() | st.integers(min_value=1, max_value=999),
)
def test_icp_filing_normalisation_is_idempotent(province: str, digits: str, site: int | None) -> None:
    canonical = f"{province}ICP备{digits}号" + ("" if site is None else f"-{site}")
    spaced = f" {province} icp 备 {digits} 号 " + ("" if site is None else f"－ {site}")
    filing = ids.normalize_icp_filing(spaced)
    assert filing.number == canonical
    assert ids.normalize_icp_filing(filing.number) == filing
    assert (filing.province, filing.digits, filing.site) == (province, digits, site)


@given(
    st.sampled_from(sorted(ids.PROVINCE_ABBREVIATIONS)),
    st.sampled_from(["B1", "B2"]),
    st.integers(min_value=1990, max_value=2100),
    st.text(DIGITS, min_size=4, max_size=8),
    st.none() | st.integers(min_value=1, max_value=99),
)
def test_license_normalisation_is_idempotent(
    province: str, category: str, year: int, serial: str, suffix: int | None
) -> None:
    canonical = f"{province}{category}-{year}{serial}" + ("" if suffix is None else f"-{suffix}")
    number = ids.normalize_license_number(canonical.lower())
    assert number.number == canonical
    assert ids.normalize_license_number(number.number) == number
    assert (number.year, number.serial, number.suffix) == (year, serial, suffix)


@given(
    st.from_regex(r"[a-z][a-z0-9]{0,10}(\.[a-z][a-z0-9]{0,10}){0,2}\.(com|cn|com\.cn|net)", fullmatch=True)
)
def test_domain_normalisation_is_idempotent(host: str) -> None:
    info = ids.normalize_domain("HTTPS://" + host.upper() + "/path")
    assert info.domain == host
    assert ids.normalize_domain(info.domain) == info
    assert info.domain.endswith("." + info.registrable) or info.domain == info.registrable


# --- fast paths ----------------------------------------------------------------
# A value already in canonical form is checked by a fast path; anything else by
# the full path. Both must give the same answer (the value, or the same error)
# for canonical values, values with one character changed, and odd text.


def outcome(func, value: str, **kwargs):  # type: ignore[no-untyped-def]
    try:
        return ("ok", func(value, **kwargs))
    except IdentifierError as error:
        return ("error", error.code, error.message_en)


def mutated(value: str, data: st.DataObject, alphabet: str) -> str:
    """``value`` with zero or one character replaced, dropped or added."""
    action = data.draw(st.sampled_from(["keep", "replace", "drop", "add"]))
    if action == "keep":
        return value
    position = data.draw(st.integers(min_value=0, max_value=len(value) - 1))
    char = data.draw(st.sampled_from(alphabet))
    if action == "replace":
        return value[:position] + char + value[position + 1 :]
    if action == "drop":
        return value[:position] + value[position + 1 :]
    return value[:position] + char + value[position:]


@given(usccs, st.data())
def test_uscc_fast_path_agrees_with_the_full_path(code: str, data: st.DataObject) -> None:
    value = mutated(code, data, USCC_ALPHABET + "IOZSVabc -")
    assert outcome(ids.normalize_uscc, value) == outcome(ids._normalize_uscc, value)


@given(id_numbers, st.data())
def test_id_number_fast_path_agrees_with_the_full_path(number: str, data: st.DataObject) -> None:
    value = mutated(number, data, DIGITS + "Xx -")
    today = data.draw(st.sampled_from([TODAY, EARLIEST, datetime.date(1990, 1, 1)]))
    assert outcome(ids.normalize_id_number, value, today=today) == outcome(
        ids._normalize_id_number, value, today=today
    )


@given(
    st.from_regex(
        r"[a-z0-9-]{1,12}(\.[a-z0-9-]{1,12}){0,2}\.(com|cn|com\.cn|net|gov\.cn|zz|github\.io|xn--fiqs8s)",
        fullmatch=True,
    ),
    st.data(),
)
def test_domain_fast_path_agrees_with_the_full_path(host: str, data: st.DataObject) -> None:
    value = mutated(host, data, "abz09-. _/:A")
    assert outcome(ids.normalize_domain, value) == outcome(ids._normalize_domain, value)


@given(
    st.sampled_from([*sorted(ids.PROVINCE_ABBREVIATIONS), "港", "A"]),
    st.integers(min_value=6, max_value=11).flatmap(
        lambda size: st.text(DIGITS, min_size=size, max_size=size)
    ),
    st.sampled_from(["", "-1", "-12", "-0", "-01", "-", "号"]),
    st.data(),
)
def test_icp_filing_fast_path_agrees_with_the_full_path(
    province: str, digits: str, suffix: str, data: st.DataObject
) -> None:
    value = mutated(f"{province}ICP备{digits}号{suffix}", data, "0-号备 i")
    assert outcome(ids.normalize_icp_filing, value) == outcome(ids._normalize_icp_filing, value)
