"""The ``icpdesk`` command.

Each subcommand lives in ``icpdesk.commands.<name>`` and exposes
``register(subparsers)``; the ones that touch the database call
:func:`icpdesk.lib.setup.setup_django` first, the pure ones (``check``, ``assess``) never do, so
they start fast and run without a database.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

SUBCOMMANDS = (
    "assess",
    "calendar",
    "check",
    "read",
    "scan",
    "keys",
    "audit",
    "imports",
    "export",
    "serve",
    "demo",
    "worker",
    "manage",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="icpdesk",
        description="icpdesk: the online service desk for ICP license cases.",
    )
    from icpdesk import __version__

    parser.add_argument("--version", action="version", version=f"icpdesk {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"icpdesk.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``icpdesk ... | head``): what it did not read is not an error.
        # stdout is pointed at devnull so that Python's flush at exit finds no pipe to fail on.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 0
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
