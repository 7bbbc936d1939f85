"""Background generation through Django's Tasks API: an agency's weekly reports, all clients in one ZIP.

The batch row and its chunks are written first (status ``pending``, chunks
``queued``) so the page can show them at once. Each chunk is its own task, so
the workers share a batch; the chunk that finishes last queues the assembly of
the parts into one ZIP. ``watch_weekly_batches`` runs every ``STALE_CLAIM``
while a batch is unfinished and queues again what a dead worker left.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.tasks import task
from django.utils import timezone

from icpdesk.paperwork.models import GeneratedDocument, WeeklyChunk

logger = logging.getLogger(__name__)


@task()
def run_weekly_chunk_task(chunk_id: int) -> str:
    from icpdesk.paperwork.services import run_weekly_chunk

    try:
        return run_weekly_chunk(chunk_id)
    except Exception:
        logger.exception("weekly chunk %s failed", chunk_id)
        return "failed"


@task()
def assemble_weekly_batch_task(batch_id: int) -> str:
    from icpdesk.paperwork.services import assemble_weekly_batch

    try:
        return assemble_weekly_batch(batch_id)
    except Exception:
        logger.exception("weekly batch %s could not be assembled", batch_id)
        return "failed"


@task()
def watch_weekly_batches() -> dict[str, int]:
    """Queue again the chunks whose worker died and the assemblies that are due; come back later."""
    from icpdesk.paperwork.services import stale_work

    # The next watch is queued first, so a worker dying here still leaves one waiting.
    if GeneratedDocument.objects.filter(
        document_id="weekly_batch", status=GeneratedDocument.Status.PENDING
    ).exists():
        schedule_watch()
    chunks, due = stale_work()
    for chunk_id in chunks:
        run_weekly_chunk_task.enqueue(chunk_id)
    for batch_id in due:
        assemble_weekly_batch_task.enqueue(batch_id)
    return {"chunks": len(chunks), "assemblies": len(due)}


@task()
def generate_weekly_batch(batch_id: int, fmt: str, today_iso: str) -> str:
    """A batch queued whole (before batches were split): split it now and queue its chunks."""
    from icpdesk.paperwork.services import _batch_user, batch_formats, clients, plan_chunks

    batch = GeneratedDocument.objects.select_related("created_by__organisation").filter(pk=batch_id).first()
    if batch is None:
        return "gone"
    if not batch.chunks.exists():
        try:
            user = _batch_user(batch)
        except Exception as error:
            GeneratedDocument.objects.filter(pk=batch_id).update(
                status=GeneratedDocument.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
            )
            return "failed"
        ids = list(clients(user).order_by("pk").values_list("pk", flat=True))
        plan_chunks(batch, ids, batch_formats(fmt), date.fromisoformat(today_iso))
    enqueue_weekly_batch(batch_id)
    return "split"


def enqueue_weekly_batch(batch_id: int) -> None:
    """Queue every waiting chunk of the batch (after the batch's transaction commits) and the watch."""
    try:
        ids = list(
            WeeklyChunk.objects.filter(batch_id=batch_id, state=WeeklyChunk.State.QUEUED)
            .order_by("number")
            .values_list("pk", flat=True)
        )
        for chunk_id in ids:
            run_weekly_chunk_task.enqueue(chunk_id)
        if not ids:  # a batch of no clients: an empty ZIP
            enqueue_assembly(batch_id)
    except Exception as error:
        logger.exception("could not enqueue weekly batch %s", batch_id)
        GeneratedDocument.objects.filter(pk=batch_id).update(
            status=GeneratedDocument.Status.FAILED, error=f"queue unavailable: {error}"[:2000]
        )
        return
    schedule_watch()


def enqueue_assembly(batch_id: int) -> None:
    try:
        assemble_weekly_batch_task.enqueue(batch_id)
    except Exception:  # the watch queues it again
        logger.exception("could not enqueue the assembly of weekly batch %s", batch_id)


def schedule_watch() -> bool:
    """Queue the next watch ``STALE_CLAIM`` from now unless one is waiting; True when one was queued."""
    from icpdesk.paperwork.services import STALE_CLAIM

    if not watch_weekly_batches.get_backend().supports_defer or _watch_waiting():
        return False
    try:
        watch_weekly_batches.using(run_after=timezone.now() + STALE_CLAIM).enqueue()
    except Exception:
        logger.exception("could not enqueue the watch of the weekly batches")
        return False
    return True


def _on_database_backend() -> bool:
    """Whether the tasks go to django-tasks-db's queue table, which the watch can read."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(run_weekly_chunk_task.get_backend(), DatabaseBackend)


def _watch_waiting() -> bool:
    if not _on_database_backend():
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=watch_weekly_batches.module_path, status="READY").exists()


def queued_chunk_ids(live_since: datetime) -> set[int] | None:
    """The chunks with a task waiting in the queue or started since ``live_since``; None when the
    backend keeps no queue the desk can read."""
    if not _on_database_backend():
        return None
    from django.db.models import Q
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(task_path=run_weekly_chunk_task.module_path).filter(
        Q(status="READY") | Q(status="RUNNING", started_at__gte=live_since)
    )
    found: set[int] = set()
    for args_kwargs in rows.values_list("args_kwargs", flat=True):
        args = (args_kwargs or {}).get("args") or []
        if args and isinstance(args[0], int):
            found.add(args[0])
    return found
