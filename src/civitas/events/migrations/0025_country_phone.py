"""Countries become django-countries fields (ISO codes, names shown), phones E.164.

Existing values are converted: a country typed as a name or another code becomes its ISO
code, a phone number that parses becomes E.164 (national numbers read as French). What
cannot be read is left as it was and reported, never lost."""

import django_countries.fields
from django.db import migrations

from civitas.core import phones
from civitas.events.services.regform import country_code

BATCH = 500


def report(line):
    print(f"\n  events.0021: {line}", end="")  # noqa: T201 (the migration's report)


def convert_countries(apps, schema_editor):
    Company = apps.get_model("events", "Company")
    by_code = {}  # ISO code -> ids of the companies to change (raw values, not Country objects)
    rows = Company.objects.values_list("pk", "name", "country")
    for pk, name, typed in rows.iterator(chunk_size=BATCH):
        code = country_code(typed)
        if code is None:
            report(
                f"company {pk} ({name}): country “{typed}” not recognised, left as it is: "
                "correct it in the back office"
            )
        elif code != typed:
            by_code.setdefault(code, []).append(pk)
    for code, ids in by_code.items():
        for start in range(0, len(ids), BATCH):
            Company.objects.filter(pk__in=ids[start : start + BATCH]).update(country=code)


def normalise_phones(apps, schema_editor):
    for model_name in ("Company", "Representative", "Expert"):
        model = apps.get_model("events", model_name)
        changed = []
        rows = model.objects.exclude(phone="").only("pk", "phone")
        for row in rows.iterator(chunk_size=BATCH):
            number, ok = phones.normalise_or_keep(row.phone)
            if not ok:
                report(
                    f"{model_name.lower()} {row.pk}: phone “{row.phone}” not recognised, "
                    "left as it is"
                )
            elif number != row.phone:
                row.phone = number
                changed.append(row)
        model.objects.bulk_update(changed, ["phone"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ('events', '0024_operations_forecast_closing_lists'),
    ]

    operations = [
        migrations.RunPython(convert_countries, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="company",
            name="country",
            field=django_countries.fields.CountryField(
                default="FR", max_length=2, verbose_name="country"
            ),
        ),
        migrations.RunPython(normalise_phones, migrations.RunPython.noop, elidable=True),
    ]
