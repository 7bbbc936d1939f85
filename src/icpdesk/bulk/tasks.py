"""Bulk work in the background (Django's Tasks API): imports and whole-book assessments.

The history row is written first (status ``pending``) so the page can show it
at once; the task fills it in, or marks it ``failed`` with the reason.
"""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils import timezone

from icpdesk.bulk.models import BookAssessment, ImportRun, Status

logger = logging.getLogger(__name__)


@task()
def run_import_task(run_id: int) -> str:
    from icpdesk.bulk.imports import run_import

    run = ImportRun.objects.select_related("agency", "created_by").filter(pk=run_id).first()
    if run is None:
        return "gone"
    # Claimed before it runs: a task delivered twice, to two workers at once, does the work once.
    if not ImportRun.objects.filter(pk=run_id, status=Status.PENDING).update(status=Status.RUNNING):
        return ImportRun.objects.values_list("status", flat=True).get(pk=run_id)
    try:
        report = run_import(run)
    except Exception as error:
        logger.exception("import %s failed", run_id)
        _fail_import(run_id, error)
        return "failed"
    return "refused" if "refused" in report else run.status


@task()
def run_book_assessment_task(run_id: int) -> str:
    from icpdesk.bulk.book import run_book_assessment

    run = BookAssessment.objects.select_related("agency", "created_by").filter(pk=run_id).first()
    if run is None:
        return "gone"
    if not BookAssessment.objects.filter(pk=run_id, status=Status.PENDING).update(status=Status.RUNNING):
        return BookAssessment.objects.values_list("status", flat=True).get(pk=run_id)
    try:
        run_book_assessment(run)
    except Exception:
        logger.exception("book assessment %s failed", run_id)
        BookAssessment.objects.filter(pk=run_id).update(status=Status.FAILED, finished_at=timezone.now())
        return "failed"
    return "done"


def _fail_import(run_id: int, error: Exception) -> None:
    report = {
        "refused": {
            "code": "failed",
            "message": "导入失败，未导入任何数据；请稍后重试。",
            "message_en": "The import failed and nothing was imported; try again later.",
        }
    }
    ImportRun.objects.filter(pk=run_id).update(
        status=Status.FAILED, report=report, finished_at=timezone.now()
    )
    del error


def enqueue_import(run_id: int) -> None:
    try:
        run_import_task.enqueue(run_id)
    except Exception as error:
        logger.exception("could not enqueue import %s", run_id)
        _fail_import(run_id, error)


def enqueue_book_assessment(run_id: int) -> None:
    try:
        run_book_assessment_task.enqueue(run_id)
    except Exception:
        logger.exception("could not enqueue book assessment %s", run_id)
        BookAssessment.objects.filter(pk=run_id).update(status=Status.FAILED, finished_at=timezone.now())
