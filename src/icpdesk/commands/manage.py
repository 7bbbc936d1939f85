"""``icpdesk manage ...``: Django's management commands (migrate, createsuperuser, ...)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "manage",
        help="run a Django management command (migrate, createsuperuser, ...)",
        description="Run a Django management command, e.g. `icpdesk manage migrate`.",
    )
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help="the command and its arguments")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from icpdesk.lib.setup import setup_django

    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["icpdesk manage", *args.arguments])
    return 0
