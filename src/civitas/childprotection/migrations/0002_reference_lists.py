"""Seed the parameter tables from the spec's reference lists, and the communes of the
Hauts-de-Seine (92) as a shipped example (other départements: the import command)."""

from django.db import migrations


def seed(apps, schema_editor):
    from civitas.childprotection.data.reference import TABLES
    from civitas.childprotection.services.communes import SHIPPED, import_communes

    for model_name, rows in TABLES.items():
        model = apps.get_model("childprotection", model_name)
        for order, (code, label, extra) in enumerate(rows):
            model.objects.get_or_create(
                code=code, defaults={"label": label, "order": order, **extra}
            )
    import_communes(
        SHIPPED.read_text(encoding="utf-8"), apps.get_model("childprotection", "Commune")
    )


class Migration(migrations.Migration):
    dependencies = [("childprotection", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
