"""Background generation through Django's Tasks API: an agency's weekly reports, all clients in one ZIP.

The batch row is written first (status ``pending``) so the page can show it at
once; the task fills it in, or marks it ``failed`` with the error.
"""

from __future__ import annotations

import logging
from datetime import date

from django.tasks import task

from icpdesk.paperwork.models import GeneratedDocument

logger = logging.getLogger(__name__)


@task()
def generate_weekly_batch(batch_id: int, fmt: str, today_iso: str) -> str:
    from icpdesk.paperwork.services import build_weekly_batch

    if not GeneratedDocument.objects.filter(pk=batch_id).exists():
        return "gone"
    try:
        batch = build_weekly_batch(batch_id, fmt, date.fromisoformat(today_iso))
    except Exception:
        logger.exception("weekly batch %s failed", batch_id)
        return "failed"
    return f"ready: {batch.count} documents"


def enqueue_weekly_batch(batch_id: int, fmt: str, today: date) -> None:
    try:
        generate_weekly_batch.enqueue(batch_id, fmt, today.isoformat())
    except Exception as error:
        logger.exception("could not enqueue weekly batch %s", batch_id)
        GeneratedDocument.objects.filter(pk=batch_id).update(
            status=GeneratedDocument.Status.FAILED, error=f"queue unavailable: {error}"[:2000]
        )
