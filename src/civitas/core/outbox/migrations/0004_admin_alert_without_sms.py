"""The administrators' alert is only ever sent by e-mail: its SMS version, listed in the
template editor but never sent, is removed (a message has an SMS template only when it is
really sent by SMS)."""

from django.db import migrations


def forwards(apps, schema_editor):
    MessageTemplate = apps.get_model("outbox", "MessageTemplate")
    MessageTemplate.objects.filter(code="core.admin_alert", channel="sms").delete()


class Migration(migrations.Migration):
    dependencies = [("outbox", "0003_attachment")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
