"""The audit log is append-only in the database itself (SPEC §7): triggers refuse any
UPDATE or DELETE of an audit event, whatever code or SQL sends it. Only an explicit purge
(models.audit.audit_purge: the test suite's flush between tests) may empty the table.

Also the cache table production uses when there is no Redis (settings.CACHES)."""

from django.core.management import call_command
from django.db import migrations

POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION ldn_audit_append_only() RETURNS trigger AS $$
    BEGIN
        IF current_setting('ldn.audit_purge', true) = 'on' THEN
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_no_update_or_delete BEFORE UPDATE OR DELETE ON tracker_auditevent
    FOR EACH ROW EXECUTE FUNCTION ldn_audit_append_only()
    """,
    """
    CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON tracker_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION ldn_audit_append_only()
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_no_truncate ON tracker_auditevent",
    "DROP TRIGGER IF EXISTS audit_no_update_or_delete ON tracker_auditevent",
    "DROP FUNCTION IF EXISTS ldn_audit_append_only()",
]
# SQLite has no session settings: the guard is a function each connection of the app
# registers (models.audit); a client without it cannot modify the table at all.
SQLITE = [
    f"""
    CREATE TRIGGER audit_no_{op.lower()} BEFORE {op} ON tracker_auditevent
    WHEN ldn_audit_guarded()
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only: {op} refused'); END
    """
    for op in ("UPDATE", "DELETE")
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
]


def guard(apps, schema_editor):
    statements = {"postgresql": POSTGRES, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    for sql in statements or []:
        schema_editor.execute(sql, params=None)


def unguard(apps, schema_editor):
    statements = {"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}.get(
        schema_editor.connection.vendor
    )
    for sql in statements or []:
        schema_editor.execute(sql, params=None)


def cache_table(apps, schema_editor):
    call_command("createcachetable", "ldn_cache", database=schema_editor.connection.alias)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS ldn_cache")


class Migration(migrations.Migration):
    dependencies = [("tracker", "0006_status_reader_and_alert_params")]

    operations = [
        migrations.RunPython(guard, unguard),
        migrations.RunPython(cache_table, drop_cache_table),
    ]
