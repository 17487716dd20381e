"""A visitor finds the events from the public home page and the header (issue 32, item 1)."""

import datetime as dt

import pytest
from django.urls import reverse

from civitas.cms.setup import INTRO_EN, ensure_homepage

from .conftest import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(db):
    return ensure_homepage()


def test_home_lists_coming_events_with_links_to_site_and_registration(client, home):
    coming = make_event("salon-2027")
    past = make_event("salon-2020")
    past.start_date = past.end_date = dt.date(2020, 3, 10)
    past.save()
    hidden = make_event("brouillon")
    hidden.is_published = False
    hidden.save()
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert coming.name in page
    assert reverse("events:event_page", kwargs={"slug": coming.slug}) in page
    assert reverse("events:register", kwargs={"slug": coming.slug}) in page
    assert "10 March 2027" in page
    assert past.name not in page and hidden.name not in page
    # the header links to the events on every public page
    assert f'href="{reverse("events:event_list")}"' in page
    listing = client.get(reverse("events:event_list")).content.decode()
    assert coming.name in listing and past.name in listing and hidden.name not in listing


def test_registration_link_only_while_registration_is_open(client, home):
    event = make_event("ferme")
    event.registration_closes = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    event.save()
    page = client.get("/").content.decode()
    assert event.name in page
    assert reverse("events:register", kwargs={"slug": event.slug}) not in page


def test_home_without_events_has_no_events_section(client, home):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="home-events"' not in page
    # the home text no longer lists modules this instance may not run
    assert "child-protection" not in page
    assert INTRO_EN in page
