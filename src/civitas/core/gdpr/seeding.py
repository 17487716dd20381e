"""A module's register-of-processing entries and privacy notices, created by the module's
own migrations.

A module owns its GDPR paperwork: its register entry (GDPR art. 30) and the notices shown
under its forms are rows created by a data migration of the module, never by core's::

    # civitas/<module>/migrations/00NN_register_of_processing.py
    from django.db import migrations

    from civitas.core.gdpr.seeding import seed_register

    ACTIVITY = {"name": "...", "module": "<module>", "controller": "...", "purpose": "...",
                "legal_basis": "public_task", "data_subjects": "...",
                "data_categories": "...", "retention": "...", "security_measures": "..."}
    NOTICE = ("<module>.form_code", "Label", "<p>French text</p>", "<p>English text</p>")

    class Migration(migrations.Migration):
        dependencies = [("<module>", "00MM_previous"), ("gdpr", "0004_module_entries")]
        operations = [seed_register(activities=[ACTIVITY], notices=[NOTICE])]

The operation is idempotent: an activity already present (same module and name) or a notice
already present (same form code) is left exactly as the administrators edited it; only
missing rows are created. Migrating the module backwards leaves the rows in place (the
register keeps the history of a processing that stopped; administrators delete it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import migrations


def ensure_entries(apps, activities: Iterable[dict] = (), notices: Iterable[Sequence] = ()):
    """Create the missing activities and notices (historical models from `apps`); returns
    (activities created, notices created)."""
    ProcessingActivity = apps.get_model("gdpr", "ProcessingActivity")
    PrivacyNotice = apps.get_model("gdpr", "PrivacyNotice")
    made_activities = made_notices = 0
    for data in activities:
        data = dict(data)
        lookup = {"module": data.pop("module", ""), "name": data.pop("name")}
        if not ProcessingActivity.objects.filter(**lookup).exists():
            ProcessingActivity.objects.create(**lookup, **data)
            made_activities += 1
    for form_code, label, text_fr, text_en in notices:
        _notice, made = PrivacyNotice.objects.get_or_create(
            form_code=form_code, defaults={"label": label, "text_fr": text_fr, "text_en": text_en}
        )
        made_notices += int(made)
    return made_activities, made_notices


def seed_register(activities: Iterable[dict] = (), notices: Iterable[Sequence] = ()):
    """The migration operation that creates a module's entries (see the module docstring)."""
    activities, notices = list(activities), list(notices)

    def forwards(apps, schema_editor):
        ensure_entries(apps, activities, notices)

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)
