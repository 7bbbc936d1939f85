"""An import from upload to report: the history row, the stored file, the run, the report and error workbook.

:func:`start_import` keeps the uploaded file (Django storage, like materials)
and the :class:`ImportRun` row, then queues :func:`icpdesk.bulk.tasks.run_import_task`
after commit; :func:`run_import` does the work (in the worker, or at once for
the command line) and updates ``done``/``total`` as it goes, so the page can
show how far it has come.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from icpdesk.accounts.models import Organisation
from icpdesk.bulk import reader
from icpdesk.bulk.actions import check_may_import, import_clients
from icpdesk.bulk.importer import RowError, parse, plan
from icpdesk.bulk.models import HeaderMapping, ImportRun, Status
from icpdesk.bulk.workbooks import error_workbook
from icpdesk.core.tabular import normalize_header

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


def remembered_mapping(agency: Organisation) -> dict[str, str]:
    return dict(HeaderMapping.objects.filter(agency=agency).values_list("header", "field"))


def remember_mapping(agency: Organisation, mapping: dict[str, str]) -> None:
    for header, key in mapping.items():
        if key:
            HeaderMapping.objects.update_or_create(
                agency=agency, header=normalize_header(header), defaults={"field": key}
            )


def start_import(
    agency: Organisation,
    user: Any,
    data: bytes,
    filename: str,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    mapping: dict[str, str] | None = None,
    enqueue: bool = True,
) -> ImportRun:
    """Keep the file and its history row; refuse at once a file that cannot be read (FileRefused)."""
    check_may_import(user, agency)
    reader.refuse_early(data, filename)
    safe = "".join(ch for ch in filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] if ch.isprintable())[:150]
    with transaction.atomic():
        if mapping:
            remember_mapping(agency, mapping)
        name = default_storage.save(
            f"imports/{agency.pk}/{timezone.now():%Y%m%d-%H%M%S}-{safe or 'upload'}", ContentFile(data)
        )
        run = ImportRun.objects.create(
            agency=agency,
            created_by=user,
            filename=safe or "upload",
            file=name,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            mapping=mapping or {},
        )
        if enqueue:
            from icpdesk.bulk.tasks import enqueue_import

            transaction.on_commit(lambda: enqueue_import(run.pk))
    return run


def _progress(run_id: int) -> Progress:
    def update(done: int, total: int) -> None:
        ImportRun.objects.filter(pk=run_id).update(done=done, total=total)

    return update


def run_import(run: ImportRun, progress: Progress | None = None, lang: str = "zh-hans") -> dict[str, Any]:
    """Read, check and (unless refused) write the file of ``run``; keep and return the report."""
    report_progress = progress or _progress(run.pk)
    ImportRun.objects.filter(pk=run.pk).update(status=Status.RUNNING)
    with default_storage.open(run.file, "rb") as handle:
        data = handle.read()
    try:
        book = reader.read(data, run.filename)
        mapping = {
            **remembered_mapping(run.agency),
            **{normalize_header(k): v for k, v in run.mapping.items()},
        }
        parsed = parse(book, mapping)
    except reader.FileRefused as refused:
        report: dict[str, Any] = {
            "refused": {"code": refused.code, "message": refused.message_zh, "message_en": refused.message_en}
        }
        _finish(run, Status.FAILED, report)
        return report
    report_progress(0, parsed.total)
    the_plan = plan(run.agency, parsed)
    report_progress(len(parsed.clients) and parsed.total, parsed.total)
    outcome = import_clients(
        run.agency,
        run.created_by,
        the_plan,
        skip_invalid=run.skip_invalid,
        dry_run=run.dry_run,
        progress=lambda done, total: report_progress(done, max(total, parsed.total)),
    )
    errors = sorted(the_plan.errors, key=lambda e: (e.sheet != "企业", e.row, e.column))
    report = {
        **outcome.counts(),
        "total": parsed.total,
        "imported": outcome.imported,
        "dry_run": run.dry_run,
        "skip_invalid": run.skip_invalid,
        "ignored_columns": the_plan.ignored,
        "errors": [e.to_json() for e in errors],
        "rows": outcome.rows[:50_000],
    }
    if errors:
        try:
            content = error_workbook(data, book, errors, lang)
            run.error_file = default_storage.save(
                f"imports/{run.agency_id}/errors-{run.pk}.xlsx", ContentFile(content)
            )
            ImportRun.objects.filter(pk=run.pk).update(error_file=run.error_file)
        except Exception:  # the report stands without its workbook
            logger.exception("error workbook of import %s", run.pk)
    status = Status.REJECTED if errors and not outcome.imported and not run.dry_run else Status.DONE
    _finish(run, status, report)
    report_progress(parsed.total, parsed.total)
    return report


def _finish(run: ImportRun, status: str, report: dict[str, Any]) -> None:
    run.status = status
    run.report = report
    run.finished_at = timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(status=status, report=report, finished_at=run.finished_at)


def public_report(report: dict[str, Any], lang: str = "zh-hans") -> dict[str, Any]:
    """The report as the command line and the API print it, errors in ``lang``."""
    if "refused" in report:
        refused = report["refused"]
        return {
            "refused": {
                "code": refused["code"],
                "message": refused["message_en" if lang == "en" else "message"],
            }
        }
    return {
        "created": report.get("created", 0),
        "updated": report.get("updated", 0),
        "unchanged": report.get("unchanged", 0),
        "skipped": report.get("skipped", 0),
        "total": report.get("total", 0),
        "imported": report.get("imported", False),
        "dry_run": report.get("dry_run", False),
        "ignored_columns": report.get("ignored_columns", []),
        "errors": [
            {k: v for k, v in RowError.from_json(e).to_dict(lang).items() if k != "code"}
            for e in report.get("errors", [])
        ],
    }
