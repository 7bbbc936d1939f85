"""Writing change records: :func:`record_change`, with :func:`snapshot` and :func:`diff` to say what changed.

An action takes a snapshot of the fields it may change, writes, takes another,
and records the difference::

    before = snapshot(staff, STAFF_FIELDS)
    ... write ...
    old, new = diff(before, snapshot(staff, STAFF_FIELDS))
    record_change(user, staff, "security_staff.update", old, new, enterprise=enterprise)

The difference is taken on the real values (two ID numbers can mask alike);
the record keeps them masked. Personal data and secrets never reach the
table in plain text: identity numbers and mobiles are masked like on the pages,
secrets are kept as :data:`HIDDEN` (or ``""`` when there was none), whatever
the caller passes.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.dispatch import Signal

from icpdesk.changes.models import ChangeRecord
from icpdesk.changes.request_id import current_request_id
from icpdesk.core.identifiers import mask_id_number, mask_mobile

__all__ = [
    "HIDDEN",
    "MASKS",
    "change_recorded",
    "diff",
    "hide",
    "mask_url",
    "record_change",
    "snapshot",
]

# Sent after the transaction that wrote the record commits: sender=ChangeRecord, record.
change_recorded = Signal()

# What a secret is kept as: that it was set or changed, never its value.
HIDDEN = "***"

Masker = Callable[[Any], Any]


def hide(value: Any) -> str:
    return HIDDEN if value not in (None, "") else ""


def _masked(mask: Callable[[str], str]) -> Masker:
    def apply(value: Any) -> Any:
        return mask(str(value)) if value not in (None, "") else value

    return apply


def mask_url(value: Any) -> Any:
    """``https://qyapi.weixin.qq.com/***``: a robot's address carries its key, so only the host is kept."""
    if value in (None, ""):
        return value
    parts = urlsplit(str(value))
    host = parts.hostname or ""
    if not parts.scheme or not host:
        return HIDDEN
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/{HIDDEN}"


# Fields masked in every record, whoever records them (by field name).
MASKS: dict[str, Masker] = {
    "id_number": _masked(mask_id_number),
    "legal_rep_id_number": _masked(mask_id_number),
    "phone": _masked(mask_mobile),
    "contact_phone": _masked(mask_mobile),
    "mobile": _masked(mask_mobile),
    "password": hide,
    "secret": hide,
    "token": hide,
    "token_hash": hide,
    "key": hide,
}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` of ``obj`` as they stand, JSON-ready (a related object by its label)."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields whose value differs, as (before, after); a field missing on one side is ``None`` there."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for name in [*before, *(n for n in after if n not in before)]:
        b, a = _jsonable(before.get(name)), _jsonable(after.get(name))
        if b != a:
            old[name], new[name] = b, a
    return old, new


def _mask_all(values: Mapping[str, Any], masks: Mapping[str, Masker]) -> dict[str, Any]:
    masked: dict[str, Any] = {}
    for name, value in values.items():
        mask = masks.get(name)
        masked[name] = _jsonable(mask(value) if mask is not None else value)
    return masked


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "system"
    return str(actor.get_full_name() or actor.get_username())


def record_change(
    actor: Any,
    obj: Any,
    action: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    enterprise: Any = None,
    organisation: Any = None,
    label: str | None = None,
    masks: Mapping[str, Masker] | None = None,
) -> ChangeRecord:
    """Keep one record of a write, in the write's transaction; ``change_recorded`` goes out on commit.

    ``obj`` is the object written (saved, or about to be deleted: its id is read
    now); ``enterprise`` the enterprise the write concerns, if any (its
    organisation is then the record's, unless ``organisation`` says another);
    ``label`` how to name the object when ``str(obj)`` would show too much;
    ``masks`` more fields to mask, by name, on top of :data:`MASKS`.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a change record is written inside the transaction of the write it records")
    if not action or len(action) > 40:
        raise ValueError(f"bad action code {action!r}")
    all_masks = {**MASKS, **(masks or {})}
    if organisation is None and enterprise is not None:
        organisation_id = getattr(enterprise, "organisation_id", None)
    else:
        organisation_id = getattr(organisation, "pk", None)
    record = ChangeRecord.objects.create(
        actor=actor if getattr(actor, "pk", None) is not None else None,
        actor_name=_actor_name(actor)[:150],
        request_id=current_request_id(),
        action=action,
        organisation_id=organisation_id,
        enterprise_id=getattr(enterprise, "pk", None),
        content_type=ContentType.objects.get_for_model(obj) if isinstance(obj, models.Model) else None,
        object_id=getattr(obj, "pk", None),
        object_label=(label if label is not None else str(obj))[:300],
        before=_mask_all(before, all_masks),
        after=_mask_all(after, all_masks),
    )
    transaction.on_commit(lambda: change_recorded.send(sender=ChangeRecord, record=record))
    return record


def record_noted_change(sender: Any, **kwargs: Any) -> ChangeRecord:
    """The receiver of ``icpdesk.lib.changelog.change_noted``: the apps below this one record through it."""
    return record_change(
        kwargs["actor"],
        kwargs["obj"],
        kwargs["action"],
        kwargs["before"],
        kwargs["after"],
        enterprise=kwargs.get("enterprise"),
        organisation=kwargs.get("organisation"),
        label=kwargs.get("label"),
        masks=kwargs.get("masks"),
    )
