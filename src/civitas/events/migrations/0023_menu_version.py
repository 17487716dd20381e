from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [('events', '0022_absence_override')]

    operations = [
        migrations.AddField(
            model_name="event",
            name="menu_version",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
