"""Query counts per page (issue 32 item 18): a page costs the same number of SQL queries
with N rows as with 3N rows, so no row is loaded one by one (a removed prefetch, a
relation read in a loop, a menu link that looks up its page again).

Each test builds N rows, counts the queries of the page, adds 2N rows, counts again: the
two counts must be equal, and below a ceiling that says what the page is meant to cost.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civitas.events.models import (
    CooperationType,
    KeyFigure,
    Keyword,
    MeetingRequest,
    Offer,
    Room,
    Session,
    Slot,
)
from civitas.events.services import manual, setup

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db

N = 4


def count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def same_count(grow, measure, ceiling):
    """The page's queries with N rows, then with 3N rows: equal, and at most `ceiling`."""
    grow(N)
    measure()  # the first request fills per-process caches (content types, site roots)
    small = measure()
    grow(2 * N)
    measure()  # (the rows changed: what is cached under them, the menu, is built again)
    large = measure()
    assert small == large, f"{small} queries with {N} rows, {large} with {3 * N}"
    assert large <= ceiling, f"{large} queries (at most {ceiling} expected)"
    return large


class Counter:
    def __init__(self):
        self.n = 0

    def next(self) -> int:
        self.n += 1
        return self.n


def _offers(event, company, counter, per_company=2):
    coop = list(CooperationType.objects.filter(event=event)) or [None]
    for _i in range(per_company):
        i = counter.next()
        offer = Offer.objects.create(
            company=company,
            kind=Offer.Kind.OFFER,
            title=f"Offre {i}",
            description="Robotique industrielle",
            cooperation_type=coop[i % len(coop)],
            moderation="validated",
        )
        offer.keywords.set(
            [Keyword.objects.get_or_create(event=event, label_fr=f"mot {i}-{k}")[0] for k in (1, 2)]
        )
        offer.key_figures.set(
            [KeyFigure.objects.get_or_create(event=event, label_fr=f"chiffre {i}")[0]]
        )


def test_catalogue(client):
    event = make_event("cat-q")
    counter = Counter()

    def grow(n):
        for _i in range(n):
            c = make_company(event, f"Société {counter.next()}", reps=2)
            _offers(event, c, counter)

    url = reverse("events:catalogue", kwargs={"slug": event.slug})
    same_count(grow, lambda: count(client, url), ceiling=12)
    # and with a search (every company matches "Offre")
    same_count(grow, lambda: count(client, url, q="Offre"), ceiling=12)


def test_company_detail(client):
    event = make_event("detail-q")
    company = make_company(event, "Détaillée", reps=1)
    me = make_company(event, "Visiteur").representatives.get()
    client.force_login(me.user)
    counter = Counter()
    url = reverse("events:company_detail", kwargs={"slug": event.slug, "pk": company.pk})

    def grow(n):
        _offers(event, company, counter, per_company=n)
        for _i in range(n):
            company.representatives.create(
                first_name="R",
                last_name=f"Rep {counter.next()}",
                email=f"r{counter.n}@detail.example",
                moderation="validated",
            )

    same_count(grow, lambda: count(client, url), ceiling=25)


def _long_event(slug):
    """An event with 12 slots of 20 minutes and 30 tables: room for 3N meetings each."""
    event = make_event(slug, tables=30)
    session = Session.objects.get(day__event=event)
    Slot.objects.filter(session=session).delete()
    session.end_time = dt.time(13)
    session.save()
    setup.generate_slots(session)
    return event


def test_participant_agenda(client):
    event = _long_event("agenda-q")
    me = make_company(event, "Occupée").representatives.get()
    slots = iter(Slot.objects.filter(session__day__event=event).order_by("start"))
    room = Room.objects.get(site__event=event)
    counter = Counter()

    def grow(n):
        for _i in range(n):
            other = make_company(event, f"Partenaire {counter.next()}").representatives.get()
            req = MeetingRequest.objects.create(
                event=event, sender=other, recipient=me, state=MeetingRequest.State.CONFIRMED
            )
            manual.place_request(req, next(slots), room=room, table=counter.n, publish=True)

    client.force_login(me.user)
    url = reverse("events:area_agenda", kwargs={"slug": event.slug})
    same_count(grow, lambda: count(client, url), ceiling=25)


def _requests(event, counter, n, place=True):
    room = Room.objects.get(site__event=event)
    slots = list(Slot.objects.filter(session__day__event=event).order_by("start"))
    for _i in range(n):
        a = make_company(event, f"Demandeur {counter.next()}").representatives.get()
        b = make_company(event, f"Destinataire {counter.n}").representatives.get()
        req = MeetingRequest.objects.create(
            event=event, sender=a, recipient=b, state=MeetingRequest.State.CONFIRMED
        )
        if place:
            manual.place_request(req, slots[counter.n % len(slots)], room=room, table=counter.n)


def test_backoffice_requests_list(client_for):
    event = _long_event("requests-q")
    counter = Counter()
    principal = client_for("principal")
    url = reverse("events:bo_requests", kwargs={"pk": event.pk})
    same_count(lambda n: _requests(event, counter, n), lambda: count(principal, url), ceiling=30)


def test_backoffice_registrations_list(client_for):
    event = make_event("registrations-q")
    counter = Counter()
    principal = client_for("principal")
    url = reverse("events:bo_registrations", kwargs={"pk": event.pk})

    def grow(n):
        for _i in range(n):
            make_company(event, f"Inscrite {counter.next()}", reps=3, validated=counter.n % 2)

    same_count(grow, lambda: count(principal, url), ceiling=30)


def test_public_event_pages(client):
    """The mini-site's menu is on every public page: its links cost nothing per link."""
    from civitas.events.models import EventContentPage, EventLinkPage
    from civitas.events.services.minisite import site_page

    event = make_event("site-q")
    root = site_page(event)
    counter = Counter()

    def grow(n):
        for _i in range(n):
            i = counter.next()
            for page in (
                EventContentPage(title=f"Page {i}", slug=f"page-{i}", show_in_menus=True),
                EventLinkPage(
                    title=f"Lien {i}",
                    slug=f"lien-{i}",
                    target=EventLinkPage.Target.CATALOGUE,
                    show_in_menus=True,
                ),
            ):
                root.add_child(instance=page).save_revision().publish()

    pages = [
        reverse("events:event_page", kwargs={"slug": event.slug}),
        reverse("events:catalogue", kwargs={"slug": event.slug}),
        reverse("events:register", kwargs={"slug": event.slug}),
        f"/evenements/{event.slug}/contact/",
    ]
    for url in pages:
        same_count(grow, lambda url=url: count(client, url), ceiling=40)

    def cold(url):
        caches["local"].clear()  # the menu built again, not read from the cache
        return count(client, url)

    for url in pages:
        same_count(grow, lambda url=url: cold(url), ceiling=45)
    # (the menu shows the pages added, in both kinds)
    html = client.get(pages[0]).content.decode()
    assert f"Page {counter.n}" in html and f"Lien {counter.n}" in html


def test_meetings_export(client_for):
    """The meetings file reads only its columns, and nothing row by row."""
    event = _long_event("export-q")
    counter = Counter()
    principal = client_for("principal")

    def measure():
        url = reverse("exports:export")
        params = {"exporter": "events.meetings", "format": "csv", "event": str(event.pk)}
        with CaptureQueriesContext(connection) as ctx:
            response = principal.get(url, params)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200
        assert f"Destinataire {counter.n}".encode() in body
        return len(ctx.captured_queries)

    same_count(lambda n: _requests(event, counter, n), measure, ceiling=30)
