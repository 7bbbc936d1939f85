"""What the bulk commands share: finding the agency by name or id, a progress bar, the book assessment.

Used by ``icpdesk import``, ``icpdesk export`` and ``icpdesk assess --agency``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from icpdesk.accounts.models import Organisation


class UsageError(Exception):
    """A command-line mistake (exit 2) with the message to print."""


def find_agency(value: str) -> Organisation:
    from icpdesk.accounts.choices import OrgKind
    from icpdesk.accounts.models import Organisation

    agencies = Organisation.objects.filter(kind=OrgKind.AGENCY)
    text = value.strip()
    if text.isdigit():
        found = agencies.filter(pk=int(text)).first()
        if found is not None:
            return found
    matches = list(agencies.filter(name=text)[:2]) or list(agencies.filter(name__icontains=text)[:2])
    if not matches:
        raise UsageError(f"没有名为或编号为 {text!r} 的代办机构 / no agency named or numbered {text!r}")
    if len(matches) > 1:
        raise UsageError(
            f"{text!r} 匹配多个代办机构，请使用编号 / {text!r} matches several agencies: give its id"
        )
    return matches[0]


def progress_bar(label: str, stream: TextIO | None = None) -> Callable[[int, int], None] | None:
    """A progress bar on stderr when it is a terminal; None otherwise (scripts see no noise)."""
    out = stream or sys.stderr
    if not out.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        percent = 100 * done // total if total else 100
        out.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {percent:3d}%")
        if done >= total:
            out.write("\n")
        out.flush()

    return show


def bulk_assess_command(args: argparse.Namespace) -> int:
    """``icpdesk assess --agency NAME|ID``: assess every client of the agency from its stored profile."""
    from icpdesk.lib.setup import setup_django

    setup_django()
    from icpdesk.bulk.book import run_book_assessment, start_book_assessment

    try:
        agency = find_agency(args.agency)
    except UsageError as error:
        print(error, file=sys.stderr)
        return 2
    lang = getattr(args, "lang", "zh-hans") or "zh-hans"
    run = start_book_assessment(agency, None, getattr(args, "on", None), enqueue=False)
    run = run_book_assessment(run, progress_bar("评估 / assessing"), lang=lang)
    summary: dict[str, Any] = {
        "agency": agency.name,
        "assessed_on": run.assessed_on.isoformat(),
        "total": run.total,
        "verdicts": run.verdicts,
        "errors": run.errors,
    }
    if getattr(args, "format", "text") == "json":
        print(json.dumps(summary, ensure_ascii=False))
    else:
        verdicts = "，".join(f"{k} {v}" for k, v in sorted(run.verdicts.items()))
        print(f"{agency.name}：已评估 {run.total} 家客户（{verdicts}），评估日期 {run.assessed_on}")
        for failed in run.errors:
            print(f"  {failed['uscc']} {failed['name']}: {failed['field']}: {failed['message']}")
    return 0
