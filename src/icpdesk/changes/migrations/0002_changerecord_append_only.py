"""The database refuses to change change records (and, on PostgreSQL, to delete them).

The same protection as the cases' audit trail (``cases/migrations/0003``):
``save()``, ``delete()`` and the queryset refuse already; raw SQL and
``QuerySet._raw_delete`` do not go through them.

- PostgreSQL: a row trigger refuses UPDATE and DELETE (TRUNCATE, which the test
  flush uses, is left to the database owner).
- SQLite: a trigger refuses UPDATE. DELETE stays allowed in the database because
  Django flushes SQLite test databases with ``DELETE FROM``; the ORM refuses it.
  SQLite drops a table's triggers when a migration rebuilds the table, so a
  later migration that alters ``changes_changerecord`` must create them again
  (``tests/changes/test_append_only.py`` checks they exist).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

PG_CREATE = """
CREATE OR REPLACE FUNCTION changes_changerecord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'changes_changerecord is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS changes_changerecord_append_only ON changes_changerecord;
CREATE TRIGGER changes_changerecord_append_only
    BEFORE UPDATE OR DELETE ON changes_changerecord
    FOR EACH ROW EXECUTE FUNCTION changes_changerecord_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS changes_changerecord_append_only ON changes_changerecord;
DROP FUNCTION IF EXISTS changes_changerecord_append_only();
"""
SQLITE_CREATE = """
CREATE TRIGGER IF NOT EXISTS changes_changerecord_no_update
BEFORE UPDATE ON changes_changerecord
BEGIN
    SELECT RAISE(ABORT, 'changes_changerecord is append-only: UPDATE refused');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS changes_changerecord_no_update;"


def _run(schema_editor: Any, postgresql: str, sqlite: str) -> None:
    vendor = schema_editor.connection.vendor
    # params=None: the SQL is sent as written (PostgreSQL's RAISE uses "%").
    if vendor == "postgresql":
        schema_editor.execute(postgresql, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(sqlite, params=None)


def create_triggers(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, PG_CREATE, SQLITE_CREATE)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    _run(schema_editor, PG_DROP, SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("changes", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
