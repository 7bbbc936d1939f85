"""The change log as the apps below it see it.

``icpdesk.changes`` sits above accounts and calendars in the layers, so those
apps cannot call it. They note each write here instead, inside the writing
transaction; the changes app listens (see ``icpdesk.changes.apps``) and keeps
the record in the same transaction. A write that nobody records is refused:
a desk without its change log must not write silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.dispatch import Signal

# Sent inside the transaction of the write: actor, obj, action, before, after,
# enterprise, organisation, label, masks. A receiver returns the record it kept.
change_noted = Signal()


class ChangeLogMissing(RuntimeError):
    """No receiver kept a record of a write (the changes app is not installed)."""


def note_change(
    actor: Any,
    obj: Any,
    action: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    enterprise: Any = None,
    organisation: Any = None,
    label: str | None = None,
    masks: Mapping[str, Any] | None = None,
) -> Any:
    """Record one write through the change log; returns the record."""
    responses = change_noted.send(
        sender=type(obj),
        actor=actor,
        obj=obj,
        action=action,
        before=before,
        after=after,
        enterprise=enterprise,
        organisation=organisation,
        label=label,
        masks=masks,
    )
    for _receiver, record in responses:
        if record is not None:
            return record
    raise ChangeLogMissing(f"no change log recorded {action!r}")
