"""A trigram index on the organisations' folded names, on PostgreSQL: every search box
(conventions list, pickers, admin) looks for words inside 36,000 names with LIKE
'%word%', which no B-tree serves (a scan of the table, 5 ms, twice per list page).
SQLite, the newcomer's database, keeps the scan."""

from django.db import migrations

INDEX = "organisation_search_trigram"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON partners_organisation "
        "USING gin (search_name gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0007_early_childhood_competence"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
