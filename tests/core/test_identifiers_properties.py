"""Property tests against python-stdnum.

Codes built with stdnum's own check characters are accepted and normalised to
stdnum's compact form, whatever spaces, hyphens and lower case they are typed
with; on random strings the desk refuses exactly when stdnum refuses, except
for the rules the desk adds or corrects, each stated where it is tested:

- credit code: positions 1-2 must be an assigned authority and category
  (stdnum accepts any digits there and refuses the letters A, N and Y that
  GB 32100-2015 assigns), positions 3-4 a province or 10 (national);
- identity number: the birth date lies between 1900 and today; an address
  code is valid if stdnum's division data lists it at all (stdnum also asks
  that the county existed in the birth year, which refuses real numbers);
- bank card: 12 to 19 digits before the Luhn digit counts.
"""

from __future__ import annotations

import datetime

from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import luhn, numdb
from stdnum.cn import ric, uscc

from icpdesk.core import identifiers as ids
from icpdesk.core.identifiers import IdentifierError

TODAY = datetime.date(2026, 11, 30)
EARLIEST = datetime.date(1900, 1, 1)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DIGITS = "0123456789"
USCC_DIVISIONS = [*sorted(ids.PROVINCE_CODES), "10"]
# GB 32100-2015 and the notices after it: authority -> categories.
USCC_PAIRS = {
    "1": "1239",
    "2": "19",
    "3": "123459",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "1239",
    "Y": "1",
}
ADDRESS_CODES = sorted(ids._address_codes())


def code_of(func, value: str, **kwargs) -> str | None:  # type: ignore[no-untyped-def]
    try:
        func(value, **kwargs)
    except IdentifierError as error:
        return error.code
    return None


def stdnum_knows(region: str) -> bool:
    """Whether stdnum's division data has a county (of any period) for the code."""
    return any("county" in props for _, props in numdb.get("cn/loc").info(region))


def messy(value: str, data: st.DataObject) -> str:
    """Insert spaces and hyphens and lowercase some letters."""
    out = []
    for ch in value:
        if data.draw(st.booleans()):
            out.append(data.draw(st.sampled_from([" ", "-", "\u3000", "－"])))
        out.append(ch.lower() if data.draw(st.booleans()) else ch)
    return "".join(out)


# --- strategies -------------------------------------------------------------

uscc_pairs = st.sampled_from([a + c for a, categories in USCC_PAIRS.items() for c in categories])
usccs = st.builds(
    lambda pair, province, rest, org: (body := pair + province + rest + org) + uscc.calc_check_digit(body),
    uscc_pairs,
    st.sampled_from(USCC_DIVISIONS),
    st.text(DIGITS, min_size=4, max_size=4),
    st.text(USCC_ALPHABET, min_size=9, max_size=9),
)

id_numbers = st.builds(
    lambda region, birth, sequence: (
        (body := region + birth.strftime("%Y%m%d") + sequence) + ric.calc_check_digit(body + "0")
    ),
    st.sampled_from(ADDRESS_CODES),
    st.dates(min_value=EARLIEST, max_value=TODAY),
    st.text(DIGITS, min_size=3, max_size=3),
)

card_numbers = st.integers(min_value=11, max_value=18).flatmap(
    lambda size: st.text(DIGITS, min_size=size, max_size=size).map(
        lambda body: body + luhn.calc_check_digit(body)
    )
)


# --- unified social credit code ---------------------------------------------


@given(usccs, st.data())
def test_codes_with_stdnums_check_character_are_accepted_in_its_compact_form(
    code: str, data: st.DataObject
) -> None:
    typed = messy(code, data)
    assert ids.normalize_uscc(typed) == uscc.compact(typed) == code
    assert ids.normalize_uscc(code) == code
    info = ids.uscc_details(code)
    assert info.check_character == code[-1]
    assert info.registration_authority_name and info.org_type_name
    if code[:2].isdigit():
        assert uscc.validate(code) == code


@given(
    st.text(USCC_ALPHABET, min_size=17, max_size=17),
    st.booleans(),
    st.sampled_from(USCC_ALPHABET),
)
def test_the_desk_refuses_a_code_exactly_when_stdnum_or_the_desks_own_rules_do(
    body: str, right_check: bool, other: str
) -> None:
    value = body + (uscc.calc_check_digit(body) if right_check else other)
    structure_ok = (
        body[1] in USCC_PAIRS.get(body[0], "") and body[2:8].isdigit() and body[2:4] in USCC_DIVISIONS
    )
    accepted = code_of(ids.normalize_uscc, value) is None
    if value[:2].isdigit():
        # stdnum's own ground: its verdict, narrowed by the assigned pairs and provinces
        assert accepted == (uscc.is_valid(value) and structure_ok)
    else:
        # stdnum refuses every letter in positions 1-2; A, N and Y are assigned
        assert not uscc.is_valid(value)
        assert accepted == (uscc.calc_check_digit(body) == value[17] and structure_ok)


@given(usccs, st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET + "IOZSV"))
def test_changing_one_uscc_character_is_refused_with_the_first_wrong_part(
    code: str, position: int, replacement: str
) -> None:
    assume(code[position] != replacement)
    changed = code[:position] + replacement + code[position + 1 :]
    if replacement in "IOZSV":
        expected = "characters"
    elif changed[0] not in USCC_PAIRS:
        expected = "authority"
    elif changed[1] not in USCC_PAIRS[changed[0]]:
        expected = "category"
    elif not changed[2:8].isdigit() or changed[2:4] not in USCC_DIVISIONS:
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


# --- resident identity number -----------------------------------------------


@given(id_numbers, st.data())
def test_numbers_with_stdnums_check_character_are_accepted_in_its_compact_form(
    number: str, data: st.DataObject
) -> None:
    typed = messy(number, data)
    # stdnum's compact form of a number keeps inner spaces and hyphens; the desk drops them
    assert ids.normalize_id_number(typed, today=TODAY) == ric.compact(number) == number
    info = ids.id_number_details(number, today=TODAY)
    assert info.birth_date == ric.get_birth_date(number)
    assert info.sex == ("male" if int(number[16]) % 2 else "female")
    assert info.region_name
    assert ids.mask_id_number(number) == number[:6] + "********" + number[-4:]


@given(st.sampled_from(ADDRESS_CODES))
def test_every_address_code_the_desk_accepts_is_in_stdnums_data(region: str) -> None:
    assert stdnum_knows(region) or region in ("830000", "620201")


@given(st.text(DIGITS, min_size=6, max_size=6))
def test_an_address_code_is_refused_exactly_when_stdnums_data_has_no_county_for_it(region: str) -> None:
    body = region + "19900101123"
    number = body + ric.calc_check_digit(body + "0")
    error = code_of(ids.normalize_id_number, number, today=TODAY)
    known = stdnum_knows(region) or region in ("830000", "620201")
    assert error == (None if known else "region")


def stdnum_accepts(number: str) -> bool:
    # stdnum 2.2 raises KeyError, not a ValidationError, for a known province
    # with an unknown county (e.g. 629999); that is a refusal too.
    try:
        return ric.is_valid(number)
    except KeyError:
        return False


@given(
    st.one_of(st.sampled_from(ADDRESS_CODES), st.text(DIGITS, min_size=6, max_size=6)),
    st.one_of(
        st.dates(min_value=datetime.date(1850, 1, 1), max_value=datetime.date(2100, 1, 1)).map(
            lambda d: d.strftime("%Y%m%d")
        ),
        st.text(DIGITS, min_size=8, max_size=8),
    ),
    st.text(DIGITS, min_size=3, max_size=3),
    st.one_of(st.none(), st.sampled_from(DIGITS + "X")),
)
def test_the_desk_refuses_a_number_exactly_when_stdnum_or_the_desks_own_rules_do(
    region: str, birth: str, sequence: str, check: str | None
) -> None:
    body = region + birth + sequence
    number = body + (ric.calc_check_digit(body + "0") if check is None else check)
    accepted = code_of(ids.normalize_id_number, number, today=TODAY) is None
    try:
        born = ric.get_birth_date(number)
    except ric.InvalidComponent:
        born = None
    in_range = born is not None and EARLIEST <= born <= TODAY
    known = stdnum_knows(region) or region in ("830000", "620201")
    check_ok = ric.calc_check_digit(number) == number[17]
    assert accepted == (check_ok and born is not None and known and in_range)
    if stdnum_accepts(number) and in_range:
        assert accepted
    if accepted and not stdnum_accepts(number):
        # only stdnum's county-by-birth-year rule (or a code it lacks) refuses it
        assert region in ("830000", "620201") or stdnum_knows(region)
        try:
            ric.get_birth_place(number)
        except (ric.InvalidComponent, KeyError):  # stdnum's KeyError: see stdnum_accepts
            pass
        else:
            raise AssertionError("stdnum refused for another reason")


@given(id_numbers, st.integers(min_value=0, max_value=16), st.sampled_from(DIGITS))
def test_changing_one_id_digit_is_refused_with_the_first_wrong_part(
    number: str, position: int, replacement: str
) -> None:
    assume(number[position] != replacement)
    changed = number[:position] + replacement + number[position + 1 :]
    try:
        born: datetime.date | None = ric.get_birth_date(changed)
    except ric.InvalidComponent:
        born = None
    if changed[:6] not in ids._address_codes():
        expected = "region"
    elif born is None or not EARLIEST <= born <= TODAY:
        expected = "birth_date"
    else:
        expected = "check_character"
    assert code_of(ids.normalize_id_number, changed, today=TODAY) == expected


@given(id_numbers, st.sampled_from(DIGITS + "X"))
def test_a_wrong_id_check_character_is_refused(number: str, replacement: str) -> None:
    assume(number[-1] != replacement)
    assert code_of(ids.normalize_id_number, number[:-1] + replacement, today=TODAY) == "check_character"


# --- bank card ----------------------------------------------------------------


@given(card_numbers, st.data())
def test_cards_with_stdnums_luhn_digit_are_accepted(number: str, data: st.DataObject) -> None:
    assert ids.normalize_bank_card(messy(number, data)) == number
    masked = ids.mask_bank_card(number)
    assert masked.startswith(number[:4]) and masked.endswith(number[-4:])
    assert sum(ch.isdigit() for ch in masked) == 8


@given(st.text(DIGITS, min_size=1, max_size=22), st.booleans())
def test_the_desk_refuses_a_card_exactly_when_luhn_or_the_length_does(body: str, fix: bool) -> None:
    number = body + luhn.calc_check_digit(body) if fix else body
    error = code_of(ids.normalize_bank_card, number)
    if not 12 <= len(number) <= 19:
        assert error == "length"
    else:
        assert error == (None if luhn.is_valid(number) else "check_character")


# --- mobile, ICP filing, license number, domain ---------------------------------

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
