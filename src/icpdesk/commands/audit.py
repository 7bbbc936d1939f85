"""``icpdesk audit verify``: recompute every case's audit hash chain and name the first broken link."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "audit",
        help="verify the audit trail's hash chains",
        description=(
            "verify: recompute the hash chain of every case's audit events. Exit 0 when every chain holds; "
            "exit 1 naming, for each case whose chain breaks, the first event that does not verify."
        ),
    )
    parser.add_argument("action", choices=("verify",))
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from icpdesk.lib.setup import setup_django

    setup_django()
    from icpdesk.cases.audit import broken_links, verified_count

    broken = list(broken_links())
    total = verified_count()
    if args.format == "json":
        print(
            json.dumps(
                {
                    "events": total,
                    "broken": [
                        {
                            "case": b.reference,
                            "case_id": b.application_id,
                            "event": b.event_id,
                            "reason": b.reason,
                        }
                        for b in broken
                    ],
                },
                ensure_ascii=False,
            )
        )
    else:
        for link in broken:
            print(f"broken: {link.describe()}", file=sys.stderr)
        print(f"{total} audit events checked; {len(broken)} case chain(s) broken")
    return 1 if broken else 0
