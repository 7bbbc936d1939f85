"""``icpdesk import enterprises FILE --agency NAME|ID``: an agency's clients from Excel or CSV.

Prints ``{"created", "updated", "unchanged", "skipped", "errors": [{"row", "column",
"field", "message"}]}`` (``--format json``) or the same as text. Exit 0 when
imported without errors, 1 when errors were found (nothing imported without
``--skip-invalid``), 2 for a file that cannot be read or bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import an agency's clients from an Excel workbook or CSV",
        description=(
            "Import clients into an agency's book from the template workbook (icpdesk export template "
            "enterprises) or a CSV. All or nothing unless --skip-invalid. Exit 0 imported, 1 errors found, "
            "2 unreadable file. See docs/import.md."
        ),
    )
    kinds = parser.add_subparsers(dest="what", metavar="WHAT", required=True)
    enterprises = kinds.add_parser("enterprises", help="client enterprises (sheets 企业 and 安全管理人员)")
    enterprises.add_argument("file", metavar="FILE", help=".xlsx or .csv (UTF-8, GBK or GB18030)")
    enterprises.add_argument("--agency", required=True, metavar="NAME|ID", help="the agency whose book it is")
    enterprises.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    enterprises.add_argument(
        "--skip-invalid", action="store_true", help="import the valid rows, report the rest"
    )
    enterprises.add_argument("--format", choices=("text", "json"), default="text")
    enterprises.add_argument(
        "--lang", choices=("zh-hans", "en"), default="zh-hans", help="language of the errors"
    )
    enterprises.add_argument("--errors-out", metavar="OUT.xlsx", help="write the error workbook here")
    enterprises.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from icpdesk.lib.setup import setup_django

    setup_django()
    from django.core.files.storage import default_storage

    from icpdesk.bulk.cli import UsageError, find_agency, progress_bar
    from icpdesk.bulk.imports import public_report, run_import, start_import
    from icpdesk.bulk.reader import FileRefused

    try:
        agency = find_agency(args.agency)
        data = Path(args.file).read_bytes()
    except UsageError as error:
        print(error, file=sys.stderr)
        return 2
    except OSError as error:
        print(f"无法读取文件 / cannot read the file: {error}", file=sys.stderr)
        return 2
    try:
        import_run = start_import(
            agency,
            None,
            data,
            Path(args.file).name,
            skip_invalid=args.skip_invalid,
            dry_run=args.dry_run,
            enqueue=False,
        )
    except FileRefused as refused:
        return _refused(args, refused.to_dict(args.lang))
    report = public_report(run_import(import_run, progress_bar("导入 / importing"), args.lang), args.lang)
    if "refused" in report:
        return _refused(args, report["refused"])
    if args.errors_out and import_run.error_file:
        with default_storage.open(import_run.error_file, "rb") as handle:
            Path(args.errors_out).write_bytes(handle.read())
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False))
    else:
        _print_text(report, args.lang)
    return 1 if report["errors"] else 0


def _refused(args: argparse.Namespace, refused: dict[str, str]) -> int:
    if args.format == "json":
        print(json.dumps({"refused": refused}, ensure_ascii=False))
    else:
        print(refused["message"], file=sys.stderr)
    return 2


def _print_text(report: dict[str, Any], lang: str) -> None:
    en = lang == "en"
    labels = (
        ("created", "新建", "created"),
        ("updated", "更新", "updated"),
        ("unchanged", "未变", "unchanged"),
        ("skipped", "跳过", "skipped"),
    )
    counts = ", ".join(f"{en_label if en else zh} {report[key]}" for key, zh, en_label in labels)
    if report["dry_run"]:
        state = "dry run, nothing written" if en else "试运行，未写入"
    elif report["imported"]:
        state = "imported" if en else "已导入"
    else:
        state = "nothing imported" if en else "未导入任何数据"
    print(f"{state}: {counts}")
    for error in report["errors"]:
        where = f"{error['sheet']}!" if error["sheet"] != "企业" else ""
        print(
            f"  {where}{'row' if en else '第'} {error['row']}{'' if en else ' 行'} "
            f"[{error['column']} / {error['field']}]: {error['message']}"
        )
    if report["ignored_columns"]:
        print(("ignored columns: " if en else "未导入的列：") + ", ".join(report["ignored_columns"]))
