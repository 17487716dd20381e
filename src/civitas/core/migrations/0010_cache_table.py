"""The table of the shared cache (settings CACHES["default"]: allauth's used TOTP codes and
rate limits must be seen by every process). Made here rather than by `createcachetable` so
that `migrate` is the one installation and upgrade step; its name is fixed."""

from django.db import migrations

TABLE = "civitas_cache"


def create(apps, schema_editor):
    from django.core.management.commands.createcachetable import Command

    if TABLE not in schema_editor.connection.introspection.table_names():
        command = Command()
        command.verbosity = 0
        command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0009_role_suggested_permissions")]

    operations = [migrations.RunPython(create, drop)]
