from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('events', '0025_country_phone'),
    ]

    operations = [
        migrations.AddField(
            model_name="pricecategory",
            name="expert_meeting_amount",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Charged for each meeting scheduled with an expert.",
                max_digits=10,
                null=True,
                verbose_name="price per expert meeting excl. VAT",
            ),
        ),
    ]
