"""A month's frozen rates can't be changed — not even by a bulk query or by hand in a
database shell: a trigger refuses UPDATE. (Rows go only when their community is deleted.)"""

from django.db import migrations

TABLE = "casework_ratessnapshot"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION casework_snapshot_is_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'monthly rates snapshots are never changed';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ratessnapshot_frozen
    BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION casework_snapshot_is_frozen();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS ratessnapshot_frozen ON {TABLE};
DROP FUNCTION IF EXISTS casework_snapshot_is_frozen();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER ratessnapshot_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'monthly rates snapshots are never changed'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS ratessnapshot_no_update;",
]


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_catalogue_and_holidays")]

    operations = [migrations.RunPython(up, down)]
