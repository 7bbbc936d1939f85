"""``icpdesk check KIND VALUE``: validate and normalise one identifier.

Exit 0 with the normalised value on the first line (and its parts as
``key: value`` lines after it), or exit 1 with the reason on stderr. Pure: no
Django, no database.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from icpdesk.core import identifiers as ids

Details = dict[str, str | int | bool | None]


def _uscc(value: str) -> tuple[str, Details]:
    info = ids.uscc_details(value)
    return info.code, {
        "registration_authority": info.registration_authority,
        "registration_authority_name": info.registration_authority_name,
        "org_type": info.org_type,
        "org_type_name": info.org_type_name,
        "division_code": info.division_code,
        "province": info.province,
        "in_gansu": info.in_gansu,
        "organisation_code": info.organisation_code,
        "check_character": info.check_character,
    }


def _id_number(value: str) -> tuple[str, Details]:
    info = ids.id_number_details(value)
    return info.number, {
        "region_code": info.region_code,
        "province": info.province,
        "region_name": info.region_name,
        "birth_date": info.birth_date.isoformat(),
        "sex": info.sex,
        "check_character": info.check_character,
        "masked": info.masked,
    }


def _bank_card(value: str) -> tuple[str, Details]:
    number = ids.normalize_bank_card(value)
    return number, {"length": len(number), "masked": ids.mask_bank_card(number)}


def _mobile(value: str) -> tuple[str, Details]:
    number = ids.normalize_mobile(value)
    return number, {"masked": ids.mask_mobile(number)}


def _domain(value: str) -> tuple[str, Details]:
    info = ids.normalize_domain(value)
    return info.domain, {
        "registrable": info.registrable,
        "suffix": info.suffix,
        "unicode": info.unicode,
        "registrable_unicode": info.registrable_unicode,
    }


def _icp_filing(value: str) -> tuple[str, Details]:
    info = ids.normalize_icp_filing(value)
    return info.number, {
        "province": info.province,
        "province_name": info.province_name,
        "digits": info.digits,
        "site": info.site,
        "base": info.base,
    }


def _license_number(value: str) -> tuple[str, Details]:
    info = ids.normalize_license_number(value)
    return info.number, {
        "province": info.province,
        "province_name": info.province_name,
        "category": info.category,
        "year": info.year,
        "serial": info.serial,
        "suffix": info.suffix,
        "base": info.base,
    }


CHECKERS: dict[str, Callable[[str], tuple[str, Details]]] = {
    "uscc": _uscc,
    "id-number": _id_number,
    "bank-card": _bank_card,
    "mobile": _mobile,
    "domain": _domain,
    "icp-filing": _icp_filing,
    "license-number": _license_number,
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "check",
        help="validate and normalise an identifier",
        description=(
            "Validate one identifier and print its normalised form (exit 0), or the reason it is "
            "refused on stderr (exit 1). Kinds: uscc (unified social credit code), id-number "
            "(resident identity number), bank-card, mobile, domain, icp-filing (e.g. "
            "甘ICP备2023001234号-1), license-number (e.g. 甘B2-20240001)."
        ),
    )
    parser.add_argument("kind", metavar="KIND", choices=sorted(CHECKERS), help=", ".join(CHECKERS))
    parser.add_argument("value", metavar="VALUE", help="the identifier to check")
    parser.add_argument(
        "--lang",
        type=str.lower,
        choices=("zh-hans", "zh", "en"),
        default="zh-hans",
        help="language of the reason (default zh-Hans)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    kind: str = args.kind
    try:
        value, details = CHECKERS[kind](args.value)
    except ids.IdentifierError as exc:
        reason = exc.message(args.lang)
        if args.format == "json":
            payload = {"valid": False, "kind": kind, "code": exc.code, "reason": reason}
            print(json.dumps(payload, ensure_ascii=False))
        else:
            print(reason, file=sys.stderr)
        return 1
    if args.format == "json":
        payload_ok = {"valid": True, "kind": kind, "value": value, "details": details}
        print(json.dumps(payload_ok, ensure_ascii=False))
        return 0
    print(value)
    for key, item in details.items():
        if item is None or (key == "unicode" and item == value):
            continue
        if key == "registrable_unicode" and item == details.get("registrable"):
            continue
        print(f"{key}: {str(item).lower() if isinstance(item, bool) else item}")
    return 0
