"""A case's audit events form a hash chain that `icpdesk audit verify` recomputes."""

from __future__ import annotations

import argparse
import itertools
import json
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from icpdesk.cases import actions
from icpdesk.cases.audit import broken_links
from icpdesk.cases.models import Application, AuditEvent
from icpdesk.commands import audit as audit_command
from tests.factories import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas: Personas) -> Application:
    application = actions.create_application(personas.consultant, personas.enterprise)
    for n in range(3):
        actions.audit(application, personas.consultant, "comment", reason=f"第 {n} 条留言", changes={"n": n})
    return application


def _events(application: Application) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(application=application).order_by("id"))


def _without_append_only_guard(sql: str, params: list[Any]) -> None:
    """What an intruder with database access could do: lift the trigger and write."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's own inserts leave deferred foreign-key checks pending, which ALTER TABLE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE cases_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS cases_auditevent_no_update")
        cursor.execute(sql, params)


def test_each_event_links_to_the_one_before(case: Application) -> None:
    events = _events(case)
    assert len(events) == 4
    assert events[0].prev_hash == ""
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
        assert len(after.hash) == 64
    assert list(broken_links()) == []


def test_two_cases_have_chains_of_their_own(case: Application, personas: Personas) -> None:
    other = actions.create_application(personas.consultant, personas.enterprise)
    assert _events(other)[0].prev_hash == ""
    assert list(broken_links()) == []


def test_a_changed_event_is_the_first_broken_link(case: Application) -> None:
    events = _events(case)
    _without_append_only_guard(
        "UPDATE cases_auditevent SET reason = %s WHERE id = %s", ["改过的留言", events[2].id]
    )
    broken = list(broken_links())
    assert [(b.application_id, b.event_id, b.reason) for b in broken] == [(case.pk, events[2].id, "changed")]
    assert case.reference in broken[0].describe()


def test_a_removed_event_breaks_the_link_after_it(case: Application) -> None:
    events = _events(case)
    _without_append_only_guard("DELETE FROM cases_auditevent WHERE id = %s", [events[1].id])
    broken = list(broken_links())
    assert [(b.event_id, b.reason) for b in broken] == [(events[2].id, "relinked")]


def test_the_command_exits_1_naming_the_case_and_event(case: Application, capsys: Any) -> None:
    assert audit_command.run(argparse.Namespace(action="verify", format="json")) == 0
    assert json.loads(capsys.readouterr().out) == {"events": 4, "broken": []}
    events = _events(case)
    _without_append_only_guard(
        "UPDATE cases_auditevent SET action = %s WHERE id = %s", ["approve", events[3].id]
    )
    assert audit_command.run(argparse.Namespace(action="verify", format="text")) == 1
    captured = capsys.readouterr()
    assert f"event {events[3].id}" in captured.err and case.reference in captured.err
    assert "1 case chain(s) broken" in captured.out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE triggers are PostgreSQL's")
def test_postgresql_refuses_truncate(case: Application) -> None:
    with (
        pytest.raises(DatabaseError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL icpdesk.audit_maintenance = 'off'")
        cursor.execute("TRUNCATE cases_auditevent CASCADE")
    assert AuditEvent.objects.filter(application=case).count() == 4
