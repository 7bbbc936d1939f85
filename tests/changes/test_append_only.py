"""A change record cannot be changed or deleted: not by the model, the queryset, nor SQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from icpdesk.changes.models import AppendOnlyError, ChangeRecord
from icpdesk.changes.records import record_change
from tests.factories import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(personas: Personas) -> ChangeRecord:
    return record_change(
        personas.applicant,
        personas.enterprise,
        "enterprise.update",
        {"name": "旧名称"},
        {"name": "新名称"},
        enterprise=personas.enterprise,
    )


def test_a_record_cannot_be_saved_again(record: ChangeRecord) -> None:
    record.after = {"name": "篡改"}
    with pytest.raises(AppendOnlyError):
        record.save()
    record.refresh_from_db()
    assert record.after == {"name": "新名称"}


def test_a_record_cannot_be_deleted(record: ChangeRecord) -> None:
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        ChangeRecord.objects.filter(pk=record.pk).delete()
    assert ChangeRecord.objects.filter(pk=record.pk).exists()


def test_the_queryset_refuses_updates(record: ChangeRecord) -> None:
    with pytest.raises(AppendOnlyError):
        ChangeRecord.objects.filter(pk=record.pk).update(actor_name="someone else")
    with pytest.raises(AppendOnlyError):
        ChangeRecord.objects.bulk_update([record], ["actor_name"])
    assert ChangeRecord.objects.get(pk=record.pk).actor_name == "applicant"


def test_the_database_refuses_an_update_in_sql(record: ChangeRecord) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE changes_changerecord SET actor_name = %s WHERE id = %s", ["x", record.pk])
    assert ChangeRecord.objects.get(pk=record.pk).actor_name == "applicant"


def test_the_trigger_exists() -> None:
    # SQLite drops a table's triggers when a migration rebuilds it: a later migration must add them back.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'changes_changerecord'::regclass "
                "AND NOT tgisinternal"
            )
            expected = ["changes_changerecord_append_only"]
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'changes_changerecord'"
            )
            expected = ["changes_changerecord_no_update"]
        assert [row[0] for row in cursor.fetchall()] == expected


def test_a_record_is_written_only_inside_the_writes_transaction(personas: Personas) -> None:
    # pytest-django wraps each test in a transaction; leave it to see autocommit refused.
    atomic = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError, match="inside the transaction"):
            record_change(None, personas.enterprise, "enterprise.update", {}, {"name": "x"})
    finally:
        connection.in_atomic_block = atomic
    assert not ChangeRecord.objects.exists()
