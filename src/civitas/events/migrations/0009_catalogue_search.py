"""French full-text search of the catalogue, on PostgreSQL only (SQLite keeps the
normalised-text matching): the unaccent extension, a `french_unaccent` text search
configuration (accents removed, then French stemming) and a GIN index on the expression
used by services.catalogue.search_vector()."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION french_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END
    $$
    """,
    # Same expression as services.catalogue.search_vector(), or the index is not used.
    """
    CREATE INDEX IF NOT EXISTS events_company_search ON events_company USING gin ((
        setweight(to_tsvector('french_unaccent'::regconfig, COALESCE("name", '')), 'A')
        || setweight(to_tsvector('french_unaccent'::regconfig, COALESCE("search_text", '')), 'B')
    ))
    """,
]
BACKWARD = [
    "DROP INDEX IF EXISTS events_company_search",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("events", "0008_minisite")]
    operations = [migrations.RunPython(forward, backward)]
