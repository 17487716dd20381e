"""French full-text search of the catalogue, on PostgreSQL only (SQLite keeps the
normalised-text matching).

- the unaccent extension and a `french_unaccent` text search configuration (accents
  removed, then French stemming);
- a stored `events_company.search_vector` column (PostgreSQL only, not a model field: Django
  never writes it) computed by a trigger on every insert and update, so it follows
  `name` and `search_text` whatever the code path (save, bulk_update, update);
  the name weighs A, the rest of the profile and the offers B;
- a GIN index on that column (services.catalogue reads it).
"""

from django.db import migrations

VECTOR = """
    setweight(to_tsvector('french_unaccent'::regconfig, COALESCE({row}name, '')), 'A')
    || setweight(to_tsvector('french_unaccent'::regconfig, COALESCE({row}search_text, '')), 'B')
"""

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
    "ALTER TABLE events_company ADD COLUMN IF NOT EXISTS search_vector tsvector",
    """
    CREATE OR REPLACE FUNCTION events_company_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector := """
    + VECTOR.format(row="NEW.")
    + """;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS events_company_search_vector ON events_company",
    """
    CREATE TRIGGER events_company_search_vector
        BEFORE INSERT OR UPDATE ON events_company
        FOR EACH ROW EXECUTE FUNCTION events_company_search_vector()
    """,
    "UPDATE events_company SET search_vector = " + VECTOR.format(row=""),
    """
    CREATE INDEX IF NOT EXISTS events_company_search
        ON events_company USING gin (search_vector)
    """,
]
BACKWARD = [
    "DROP INDEX IF EXISTS events_company_search",
    "DROP TRIGGER IF EXISTS events_company_search_vector ON events_company",
    "DROP FUNCTION IF EXISTS events_company_search_vector()",
    "ALTER TABLE events_company DROP COLUMN IF EXISTS search_vector",
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
    dependencies = [("events", "0009_minisite")]
    operations = [migrations.RunPython(forward, backward)]
