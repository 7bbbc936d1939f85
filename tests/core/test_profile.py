"""The profile parser: the public contract, and its agreement with the JSON Schema."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from icpdesk.core.rules import ProfileError, parse_profile

FIXTURES = Path(__file__).parent.parent / "fixtures" / "profiles"


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def schema() -> dict[str, Any]:
    text = (resources.files("icpdesk.core") / "schemas" / "profile.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    # JSON Schema's integer is any number with no fraction, 3.0 included; the
    # decoder takes the JSON integers only, a difference the tests name below.
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


def schema_errors(
    node: dict[str, Any], value: Any, path: str = "$", root: dict[str, Any] | None = None
) -> list[str]:
    """A minimal draft 2020-12 check: $ref (to $defs), anyOf, type, required,
    properties, additionalProperties, items, minimum, pattern, format date."""
    root = root if root is not None else node
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        return schema_errors(root["$defs"][name], value, path, root)
    if "anyOf" in node:
        options = [schema_errors(option, value, path, root) for option in node["anyOf"]]
        return [] if any(not errors for errors in options) else min(options, key=len)
    types = node.get("type")
    if types is not None:
        allowed = [types] if isinstance(types, str) else types
        if not any(_TYPES[t](value) for t in allowed):
            return [f"{path}: type"]
    errors: list[str] = []
    if isinstance(value, dict):
        props = node.get("properties", {})
        for key in node.get("required", []):
            if key not in value:
                errors.append(f"{path}.{key}: required")
        for key, item in value.items():
            if key in props:
                errors += schema_errors(props[key], item, f"{path}.{key}", root)
            elif node.get("additionalProperties") is False:
                errors.append(f"{path}.{key}: additional")
    if isinstance(value, list) and "items" in node:
        for i, item in enumerate(value):
            errors += schema_errors(node["items"], item, f"{path}[{i}]", root)
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and "minimum" in node and value < node["minimum"]:
        errors.append(f"{path}: minimum")
    if isinstance(value, str):
        if len(value) < node.get("minLength", 0):
            errors.append(f"{path}: minLength")
        if "pattern" in node and not re.search(node["pattern"], value):
            errors.append(f"{path}: pattern")
        if node.get("format") == "date" and not errors:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                errors.append(f"{path}: format")
            else:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    errors.append(f"{path}: format")
    return errors


def section(name: str) -> dict[str, Any]:
    """The schema of a part of the profile (``Enterprise``, ``Website``)."""
    found: dict[str, Any] = schema()["$defs"][name]
    return found


def parser_accepts(value: Any) -> bool:
    try:
        parse_profile(value)
    except ProfileError:
        return False
    return True


def _mutations() -> list[Any]:
    good = load_fixture("good")
    out: list[Any] = []
    for path, bad in [
        (("enterprise", "name"), "  "),
        (("enterprise", "name"), 12),
        (("enterprise", "registered_on"), "2023/05/10"),
        (("enterprise", "registered_on"), "2023-02-30"),
        (("enterprise", "registered_capital_cny"), -1),
        (("enterprise", "registered_capital_cny"), True),
        (("enterprise", "registered_capital_cny"), "1000000"),
        (("enterprise", "on_abnormal_list"), "no"),
        (("website", "server_regions"), "CN-GS"),
        (("website", "server_regions"), [1]),
        (("website",), []),
        (("security_staff",), {}),
        (("capital_proof", "bank_statement_months"), 2.5),
        (("history", "violations"), [{"date": None}]),
        (("assessed_on",), 20261130),
        (("extra",), 1),
    ]:
        variant = copy.deepcopy(good)
        target = variant
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = bad
        out.append(variant)
    for ok_variant in (
        {"enterprise": {"name": "x"}},
        {"enterprise": {"name": "x", "registered_capital_cny": 999999.5}, "website": None, "history": None},
        {"enterprise": {"name": "x"}, "capital_proof": {"bank_statement_months": 3}},
    ):
        out.append(ok_variant)
    out += [None, [], "x", {"enterprise": None}]
    return out


class TestSchemaAgreement:
    def test_the_schema_is_draft_2020_12(self) -> None:
        assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema()["required"] == ["enterprise"]

    @pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem)
    def test_it_agrees_with_the_schema_on_every_fixture(self, path: Path) -> None:
        value = json.loads(path.read_text(encoding="utf-8"))
        valid = not schema_errors(schema(), value)
        assert valid is parser_accepts(value)
        assert valid is (not path.stem.startswith("malformed_"))

    @pytest.mark.parametrize("value", _mutations())
    def test_it_agrees_with_the_schema_on_variants(self, value: Any) -> None:
        assert (not schema_errors(schema(), value)) is parser_accepts(value)

    def test_every_schema_property_is_parsed(self) -> None:
        props = schema()["properties"]
        assert set(props) == {
            "assessed_on",
            "enterprise",
            "website",
            "security_staff",
            "capital_proof",
            "history",
        }
        full = load_fixture("good")
        profile = parse_profile(full)
        assert profile.enterprise.name == "兰州陇货精品电子商务有限公司"
        for key in section("Enterprise")["properties"]:
            assert hasattr(profile.enterprise, key)
        assert profile.website is not None
        for key in section("Website")["properties"]:
            assert hasattr(profile.website, key)

    def test_a_whole_number_is_written_without_a_fraction(self) -> None:
        with pytest.raises(ProfileError) as caught:
            parse_profile({"enterprise": {"name": "x"}, "capital_proof": {"bank_statement_months": 3.0}})
        assert caught.value.field == "capital_proof.bank_statement_months"
        assert caught.value.message("en") == "expected integer, got number"


class TestParse:
    def test_it_parses_the_issue_example(self) -> None:
        p = parse_profile(load_fixture("good"))
        assert p.assessed_on == date(2026, 11, 30)
        assert p.enterprise.registered_on == date(2023, 5, 10)
        assert p.website is not None and p.website.server_regions == ("CN-GS",)
        assert p.security_staff is not None and p.security_staff[0].insured_months == 3
        assert p.history is not None and p.history.violations == () and p.history.barred_until is None

    def test_the_objects_are_frozen(self) -> None:
        p = parse_profile(load_fixture("good"))
        with pytest.raises(AttributeError):
            p.enterprise.name = "x"  # type: ignore[misc]
        assert hash(p) == hash(parse_profile(load_fixture("good")))

    def test_bytes_text_and_dict_decode_alike(self) -> None:
        text = (FIXTURES / "good.json").read_text(encoding="utf-8")
        assert parse_profile(text) == parse_profile(text.encode()) == parse_profile(json.loads(text))

    def test_absent_sections_are_none(self) -> None:
        p = parse_profile({"enterprise": {"name": "x"}})
        assert p.website is None and p.security_staff is None and p.history is None
        assert p.enterprise.uscc is None

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({}, "enterprise"),
            ({"enterprise": "x"}, "enterprise"),
            ({"enterprise": {}}, "enterprise.name"),
            ({"enterprise": {"name": "x", "registered_on": "2023-5-10"}}, "enterprise.registered_on"),
            (
                {"enterprise": {"name": "x"}, "security_staff": [{}, {"insured_months": "three"}]},
                "security_staff[1].insured_months",
            ),
            (
                {"enterprise": {"name": "x"}, "security_staff": [{"certificates": ["A", 1]}]},
                "security_staff[0].certificates[1]",
            ),
            ({"enterprise": {"name": "x"}, "history": {"violations": [{}]}}, "history.violations[0].date"),
            ({"enterprise": {"name": "x"}, "website": {"domian": "a.com"}}, "website.domian"),
            ([], "$"),
        ],
    )
    def test_a_malformed_profile_names_the_field(self, data: Any, field: str) -> None:
        with pytest.raises(ProfileError) as caught:
            parse_profile(data)
        assert caught.value.field == field
        assert caught.value.message("zh-hans") and caught.value.message("en")
        assert caught.value.to_dict("en")["field"] == field

    def test_bad_values_are_not_schema_errors(self) -> None:
        p = parse_profile(load_fixture("bad_values"))
        assert p.enterprise.legal_form == "cooperative"
        assert p.enterprise.uscc == "91620100MA7ABC2D18"
