"""The real cost of pg_trgm's word-similarity operator, so that the name search uses the
trigram index (see services/planner.py; written out here so the migration stays as it is)."""

import logging

from django.db import migrations

log = logging.getLogger(__name__)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        schema_editor.execute("SAVEPOINT cp_trgm_cost")
        schema_editor.execute(
            "ALTER FUNCTION word_similarity_commutator_op(text, text) COST 100"
        )
        schema_editor.execute("RELEASE SAVEPOINT cp_trgm_cost")
    except Exception as exc:  # not the extension's owner: search right, only slower
        schema_editor.execute("ROLLBACK TO SAVEPOINT cp_trgm_cost")
        log.warning("Could not declare pg_trgm costs: %s", exc)


def backward(apps, schema_editor):
    pass  # the cost is a planner hint; leaving it is harmless


class Migration(migrations.Migration):
    dependencies = [("childprotection", "0009_child_deadline")]
    operations = [migrations.RunPython(forward, backward, elidable=False)]
