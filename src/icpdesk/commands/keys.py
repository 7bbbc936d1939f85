"""``icpdesk keys``: check that the field keys read every stored value, and rotate them.

Personal data is encrypted under ``ICPDESK_FIELD_KEYS`` (newest first). To
rotate, put a new key in front of the list, run ``icpdesk keys rotate``, and
drop the old key once ``icpdesk keys check`` is clean.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "keys",
        help="check or rotate the keys personal data is encrypted under",
        description=(
            "check: try ICPDESK_FIELD_KEYS on every stored encrypted value (exit 1 if any cannot be read). "
            "rotate: re-encrypt every value under the newest key (the first of ICPDESK_FIELD_KEYS)."
        ),
    )
    parser.add_argument("action", choices=("check", "rotate"))
    parser.add_argument("--dry-run", action="store_true", help="rotate: count, write nothing")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from icpdesk.lib.setup import setup_django

    setup_django()
    from icpdesk.crypto import check_keys, rotate_keys

    report = check_keys(sample=None) if args.action == "check" else rotate_keys(dry_run=args.dry_run)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "checked": report.checked,
                    "rotated": report.rotated if args.action == "rotate" else None,
                    "undecryptable": report.undecryptable,
                },
                ensure_ascii=False,
            )
        )
    else:
        verb = "would re-encrypt" if args.dry_run else "re-encrypted"
        line = f"{report.checked} encrypted values checked"
        if args.action == "rotate":
            line += f", {report.rotated} {verb} under the newest key"
        print(line)
    if not report.ok:
        print(undecryptable_message(report.undecryptable), file=sys.stderr)
        return 1
    return 0


def undecryptable_message(undecryptable: dict[str, int]) -> str:
    where = ", ".join(f"{label} ({count})" for label, count in sorted(undecryptable.items()))
    return (
        f"icpdesk: stored personal data cannot be decrypted with ICPDESK_FIELD_KEYS: {where}. "
        "Add the key it was written with to ICPDESK_FIELD_KEYS (newest first; without ICPDESK_FIELD_KEYS "
        "the key is derived from ICPDESK_SECRET_KEY, so a changed secret key needs the old one's derived "
        "key listed), then run `icpdesk keys rotate`."
    )


def verify_at_start() -> int:
    """0 when the keys read the newest stored values; else print why and return 2 (for serve and worker)."""
    from django.db.utils import DatabaseError

    from icpdesk.crypto import check_keys

    try:
        report = check_keys(sample=20)
    except DatabaseError:
        return 0  # not migrated yet: nothing stored to read
    if report.ok:
        return 0
    print(undecryptable_message(report.undecryptable), file=sys.stderr)
    return 2
