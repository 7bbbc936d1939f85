"""The audit trail: one event per action, with who, from, to and why; nobody edits or deletes it."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.test import Client, RequestFactory

from icpdesk.accounts.models import User
from icpdesk.cases import actions
from icpdesk.cases.admin import ApplicationAdmin, AuditEventAdmin
from icpdesk.cases.models import AppendOnlyError, Application, AuditEvent
from icpdesk.core.lifecycle import State
from icpdesk.lib.errors import Forbidden, InvalidTransition
from tests.cases.test_actions import ITEMS, PASSED, walk_to
from tests.factories import Personas, file_with_materials, supply_materials

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL pass of `make test` runs it"
)
ON_SQLITE = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own trigger")


def events(case: Application) -> list[AuditEvent]:
    """The case's trail, without the material uploads that precede filing."""
    return list(AuditEvent.objects.filter(application=case).exclude(action="material_upload").order_by("id"))


def last(case: Application) -> AuditEvent:
    found = (
        AuditEvent.objects.filter(application=case).exclude(action="material_upload").order_by("-id").first()
    )
    assert found is not None
    return found


def test_every_action_writes_one_event_with_actor_states_and_reason(personas: Personas) -> None:
    p = personas
    case = actions.create_application(p.consultant, p.enterprise)
    supply_materials(case)  # uploads are on the trail too; this test counts the transitions
    steps = [
        (lambda: None, p.consultant, "create", "", "draft", ""),
        (
            lambda: file_with_materials(p.consultant, case, today=date(2026, 9, 30)),
            p.consultant,
            "file",
            "draft",
            "filed",
            "",
        ),
        (
            lambda: actions.return_application(p.reviewer, case, ITEMS, today=date(2026, 10, 9)),
            p.reviewer,
            "return",
            "filed",
            "returned",
            "business_license：营业执照复印件不清晰",
        ),
        (
            lambda: actions.answer_supplement(p.applicant, case, "已补正", today=date(2026, 10, 12)),
            p.applicant,
            "answer",
            "returned",
            "filed",
            "已补正",
        ),
        (
            lambda: actions.accept_application(p.reviewer, case, today=date(2026, 10, 13)),
            p.reviewer,
            "accept",
            "filed",
            "accepted",
            "",
        ),
        (
            lambda: actions.schedule_inspection(
                p.inspector, case, date(2026, 10, 15), [p.inspector], today=date(2026, 10, 13)
            ),
            p.inspector,
            "schedule_inspection",
            "accepted",
            "inspection_scheduled",
            "",
        ),
        (
            lambda: actions.record_inspection(p.inspector, case, PASSED, today=date(2026, 10, 15)),
            p.inspector,
            "record_inspection",
            "inspection_scheduled",
            "inspected",
            "",
        ),
        (
            lambda: actions.approve_application(p.approver, case, "条件具备", today=date(2026, 10, 20)),
            p.approver,
            "approve",
            "inspected",
            "approved",
            "条件具备",
        ),
        (
            lambda: actions.issue_certificate(p.approver, case, today=date(2026, 10, 21)),
            p.approver,
            "issue_certificate",
            "approved",
            "certificate_issued",
            "",
        ),
    ]
    for count, (act, actor, action, from_state, to_state, reason) in enumerate(steps, start=1):
        act()
        assert len(events(case)) == count, action
        event = last(case)
        assert event.actor == actor
        assert event.actor_name == (actor.get_full_name() or actor.username)
        assert event.actor_org == actor.organisation.name  # type: ignore[union-attr]
        assert (event.action, event.from_state, event.to_state, event.reason) == (
            action,
            from_state,
            to_state,
            reason,
        )
        assert event.at is not None
    assert last(case).changes["license_number"] == "甘B2-20260001"
    changes = {e.action: e.changes for e in events(case)}
    assert changes["file"]["acceptance_due"] == "2026-10-13"
    assert changes["return"]["items"] == ITEMS
    assert changes["accept"]["inspection_due"] == "2026-10-27"
    assert changes["schedule_inspection"] == {"date": "2026-10-15", "inspectors": ["inspector"]}
    assert changes["record_inspection"]["record"] == PASSED


@pytest.mark.parametrize("state", [State.REJECTED, State.WITHDRAWN, State.LAPSED])
def test_closing_actions_are_on_the_record_too(personas: Personas, state: State) -> None:
    case = walk_to(personas, state)
    event = last(case)
    assert event.to_state == state.value
    assert event.action in {"reject", "withdraw", "lapse"}
    assert event.actor is not None


def test_a_refused_action_leaves_no_event(personas: Personas) -> None:
    case = walk_to(personas, State.FILED)
    before = len(events(case))
    with pytest.raises(Forbidden):
        actions.approve_application(personas.reviewer, case)
    with pytest.raises(InvalidTransition):
        actions.approve_application(personas.approver, case)
    assert len(events(case)) == before


def test_an_event_cannot_be_changed_or_deleted_through_the_model(personas: Personas) -> None:
    case = walk_to(personas, State.FILED)
    event = last(case)
    event.reason = "改写"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert last(case).reason == ""


def test_bulk_updates_and_deletes_are_refused_by_the_orm(personas: Personas) -> None:
    case = walk_to(personas, State.FILED)
    count = len(events(case))
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(application=case).update(reason="改写")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(application=case).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([last(case)], ["reason"])
    with pytest.raises(AppendOnlyError):
        case.audit_events.update(reason="改写")
    assert len(events(case)) == count
    assert all(e.reason == "" for e in events(case))


def _raw(sql: str, params: list[object]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@ON_POSTGRESQL
def test_postgresql_refuses_updates_and_deletes_that_bypass_the_orm(personas: Personas) -> None:
    case = walk_to(personas, State.FILED)
    event = last(case)
    # Django's own QuerySet.update and .delete, past the ORM's guard.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        QuerySet.update(AuditEvent.objects.filter(pk=event.pk), reason="改写")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        QuerySet.delete(AuditEvent.objects.filter(pk=event.pk))
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE cases_auditevent SET reason = %s WHERE id = %s", ["改写", event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM cases_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM cases_auditevent", [])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""
    # Adding is what the trail is for.
    actions.add_comment(personas.reviewer, case, "仍可追加")
    assert last(case).action == "comment"


@ON_SQLITE
def test_sqlite_refuses_updates_that_bypass_the_orm(personas: Personas) -> None:
    case = walk_to(personas, State.FILED)
    event = last(case)
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE cases_auditevent SET reason = %s WHERE id = %s", ["改写", event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        QuerySet.update(AuditEvent.objects.filter(pk=event.pk), reason="改写")
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_the_append_only_trigger_exists(db: None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger"
                " WHERE tgrelid = 'cases_auditevent'::regclass AND NOT tgisinternal ORDER BY tgname"
            )
            assert [row[0] for row in cursor.fetchall()] == [
                "cases_auditevent_append_only",
                "cases_auditevent_no_truncate",
            ]
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases_auditevent'"
            )
            assert [row[0] for row in cursor.fetchall()] == ["cases_auditevent_no_update"]


# ------------------------------------------------------------------ admin


def test_the_admin_shows_cases_and_their_trail_read_only(personas: Personas) -> None:
    case = walk_to(personas, State.ACCEPTED)
    superuser = User.objects.create_superuser("root", "root@example.com", "x-very-long-password-1")
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, admin_class in ((AuditEvent, AuditEventAdmin), (Application, ApplicationAdmin)):
        model_admin = site._registry[model]
        assert isinstance(model_admin, admin_class)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, None)
        assert not model_admin.has_delete_permission(request, None)
        assert model_admin.has_view_permission(request, None)
        assert "delete_selected" not in model_admin.get_actions(request)

    client = Client()
    client.force_login(superuser)
    event = last(case)
    assert client.get("/admin/cases/auditevent/").status_code == 200
    assert client.get(f"/admin/cases/auditevent/{event.pk}/change/").status_code == 200
    assert client.get(f"/admin/cases/application/{case.pk}/change/").status_code == 200
    assert client.get("/admin/cases/auditevent/add/").status_code == 403
    assert client.get(f"/admin/cases/auditevent/{event.pk}/delete/").status_code == 403
    response = client.post(f"/admin/cases/auditevent/{event.pk}/change/", {"reason": "改写"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason == ""
