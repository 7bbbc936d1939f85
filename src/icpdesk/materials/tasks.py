"""Background checks of uploaded materials, through Django's Tasks API.

A check run is enqueued after the upload's transaction commits. It is
idempotent (running it twice writes the same results). When it fails the
version is marked ``failed`` with the error, and the run is enqueued again
until ``MAX_ATTEMPTS``; the upload itself is never touched by a failure.
"""

from __future__ import annotations

import logging

from django.db.models import F
from django.tasks import task

from icpdesk.materials.models import CheckStatus, MaterialVersion, ReadStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


@task()
def check_material_version(version_id: int) -> str:
    from icpdesk.materials.services import run_checks

    if not MaterialVersion.objects.filter(pk=version_id).exists():
        return "gone"
    MaterialVersion.objects.filter(pk=version_id).update(check_attempts=F("check_attempts") + 1)
    try:
        run_checks(version_id)
    except Exception as exc:
        logger.exception("material check of version %s failed", version_id)
        MaterialVersion.objects.filter(pk=version_id).update(
            check_status=CheckStatus.FAILED, check_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        attempts = (
            MaterialVersion.objects.filter(pk=version_id).values_list("check_attempts", flat=True).first()
        )
        if attempts is not None and attempts < MAX_ATTEMPTS:
            enqueue_check(version_id)
        return "failed"
    return "done"


def enqueue_check(version_id: int) -> None:
    try:
        check_material_version.enqueue(version_id)
    except Exception:
        # The queue being down must not lose the upload: the version stays
        # pending, and the page shows its checks as not run yet.
        logger.exception("could not enqueue the check of version %s", version_id)


@task()
def read_material_version(version_id: int) -> str:
    """Read the version's file (text, fields, QR codes) apart from its checks, so neither waits."""
    from icpdesk.materials.reading import read_version

    if not MaterialVersion.objects.filter(pk=version_id).exists():
        return "gone"
    try:
        version = read_version(version_id)
    except Exception as exc:
        logger.exception("reading of material version %s failed", version_id)
        MaterialVersion.objects.filter(pk=version_id).update(
            read_status=ReadStatus.FAILED, reading={"error": {"code": "failed", "message_en": str(exc)[:500]}}
        )
        return "failed"
    return str(version.read_status)


def enqueue_reading(version_id: int) -> None:
    from django.conf import settings

    if not getattr(settings, "READING_ON_UPLOAD", True):
        return
    try:
        read_material_version.enqueue(version_id)
    except Exception:
        logger.exception("could not enqueue the reading of version %s", version_id)
