"""Two people acting on the same case at once: exactly one transition happens.

Real concurrent transactions: two threads, each with its own database
connection, load the case (same version) behind a barrier and then act.

On SQLite the test database is in memory with a shared cache, where a second
writer gets "database table is locked" at once instead of waiting (the busy
timeout does not apply to shared-cache locks). A desk runs on a file, so the
``on_disk`` fixture moves the test to an on-disk copy in WAL mode, where the
settings' IMMEDIATE transactions and 20 s timeout work as in production.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from icpdesk.cases import actions
from icpdesk.cases.models import Application, AuditEvent, SupplementNotice
from icpdesk.core.lifecycle import State
from icpdesk.lib.errors import CaseChanged
from icpdesk.licenses.models import License
from tests.cases.test_actions import walk_to
from tests.factories import Personas, make_enterprise

Action = Callable[[Application], Any]


@pytest.fixture
def on_disk(transactional_db: None, tmp_path: Path) -> Iterator[None]:
    """On an in-memory SQLite test database, use an on-disk copy of it for the test."""
    conn = connections["default"]
    if conn.vendor != "sqlite" or not conn.is_in_memory_db():
        yield
        return
    conn.ensure_connection()
    path = tmp_path / "race.sqlite3"
    copy = sqlite3.connect(path)
    conn.connection.backup(copy)
    copy.close()
    original_name, memory = conn.settings_dict["NAME"], conn.connection
    conn.settings_dict["NAME"] = str(path)  # the threads' connections read the same dict
    conn.connection = None
    try:
        yield
    finally:
        conn.close()
        conn.settings_dict["NAME"] = original_name
        conn.connection = memory


def race(case_id: int, first: Action, second: Action) -> list[tuple[str, Any]]:
    """Run two actions at once on freshly loaded copies of the case; return each outcome."""
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[tuple[str, Any]] = [("", None), ("", None)]

    def run(index: int, action: Action) -> None:
        try:
            case = Application.objects.select_related("enterprise").get(pk=case_id)
            barrier.wait()  # both have the same version in hand
            outcomes[index] = ("ok", action(case))
        except Exception as error:
            outcomes[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_accept_and_return_at_once_one_wins_the_other_gets_case_changed(
    on_disk: None, personas: Personas
) -> None:
    p = personas
    from icpdesk.accounts.choices import Role
    from tests.factories import make_user

    second_reviewer = make_user("reviewer2", p.regulator, [Role.REVIEWER])
    case = walk_to(p, State.FILED)
    version = case.version
    events_before = AuditEvent.objects.filter(application=case).count()
    day = date(2026, 10, 9)

    outcomes = race(
        case.pk,
        lambda c: actions.accept_application(p.reviewer, c, expected_version=version, today=day),
        lambda c: actions.return_application(
            second_reviewer,
            c,
            [{"item": "business_license", "reason": "复印件不清晰"}],
            expected_version=version,
            today=day,
        ),
    )

    kinds = [kind for kind, _ in outcomes]
    assert sorted(kinds) == ["error", "ok"], outcomes
    winner = kinds.index("ok")
    loser_error = outcomes[1 - winner][1]
    assert isinstance(loser_error, CaseChanged), loser_error
    assert loser_error.status == 409

    case.refresh_from_db()
    expected = State.ACCEPTED if winner == 0 else State.RETURNED
    assert case.state == expected
    assert case.version == version + 1
    assert loser_error.extra["state"] == expected.value
    transitions = AuditEvent.objects.filter(application=case).exclude(pk__in=[])
    assert transitions.count() == events_before + 1
    assert transitions.order_by("-id").first().to_state == expected.value  # type: ignore[union-attr]
    # The loser's side effects were rolled back with it.
    assert SupplementNotice.objects.filter(application=case).count() == (
        1 if expected == State.RETURNED else 0
    )


@pytest.mark.django_db(transaction=True)
def test_the_same_action_twice_at_once_happens_once(on_disk: None, personas: Personas) -> None:
    p = personas
    case = walk_to(p, State.INSPECTED)
    version = case.version
    day = date(2026, 10, 20)
    outcomes = race(
        case.pk,
        lambda c: actions.approve_application(p.approver, c, expected_version=version, today=day),
        lambda c: actions.approve_application(p.approver, c, expected_version=version, today=day),
    )
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, CaseChanged)
    assert AuditEvent.objects.filter(application=case, action="approve").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_certificates_at_once_get_two_consecutive_numbers(on_disk: None, personas: Personas) -> None:
    p = personas
    first = walk_to(p, State.APPROVED)
    second_enterprise = make_enterprise("庆阳中药材电子商务有限公司", city="庆阳市")
    second = walk_to(p, State.APPROVED, enterprise=second_enterprise)
    day = date(2026, 10, 21)
    outcomes = race(
        first.pk,
        lambda c: actions.issue_certificate(p.approver, c, today=day),
        lambda _c: actions.issue_certificate(
            p.approver, Application.objects.select_related("enterprise").get(pk=second.pk), today=day
        ),
    )
    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    numbers = sorted(License.objects.values_list("number", flat=True))
    assert numbers == ["甘B2-20260001", "甘B2-20260002"]
