"""Typo-tolerant search of children's names on PostgreSQL.

The `pg_trgm` extension and a GIN trigram index on `childprotection_child.search_name` (the
name already upper-cased and stripped of accents by `normalise_name`, so accents are folded
before the trigrams are taken). The index serves both the "contains every word" search
(LIKE '%WORD%') and the word-similarity operator `%>` that forgives a typo ("DUPOND" finds
"DUPONT"). SQLite (embedded demo) has neither: nothing is done there and the search falls
back to "contains every word".
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS cp_child_name_trgm "
    "ON childprotection_child USING gin (search_name gin_trgm_ops)",
]
# The extension is left in place on the way back: other modules may use it.
BACKWARD = ["DROP INDEX IF EXISTS cp_child_name_trgm"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("childprotection", "0006_legacy_id")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
