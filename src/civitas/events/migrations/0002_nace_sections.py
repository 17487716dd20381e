from django.db import migrations


def seed(apps, schema_editor):
    from civitas.events.nace import NACE_SECTIONS

    NaceSection = apps.get_model("events", "NaceSection")
    for code, fr, en in NACE_SECTIONS:
        NaceSection.objects.update_or_create(code=code, defaults={"label_fr": fr, "label_en": en})


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
