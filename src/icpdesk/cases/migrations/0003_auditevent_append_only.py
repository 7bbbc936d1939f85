"""The database refuses to change or delete audit events.

``AuditEvent.save()`` and ``.delete()`` refuse already, but ``QuerySet.update()``
and ``.delete()`` and raw SQL bypass them. A trigger closes that door:

- PostgreSQL: a row trigger refuses UPDATE and DELETE. TRUNCATE (what Django's
  test flush uses) is left to the database owner.
- SQLite: a trigger refuses UPDATE. DELETE is not refused in the database,
  because Django flushes SQLite test databases with ``DELETE FROM`` and the
  tables in no fixed order; the ORM refuses it (``AuditEventQuerySet``).
  SQLite drops a table's triggers when a migration rebuilds the table, so a
  later migration that alters ``cases_auditevent`` must create them again
  (``tests/cases/test_audit.py`` checks they exist).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

PG_CREATE = """
CREATE OR REPLACE FUNCTION cases_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'cases_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS cases_auditevent_append_only ON cases_auditevent;
CREATE TRIGGER cases_auditevent_append_only
    BEFORE UPDATE OR DELETE ON cases_auditevent
    FOR EACH ROW EXECUTE FUNCTION cases_auditevent_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS cases_auditevent_append_only ON cases_auditevent;
DROP FUNCTION IF EXISTS cases_auditevent_append_only();
"""
SQLITE_CREATE = """
CREATE TRIGGER IF NOT EXISTS cases_auditevent_no_update
BEFORE UPDATE ON cases_auditevent
BEGIN
    SELECT RAISE(ABORT, 'cases_auditevent is append-only: UPDATE refused');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS cases_auditevent_no_update;"


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
    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
