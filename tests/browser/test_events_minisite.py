"""The event mini-site in Chromium: menu navigation through the Wagtail pages and the
Django pages, with axe-core on each page, in French and in English."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(db):
    from civitas.cms.setup import ensure_homepage

    ensure_homepage()


def test_minisite_pages_through_the_menu(page, site):
    event = make_event("salon-mini-site", venue="CCI Paris", organiser_email="rdv@cci.example")
    page.goto(f"/evenements/{event.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(event.name)
    menu = page.get_by_role("navigation", name="Menu de l’événement")
    assert axe_violations(page) == [], page.url
    for label, heading in [
        ("Informations pratiques", "Informations pratiques"),
        ("Contact", "Contact"),
        ("Mentions légales", "Mentions légales"),
        ("Participants", "Participants"),
        ("Inscription", "Inscrire votre entreprise"),
    ]:
        menu.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(menu.get_by_role("link", name=label, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        assert axe_violations(page) == [], page.url
    expect(page.get_by_role("link", name="rdv@cci.example")).to_have_count(0)
    page.goto(f"/evenements/{event.slug}/contact/")
    expect(page.get_by_role("link", name="rdv@cci.example")).to_be_visible()


def test_minisite_in_english(browser, live_server, site):
    event = make_event("salon-en")
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"/evenements/{event.slug}/informations-pratiques/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Practical information")
        menu = page.get_by_role("navigation", name="Event menu")
        expect(menu.get_by_role("link", name="Legal notices")).to_be_visible()
        assert axe_violations(page) == [], page.url
    finally:
        context.close()
