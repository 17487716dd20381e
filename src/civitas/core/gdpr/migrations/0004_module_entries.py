"""Modules own their register entries and notices (see civitas.core.gdpr.seeding).

0002_seed created the events module's entry and notice from core's history. From now on the
events module's own migration (events 0014_register_of_processing) creates them, and keeps
the ones 0002 made. Where the events module is not switched on, the rows 0002 made for it
describe a processing that does not take place: they are removed, unless an administrator
edited them since.
"""

import importlib

from django.apps import apps as global_apps
from django.db import migrations

EVENTS_NOTICE = "events.registration"
EVENTS_ACTIVITY = "Inscriptions aux événements"


def forget_events_entries(apps, schema_editor):
    if global_apps.is_installed("civitas.events"):
        return
    seed = importlib.import_module("civitas.core.gdpr.migrations.0002_seed")
    PrivacyNotice = apps.get_model("gdpr", "PrivacyNotice")
    ProcessingActivity = apps.get_model("gdpr", "ProcessingActivity")
    PrivacyNotice.objects.filter(
        form_code=EVENTS_NOTICE, text_fr=seed.NOTICE_FR, text_en=seed.NOTICE_EN
    ).delete()
    seeded = next(a for a in seed.ACTIVITIES if a["module"] == "events")
    ProcessingActivity.objects.filter(**seeded).delete()


class Migration(migrations.Migration):
    dependencies = [("gdpr", "0003_breach_register")]
    operations = [migrations.RunPython(forget_events_entries, migrations.RunPython.noop)]
