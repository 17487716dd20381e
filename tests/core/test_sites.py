"""The absolute address of a named route comes from CIVITAS_SITE_URL, in one helper."""

from civitas.core.sites import absolute_url, site_url


def test_absolute_url_uses_the_configured_site(settings):
    settings.CIVITAS_SITE_URL = "https://civitas.example/"
    assert site_url() == "https://civitas.example"
    assert absolute_url("core:backoffice_home") == "https://civitas.example/backoffice/"
    assert (
        absolute_url("events:area_home", slug="salon")
        == "https://civitas.example/espace/evenements/salon/"
    )


def test_mail_links_of_events_use_it(settings, db):
    from civitas.events.services import notify
    from tests.events.conftest import make_event

    settings.CIVITAS_SITE_URL = "https://mairie.example"
    event = make_event("site-url")
    assert notify.event_url(event) == "https://mairie.example/evenements/site-url/"
