from django.db import migrations

INTRO_FR = (
    "<p>Bienvenue sur Civitas, la plateforme de services de votre organisation : "
    "rendez-vous d'affaires, suivi des informations préoccupantes, envoi des documents "
    "de séance aux élus et assistance.</p>"
)
INTRO_EN = (
    "<p>Welcome to Civitas, your organisation's services platform: business meetings, "
    "child-protection reports, council documents for elected officials, and support.</p>"
)


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("cms.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    # Wagtail's own migration leaves a placeholder "Welcome" page at depth 2.
    Page.objects.filter(depth=2, content_type__model="page").delete()
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    locale = Locale.objects.first()
    home = HomePage.objects.create(
        title="Accueil",
        title_en="Home",
        draft_title="Accueil",
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        intro=INTRO_FR,
        intro_en=INTRO_EN,
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home, "site_name": "Civitas"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]
    operations = [migrations.RunPython(create_homepage, migrations.RunPython.noop)]
