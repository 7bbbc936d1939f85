"""The published JSON Schema of the profile, generated from its one definition.

``core/schemas/profile.schema.json`` is this function's output; regenerate it
after changing :mod:`icpdesk.core.rules.profile` with::

    python -m icpdesk.core.rules.schema

(``tests/core/test_profile_schema.py`` fails while the committed file is stale.)
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import msgspec

from icpdesk.core.rules.profile import Profile

__all__ = ["SCHEMA_PATH", "profile_schema", "schema_text"]

SCHEMA_PATH = Path(str(resources.files("icpdesk.core") / "schemas" / "profile.schema.json"))


def profile_schema() -> dict[str, Any]:
    """Draft 2020-12 schema of :class:`Profile`: the profile at the root, its parts in ``$defs``."""
    generated = _one_line(msgspec.json.schema(Profile))
    defs: dict[str, Any] = generated["$defs"]
    root = defs.pop("Profile")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://icpdesk.example/schemas/profile.schema.json",
        **root,
        "title": "icpdesk enterprise profile",
        "$defs": defs,
    }


def _one_line(node: Any) -> Any:
    """The schema with each description on one line (they come from docstrings)."""
    if isinstance(node, dict):
        return {
            key: " ".join(value.split())
            if key == "description" and isinstance(value, str)
            else _one_line(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_one_line(item) for item in node]
    return node


def schema_text() -> str:
    """The schema as committed: indented JSON, not ASCII-escaped, with a final newline."""
    return json.dumps(profile_schema(), ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
