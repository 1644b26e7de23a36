"""A ballot's result, once recorded, can't be changed or deleted — not even by a bulk
query or by hand in a database shell: a trigger refuses it."""

from django.db import migrations

TABLE = "deliberation_ballotresult"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION deliberation_result_is_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ballot results are frozen once recorded';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ballotresult_frozen
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION deliberation_result_is_frozen();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS ballotresult_frozen ON {TABLE};
DROP FUNCTION IF EXISTS deliberation_result_is_frozen();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER ballotresult_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'ballot results are frozen once recorded'); END;""",
    f"""CREATE TRIGGER ballotresult_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'ballot results are frozen once recorded'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS ballotresult_no_update;",
    "DROP TRIGGER IF EXISTS ballotresult_no_delete;",
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
    dependencies = [("deliberation", "0004_ballot_cancelled")]

    operations = [migrations.RunPython(up, down)]
