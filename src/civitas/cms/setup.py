"""Idempotent creation of the public home page (used by demo data and tests)."""

from wagtail.models import Page, Site

from .models import HomePage

# The services themselves are presented by the modules switched on (civitas.core.home).
INTRO_FR = "<p>Bienvenue sur le portail de services en ligne de votre organisation.</p>"
INTRO_EN = "<p>Welcome to your organisation's online services portal.</p>"
# The first intro listed every module of the product, switched on or not: replaced if untouched.
_OLD_INTRO_FR = (
    "<p>Bienvenue sur Civitas, la plateforme de services de votre organisation : "
    "rendez-vous d'affaires, suivi des informations préoccupantes, envoi des documents "
    "de séance aux élus et assistance.</p>"
)


def ensure_homepage() -> HomePage:
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale

    # After a test flush the cached content type ids may be stale.
    ContentType.objects.clear_cache()
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        home = root.add_child(
            instance=HomePage(
                title="Accueil", title_en="Home", slug="home", intro=INTRO_FR, intro_en=INTRO_EN
            )
        )
    elif home.intro == _OLD_INTRO_FR:
        home.intro, home.intro_en = INTRO_FR, INTRO_EN
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", root_page=home, is_default_site=True, site_name="Civitas"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home
