"""After the date the organiser sets, the public mini-site answers with a short notice."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.events.conftest import make_company

pytestmark = pytest.mark.django_db


def _public_urls(event, company):
    slug = {"slug": event.slug}
    return [
        reverse("events:event_page", kwargs=slug),
        reverse("events:register", kwargs=slug),
        reverse("events:register_done", kwargs=slug),
        reverse("events:catalogue", kwargs=slug),
        reverse("events:company_detail", kwargs={**slug, "pk": company.pk}),
        reverse("events:register_sector_fields", kwargs=slug),
    ]


def test_public_pages_close_after_the_date_and_the_area_stays(event):
    from civitas.events.services import minisite

    minisite.ensure_minisite(event)
    company = make_company(event, "Acme")
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.cookies["django_language"] = "en"
    for url in _public_urls(event, company):
        r = c.get(url, follow=True)
        assert r.status_code == 200, url
        assert "public pages are closed" not in r.content.decode()
    event.minisite_closes_on = timezone.localdate() + dt.timedelta(days=1)
    event.save()
    assert c.get(reverse("events:catalogue", kwargs={"slug": event.slug})).status_code == 200
    event.minisite_closes_on = timezone.localdate()
    event.save()
    for url in _public_urls(event, company):
        r = c.get(url)
        assert r.status_code == 410, url
        assert "This event is over and its public pages are closed." in r.content.decode()
    # The mini-site's Wagtail pages (served at their own addresses) close too.
    root = minisite.site_page(event)
    for page in root.get_children().live():
        url = page.specific.get_url()
        if url and url.startswith("/evenements/"):
            r = c.get(url)
            assert r.status_code in (410, 302), url
    # Registering is refused: nothing is created.
    r = c.post(reverse("events:register", kwargs={"slug": event.slug}), {"company-name": "X"})
    assert r.status_code == 410
    # The participant's area stays (the data is kept).
    rep = company.representatives.first()
    c.force_login(rep.user)
    assert c.get(reverse("events:area_home", kwargs={"slug": event.slug})).status_code == 200


def test_closing_date_must_follow_the_event(client_for, event):
    from civitas.events.backoffice.forms import EventForm

    form = EventForm(
        data={
            "name": event.name,
            "slug": event.slug,
            "start_date": "2027-03-10",
            "end_date": "2027-03-10",
            "booking_mode": event.booking_mode,
            "request_expiry_days": 7,
            "primary_colour": "#000091",
            "secondary_colour": "#e1000f",
            "minisite_closes_on": "2027-03-10",
        },
        instance=event,
    )
    assert not form.is_valid()
    assert "only after the event" in str(form.errors["minisite_closes_on"])
