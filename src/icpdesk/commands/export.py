"""``icpdesk export``: the client template, and every list as .xlsx or .csv.

    icpdesk export template enterprises OUT.xlsx
    icpdesk export cases|enterprises|licenses|duties|assessments [--agency NAME|ID] -o OUT.xlsx

CSV when OUT ends in ``.csv``. With ``--agency`` the list is the agency's, as its
consultants see it on their pages; without it, the whole desk. Personal data
is masked unless the agency sees it unmasked (a preparing mandate).
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

DUTY_DAYS = 90


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the client template, or a list (cases, enterprises, licenses, duties, assessments)",
        description="Write the client import template, or a list as .xlsx (or .csv when OUT ends in .csv).",
    )
    kinds = parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    template = kinds.add_parser("template", help="the import template")
    template.add_argument("template_of", choices=("enterprises",), metavar="enterprises")
    template.add_argument("out", metavar="OUT.xlsx")
    template.set_defaults(func=run_template)
    for name, help_text in (
        ("cases", "the case queue"),
        ("enterprises", "the enterprises"),
        ("licenses", "the licenses"),
        ("duties", f"duties due in the next {DUTY_DAYS} days"),
        ("assessments", "the latest assessment of every client, a column per rule"),
    ):
        sub = kinds.add_parser(name, help=help_text)
        sub.add_argument("--agency", metavar="NAME|ID", help="the agency's list (default: the whole desk)")
        sub.add_argument("-o", "--output", required=True, metavar="OUT.xlsx", help=".xlsx, or .csv")
        sub.add_argument("--lang", choices=("zh-hans", "en"), default="zh-hans")
        sub.add_argument("--state", default="", help="only this state (cases, licenses)")
        sub.add_argument("--verdict", default="", help="only this verdict (assessments)")
        sub.add_argument("-q", "--query", default="", help="name or credit code contains (enterprises)")
        sub.set_defaults(func=run_list, kind=name)


def run_template(args: argparse.Namespace) -> int:
    from icpdesk.lib.setup import setup_django

    setup_django()
    from icpdesk.bulk.workbooks import template

    Path(args.out).write_bytes(template())
    print(args.out)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from icpdesk.lib.setup import setup_django

    setup_django()
    from django.utils import timezone

    from icpdesk.bulk import exports
    from icpdesk.bulk.cli import UsageError, find_agency

    user = None
    if args.agency:
        try:
            user = exports.agency_viewer(find_agency(args.agency))
        except UsageError as error:
            print(error, file=sys.stderr)
            return 2
    fmt = "csv" if args.output.lower().endswith(".csv") else "xlsx"
    filters = {"state": args.state, "verdict": args.verdict, "q": args.query}
    if args.kind == "duties":
        from icpdesk.notifications.duties import due_between, duties_of_user

        today = timezone.localdate()
        end = today + timedelta(days=DUTY_DAYS)
        duties = duties_of_user(user, today, end) if user is not None else list(due_between(today, end))
        table = exports.duties_table(duties, args.lang, today)
    else:
        table = exports.BUILDERS[args.kind](user, filters, args.lang)
    content, _type, _name = table.render(fmt)
    Path(args.output).write_bytes(content)
    print(args.output)
    return 0
