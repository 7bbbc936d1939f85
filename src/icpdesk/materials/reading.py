"""Each material version read in the background: text, fields and QR codes, stored on the version.

The reading engine (:mod:`icpdesk.reading`) runs in a task worker after the
upload commits, never in the request and never in the way of the other
checks. What it read is stored as JSON on the version (identity numbers are
masked by the engine, so no plain number is stored); a file it cannot read
keeps the reason instead. Word files are not read.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from icpdesk.materials.checks import JPEG, PDF, PNG
from icpdesk.materials.models import MaterialVersion, ReadStatus
from icpdesk.reading import Limits, ReadError, read_document

READABLE = frozenset({PDF, JPEG, PNG})


def page_limit() -> int:
    """Pages read of one file: ``READING_PAGE_LIMIT`` (``ICPDESK_READING_PAGE_LIMIT``), 20 by default."""
    value = (
        getattr(settings, "READING_PAGE_LIMIT", None) or os.environ.get("ICPDESK_READING_PAGE_LIMIT") or 20
    )
    return max(1, int(value))


def read_version(version_id: int) -> MaterialVersion:
    """Read version ``version_id`` and store the reading (or the reason it cannot be read).

    Idempotent: reading the same file again stores the same reading.
    """
    version = MaterialVersion.objects.select_related("case_material").get(pk=version_id)
    reading: dict[str, Any]
    if version.content_type not in READABLE:
        status, reading = ReadStatus.SKIPPED, {}
    else:
        with default_storage.open(version.file, "rb") as handle:
            data = handle.read()
        try:
            result = read_document(data, version.case_material.material_id, Limits(page_limit=page_limit()))
        except ReadError as exc:
            status = ReadStatus.UNREADABLE
            reading = {
                "error": {"code": exc.code, "message_zh": exc.message_zh, "message_en": exc.message_en}
            }
        else:
            status, reading = ReadStatus.DONE, result.as_dict()
    MaterialVersion.objects.filter(pk=version.pk).update(
        read_status=status, reading=reading, read_at=timezone.now()
    )
    version.read_status, version.reading = status, reading
    return version


def reading_out(version: MaterialVersion, lang: str) -> dict[str, Any] | None:
    """The reading as the API shows it, its flags and error in ``lang``; None before it is read."""
    if version.read_status == ReadStatus.PENDING:
        return None
    key = "message_en" if lang == "en" else "message_zh"
    stored = dict(version.reading or {})
    error = stored.get("error")
    return {
        "pages": stored.get("pages"),
        "page_count": stored.get("page_count"),
        "fields": dict(stored.get("fields") or {}),
        "qr": list(stored.get("qr") or []),
        "text": str(stored.get("text") or ""),
        "flags": [
            {"code": f.get("code", ""), "message": f.get(key, ""), "values": dict(f.get("values") or {})}
            for f in stored.get("flags") or []
        ],
        "error": {"code": error.get("code", ""), "message": error.get(key, "")} if error else None,
    }
