"""``icpdesk demo``: migrate, load the demo data (idempotent) and serve the desk."""

from __future__ import annotations

import argparse
from typing import Any

from icpdesk.commands.serve import add_serve_arguments, serve


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="migrate, load demo data and serve the desk",
        description=(
            "Bring up a demo desk: apply migrations, load the demo organisations, people and cases "
            "(running it again changes nothing), then serve the desk with a task worker."
        ),
    )
    add_serve_arguments(parser)
    parser.add_argument("--no-serve", action="store_true", help="prepare the database and stop")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from icpdesk.lib.setup import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    if args.no_serve:
        return 0
    from icpdesk.commands.keys import verify_at_start

    if code := verify_at_start():
        return code
    return serve(args.host, args.port, worker=not args.no_worker, workers=args.workers)
