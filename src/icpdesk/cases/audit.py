"""Checking the audit trail's hash chains: the first broken link of each case."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from icpdesk.cases.models import Application, AuditEvent


@dataclass(frozen=True)
class BrokenLink:
    application_id: int
    reference: str
    event_id: int
    reason: (
        str  # "changed" (content or stored hash differs) or "relinked" (prev_hash is not the event before)
    )

    def describe(self) -> str:
        what = {
            "changed": "its content no longer matches its hash",
            "relinked": "it does not follow the event before it (an event was removed or inserted)",
        }[self.reason]
        return f"case {self.reference} (id {self.application_id}): event {self.event_id}: {what}"


def broken_links(batch: int = 5000) -> Iterator[BrokenLink]:
    """The first broken link of every case whose chain does not verify, in case order."""
    references = dict(Application.objects.values_list("pk", "reference"))
    current: int | None = None
    prev = ""
    failed = False
    events = AuditEvent.objects.order_by("application_id", "id").only(
        "id",
        "application_id",
        "at",
        "actor_id",
        "actor_name",
        "actor_org",
        "action",
        "from_state",
        "to_state",
        "reason",
        "changes",
        "prev_hash",
        "hash",
    )
    for event in events.iterator(chunk_size=batch):
        if event.application_id != current:
            current, prev, failed = event.application_id, "", False
        if failed:
            continue
        reason = None
        if event.prev_hash != prev:
            reason = "relinked"
        elif event.hash != event.content_hash(prev):
            reason = "changed"
        if reason:
            failed = True
            yield BrokenLink(current, references.get(current, "?"), event.id, reason)
        prev = event.hash


def verified_count() -> int:
    return AuditEvent.objects.count()
