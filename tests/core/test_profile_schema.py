"""The published JSON Schema of the profile is generated from the msgspec declaration, and the
committed file is that output: changing the declaration without regenerating the file fails here."""

from __future__ import annotations

import msgspec

from icpdesk.core.rules import parse_profile
from icpdesk.core.rules.profile import Profile
from icpdesk.core.rules.schema import SCHEMA_PATH, profile_schema, schema_text


def test_the_committed_schema_is_the_generated_one() -> None:
    committed = SCHEMA_PATH.read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "core/schemas/profile.schema.json is stale: run python -m icpdesk.core.rules.schema"
    )


def test_the_schema_comes_from_the_msgspec_declaration() -> None:
    generated = msgspec.json.schema(Profile)
    schema = profile_schema()
    assert set(schema["$defs"]) == set(generated["$defs"]) - {"Profile"}
    assert schema["properties"].keys() == generated["$defs"]["Profile"]["properties"].keys()
    for name, node in generated["$defs"].items():
        if name != "Profile":
            assert schema["$defs"][name]["properties"].keys() == node["properties"].keys()


def test_the_schemas_required_fields_are_what_the_decoder_requires() -> None:
    schema = profile_schema()
    assert schema["required"] == ["enterprise"]
    assert "name" in schema["$defs"]["Enterprise"]["required"]
    parse_profile({"enterprise": {"name": "兰州陇货精品电子商务有限公司"}})
