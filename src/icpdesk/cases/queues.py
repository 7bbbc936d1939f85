"""The work queues: what each role has to do, scoped by ``access.visible_applications``.

Every queue is a fixed number of queries whatever its size: the rows come
with their enterprise (``select_related``) and the days left are counted on
the in-memory working-day calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, QuerySet

from icpdesk.accounts.choices import OrgKind
from icpdesk.calendars.services import get_calendar
from icpdesk.cases import access
from icpdesk.cases.models import Application, SupplementNotice
from icpdesk.core.lifecycle import APPROVER, INSPECTOR, QUEUE_ROLE, REVIEWER, State

PAGE_SIZE = 50

# The states each regulator role's queue holds, in the order of the workflow.
ROLE_STATES: dict[str, list[str]] = {}
for _state, _role in QUEUE_ROLE.items():
    ROLE_STATES.setdefault(_role, []).append(_state.value)

REGULATOR_QUEUE_ROLES = (REVIEWER, INSPECTOR, APPROVER)
QUEUE_LABELS: dict[str, tuple[str, str]] = {
    REVIEWER: ("待受理审查", "Waiting for review"),
    INSPECTOR: ("待现场核查", "Waiting for inspection"),
    APPROVER: ("待审核决定与发证", "Waiting for decision and certificate"),
}


@dataclass
class Row:
    application: Application
    days_left: int | None
    provisional: bool

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def by_due_date(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Oldest deadline first; cases without a running deadline last."""
    return queryset.order_by(F("due_on").asc(nulls_last=True), "id")


def make_rows(applications: Iterable[Application], today: date) -> list[Row]:
    calendar = get_calendar()  # one calendar for all rows, held in memory
    rows = []
    for application in applications:
        left: int | None = None
        if application.due_on is not None:
            try:
                left = calendar.working_days_between(today, application.due_on).working_days
            except ValueError:
                left = None
            if left is not None and left >= 0 and application.due_on < today:
                left = -1
        rows.append(Row(application, left, application.due_provisional))
    return rows


def paginate(queryset: QuerySet[Application], page_number: Any, today: date) -> tuple[Page[Any], list[Row]]:
    """One page of the queue.

    The page's ids are chosen on the narrow index columns in a subquery, and
    only those rows are read in full (with their enterprise): sorting whole
    joined rows of a 100,000-case queue to keep 50 was most of the time. Still
    one query for the rows, so the pinned counts hold.
    """
    page = Paginator(queryset.values_list("pk", flat=True), PAGE_SIZE).get_page(page_number)
    objects = list(queryset.filter(pk__in=page.object_list))
    page.object_list = objects  # type: ignore[assignment]  # the rows replace the ids
    return page, make_rows(objects, today)


def base(user: Any) -> QuerySet[Application]:
    return access.visible_applications(user).select_related("enterprise")


def regulator_queue(user: Any, role: str) -> QuerySet[Application]:
    return by_due_date(base(user).filter(state__in=ROLE_STATES[role]))


def regulator_roles(user: Any) -> list[str]:
    roles = user.valid_roles()
    return [r for r in REGULATOR_QUEUE_ROLES if r in roles]


def open_supplements(user: Any) -> QuerySet[SupplementNotice]:
    """The supplement notices the applicant side has to answer, soonest due first."""
    return (
        SupplementNotice.objects.filter(
            application__in=access.visible_applications(user).filter(state=State.RETURNED.value),
            answered_at__isnull=True,
        )
        .select_related("application", "application__enterprise")
        .order_by("due_on", "id")
    )


def enterprise_cases(user: Any) -> QuerySet[Application]:
    return by_due_date(base(user)).prefetch_related(
        Prefetch("supplements", queryset=SupplementNotice.objects.filter(answered_at__isnull=True))
    )


def agency_cases(user: Any, filters: dict[str, Any], today: date) -> QuerySet[Application]:
    queryset = base(user)
    if filters.get("state"):
        queryset = queryset.filter(state=filters["state"])
    if filters.get("client"):
        queryset = queryset.filter(enterprise__name__icontains=filters["client"])
    if filters.get("prefecture"):
        queryset = queryset.filter(prefecture=filters["prefecture"])
    if filters.get("due_from"):
        queryset = queryset.filter(due_on__gte=filters["due_from"])
    if filters.get("due_before"):
        queryset = queryset.filter(due_on__lt=filters["due_before"])
    if filters.get("filed_from"):
        queryset = queryset.filter(filed_on__gte=filters["filed_from"])
    if filters.get("filed_before"):
        queryset = queryset.filter(filed_on__lt=filters["filed_before"])
    if filters.get("approved_from") or filters.get("approved_before"):
        queryset = queryset.filter(decision="approved")
    if filters.get("approved_from"):
        queryset = queryset.filter(decided_on__gte=filters["approved_from"])
    if filters.get("approved_before"):
        queryset = queryset.filter(decided_on__lt=filters["approved_before"])
    if filters.get("overdue"):
        queryset = queryset.filter(due_on__lt=today)
    return by_due_date(queryset)


def kind_of(user: Any) -> str | None:
    organisation = user.organisation if getattr(user, "organisation_id", None) else None
    if organisation is None:
        return None
    return str(organisation.kind) if organisation.kind in {k.value for k in OrgKind} else None
