from django.db import migrations


def create(apps, schema_editor):
    Role = apps.get_model("core", "Role")
    Organisation = apps.get_model("core", "Organisation")
    Organisation.objects.get_or_create(pk=1, defaults={"name": "Civitas"})
    Role.objects.update_or_create(
        code="principal_admin",
        defaults={
            "name": "Administrateur principal",
            "description": "Toutes les permissions, sur toute l'organisation.",
            "is_system": True,
            "permissions": [],
        },
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
