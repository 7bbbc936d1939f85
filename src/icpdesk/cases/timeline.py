"""The timeline of a case: each step's actual date, due date and, for steps not reached, a projection.

Actual dates come from the case, due dates from its :class:`Deadline` rows,
and projections from the rule pack's limits with ``deadlines.due_for``,
chained from the latest known date. Nothing here queries the database except
through the calendar (which is kept in memory).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from icpdesk.calendars.deadlines import Due, due_for, working_days_left
from icpdesk.cases.models import Application, Deadline, SupplementNotice
from icpdesk.core.lifecycle import PENDING_STEP, STEPS, TERMINAL_STATES, State
from icpdesk.lib.packs import current_pack

DONE = "done"
CURRENT = "current"
PAUSED = "paused"
FUTURE = "future"
SKIPPED = "skipped"

SUPPLEMENT_LABELS = ("补正", "Supplement")


@dataclass
class Entry:
    step: str
    label_zh: str
    label_en: str
    status: str  # done, current, paused, future, skipped
    actual: date | None = None
    due: date | None = None
    projected: bool = False  # the due date is a projection, not a running deadline
    provisional: bool = False
    days_left: int | None = None
    note: str = ""

    @property
    def overdue(self) -> bool:
        return (
            self.status in {CURRENT, PAUSED}
            and self.due is not None
            and self.days_left is not None
            and (self.days_left < 0)
        )

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    def label(self, lang: str) -> str:
        return self.label_en if lang.startswith("en") else self.label_zh


def _actual_dates(application: Application) -> dict[str, date | None]:
    return {
        "filing": application.filed_on,
        "acceptance": application.accepted_on,
        "inspection": application.inspected_on,
        "decision": application.decided_on,
        "certificate": application.certificate_on,
    }


def _latest_deadlines(deadlines: Iterable[Deadline]) -> dict[str, Deadline]:
    latest: dict[str, Deadline] = {}
    for deadline in sorted(deadlines, key=lambda d: (d.created_at, d.id)):
        if deadline.cancelled:
            continue
        latest[deadline.step] = deadline
    return latest


def _left(today: date, due: date | None) -> int | None:
    if due is None:
        return None
    try:
        return working_days_left(today, due)
    except ValueError:  # outside the calendar's range
        return None


def _project(limit: str, start: date, value: int | None = None) -> Due | None:
    """The due date ``limit`` after ``start``; None when a strict calendar cannot say yet."""
    try:
        return due_for(limit, start, value=value)
    except (ValueError, KeyError):  # a strict calendar without the year's schedule, or no such limit
        return None


def build(
    application: Application,
    deadlines: Iterable[Deadline],
    notices: Iterable[SupplementNotice],
    today: date,
) -> list[Entry]:
    state = application.state_enum
    pending = PENDING_STEP.get(state)
    terminal = state in TERMINAL_STATES
    actual = _actual_dates(application)
    latest = _latest_deadlines(deadlines)
    pack = current_pack()
    entries: list[Entry] = []
    # The latest known date from which the next projection counts.
    anchor: date | None = today if state == State.DRAFT else None
    anchor_provisional = False

    for step in STEPS:
        entry = Entry(step.id, step.label_zh, step.label_en, FUTURE)
        deadline = latest.get(step.id)
        if actual[step.id] is not None:
            entry.status = DONE
            entry.actual = actual[step.id]
            if deadline is not None:
                entry.due, entry.provisional = deadline.due_on, deadline.provisional
            anchor, anchor_provisional = entry.actual, False
        elif step.id == pending or (step.id == "filing" and state == State.DRAFT):
            entry.status = CURRENT
            if application.due_step == step.id and application.due_on is not None:
                entry.due, entry.provisional = application.due_on, application.due_provisional
            elif deadline is not None:
                entry.due, entry.provisional = deadline.due_on, deadline.provisional
            entry.days_left = _left(today, entry.due)
            if entry.due is not None:
                anchor, anchor_provisional = max(entry.due, today), entry.provisional
        elif step.id == "acceptance" and pending == "supplement":
            # The review clock stops while the case is returned; it resumes on the answer.
            entry.status = PAUSED
            if step.limit is not None and application.due_on is not None:
                remaining = max(pack.limit(step.limit).value - application.acceptance_days_used, 1)
                due = _project(step.limit, max(application.due_on, today), remaining)
                if due is not None:
                    entry.due, entry.provisional, entry.projected = due.on, due.provisional, True
                    entry.days_left = _left(today, entry.due)
                    anchor, anchor_provisional = due.on, due.provisional
        elif terminal:
            entry.status = SKIPPED
        else:
            entry.status = FUTURE
            projected = _project(step.limit, anchor) if step.limit and anchor else None
            if projected is not None:
                entry.due, entry.projected = projected.on, True
                entry.provisional = projected.provisional or anchor_provisional
                entry.days_left = _left(today, entry.due)
                anchor, anchor_provisional = projected.on, entry.provisional
        entries.append(entry)
        if step.id == "filing":
            entries.extend(_supplements(application, notices, today))
    return entries


def _supplements(application: Application, notices: Iterable[SupplementNotice], today: date) -> list[Entry]:
    out = []
    for notice in sorted(notices, key=lambda n: (n.issued_at, n.id)):
        entry = Entry(
            "supplement",
            *SUPPLEMENT_LABELS,
            status=DONE if notice.answered_at else SKIPPED,
            due=notice.due_on,
            provisional=notice.due_provisional,
        )
        entry.note = timezone.localdate(notice.issued_at).isoformat()
        if notice.answered_at is not None:
            entry.actual = timezone.localdate(notice.answered_at)
        elif application.state == State.RETURNED:
            entry.status = CURRENT
            entry.days_left = _left(today, notice.due_on)
        out.append(entry)
    return out
