"""Each case's audit events form a hash chain, and PostgreSQL refuses TRUNCATE too.

The events already written are chained in the order they were written. The
append-only triggers of migration 0003 refuse the UPDATE that needs, so they
are lifted for this migration alone and put back (SQLite also drops a table's
triggers whenever a migration rebuilds it).

TRUNCATE is refused on PostgreSQL unless the session says
``SET icpdesk.audit_maintenance = 'on'``, which only a database owner's
maintenance session (and the test suite's flushes) should do; the application
role should have INSERT and SELECT on ``cases_auditevent`` and nothing else
(``docs/audit.md``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from django.db import migrations, models

PG_TRUNCATE_CREATE = """
CREATE OR REPLACE FUNCTION cases_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('icpdesk.audit_maintenance', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'cases_auditevent is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS cases_auditevent_no_truncate ON cases_auditevent;
CREATE TRIGGER cases_auditevent_no_truncate
    BEFORE TRUNCATE ON cases_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION cases_auditevent_no_truncate();
"""
PG_TRUNCATE_DROP = """
DROP TRIGGER IF EXISTS cases_auditevent_no_truncate ON cases_auditevent;
DROP FUNCTION IF EXISTS cases_auditevent_no_truncate();
"""
SQLITE_NO_UPDATE = """
CREATE TRIGGER IF NOT EXISTS cases_auditevent_no_update
BEFORE UPDATE ON cases_auditevent
BEGIN
    SELECT RAISE(ABORT, 'cases_auditevent is append-only: UPDATE refused');
END;
"""


def _hash(row: dict[str, Any], prev: str) -> str:
    # The same content as AuditEvent.content_hash (kept here so the migration
    # does not change when the model does).
    content = {
        "application": row["application_id"],
        "at": row["at"].astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": row["actor_id"],
        "actor_name": row["actor_name"],
        "actor_org": row["actor_org"],
        "action": row["action"],
        "from_state": row["from_state"],
        "to_state": row["to_state"],
        "reason": row["reason"],
        "changes": row["changes"],
        "prev": prev,
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def chain_existing(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_auditevent DISABLE TRIGGER cases_auditevent_append_only")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_auditevent_no_update")
    event = apps.get_model("cases", "AuditEvent")
    fields = [
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
    ]
    last: dict[int, str] = {}
    for row in event._base_manager.order_by("id").values(*fields).iterator(chunk_size=2000):
        prev = last.get(row["application_id"], "")
        digest = _hash(row, prev)
        # QuerySet.update of the historical model: the current model's refusal is not in play here.
        models.QuerySet(event).filter(pk=row["id"]).update(prev_hash=prev, hash=digest)
        last[row["application_id"]] = digest
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_auditevent ENABLE TRIGGER cases_auditevent_append_only")
        schema_editor.execute(PG_TRUNCATE_CREATE, params=None)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_UPDATE, params=None)


def unchain(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_TRUNCATE_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_open_supplement_due")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(chain_existing, unchain, elidable=False),
    ]
