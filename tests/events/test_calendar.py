"""Calendar of events and animations (issue 30): states around today, scope of the back-office
screen, filters (bad and cross-scope values), CSV and iCalendar exports, the public agenda
and its feed (published events and public animations only)."""

import csv
import datetime as dt
import io

import icalendar
import pytest
from django.urls import reverse

from civitas.cms.setup import ensure_homepage
from civitas.core.billing.models import Seller
from civitas.core.models import JournalEntry, Role, RoleAssignment
from civitas.events.backoffice.forms import EventForm
from civitas.events.models import Animation, Event, EventPayment, Keyword
from civitas.events.services import calendar
from tests.conftest import add_totp, make_user

from .animation_helpers import PARIS, at
from .animation_helpers import make_animation as _make_animation
from .conftest import make_event


def make_animation(event, title, **extra):
    """One title in both languages: the tests read it whatever the language."""
    return _make_animation(event, title, title_en="", **extra)


pytestmark = pytest.mark.django_db

URL = "/backoffice/evenements/calendrier/"


def _seller(name, siret):
    return Seller.objects.create(
        name=name, siret=siret, address="1 rue", postcode="75001", city="Paris"
    )


def _organiser(event, email):
    role, _created = Role.objects.get_or_create(
        code="calendar_organiser_test",
        defaults={
            "name": "Organiser",
            "permissions": ["core.access_backoffice", "events.view_registrations"],
        },
    )
    user = make_user(email)
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=event.pk)
    add_totp(user)
    return user


@pytest.fixture
def world():
    """Two events in March 2027, each with its establishment, theme and animations."""
    x = make_event("event-x")
    y = make_event("event-y")
    sx, sy = _seller("CCI Xanadu", "13000293900015"), _seller("CCI Yonne", "13002526500013")
    EventPayment.objects.create(event=x, seller=sx, providers=["demo"])
    EventPayment.objects.create(event=y, seller=sy, providers=["demo"])
    Keyword.objects.create(event=x, label_fr="Hydrogène")
    Keyword.objects.create(event=y, label_fr="Numérique")
    workshop = make_animation(x, "Atelier Xénon")
    conference = make_animation(
        x,
        "Conférence privée",
        kind=Animation.Kind.CONFERENCE,
        public=False,
        start=at(14),
        end=at(15),
    )
    training = make_animation(y, "Formation Ypsilon", kind=Animation.Kind.TRAINING)
    return {
        "x": x, "y": y, "sx": sx, "sy": sy,
        "workshop": workshop, "conference": conference, "training": training,
    }  # fmt: skip


def _titles(response):
    return [e.title for _month, items in response.context["months"] for e in items]


# States ------------------------------------------------------------------------------------


def test_event_states_around_today():
    event = Event(start_date=dt.date(2027, 3, 10), end_date=dt.date(2027, 3, 11), is_published=True)
    state = calendar.event_state
    assert state(event, dt.date(2027, 3, 9)) == calendar.UPCOMING
    assert state(event, dt.date(2027, 3, 10)) == calendar.ONGOING
    assert state(event, dt.date(2027, 3, 11)) == calendar.ONGOING
    assert state(event, dt.date(2027, 3, 12)) == calendar.PAST
    event.is_published = False
    assert state(event, dt.date(2027, 3, 9)) == calendar.PLANNED
    assert state(event, dt.date(2027, 3, 11)) == calendar.PLANNED
    # Never published and over: past, not "planned".
    assert state(event, dt.date(2027, 3, 12)) == calendar.PAST


def test_animation_states_around_now(world):
    workshop = world["workshop"]  # 10 March 2027, 11:00-12:00 Paris
    state = calendar.animation_state
    assert state(workshop, at(10, 59)) == calendar.UPCOMING
    assert state(workshop, at(11)) == calendar.ONGOING
    assert state(workshop, at(12)) == calendar.ONGOING
    assert state(workshop, at(12, 1)) == calendar.PAST
    workshop.event.is_published = False
    assert state(workshop, at(10, 59)) == calendar.PLANNED
    assert state(workshop, at(12, 1)) == calendar.PAST


def test_entries_carry_states_and_filter_on_them(world):
    x = world["x"]
    Event.objects.filter(pk=world["y"].pk).update(is_published=False)
    # 10 March 2027 at 11:30: event X under way, its workshop under way, the conference
    # (14:00) coming; event Y unpublished: planned, and so is its training.
    items = calendar.entries(Event.objects.all(), now=at(11, 30))
    got = {e.title: e.state for e in items}
    assert got == {
        x.name: calendar.ONGOING,
        "Atelier Xénon": calendar.ONGOING,
        "Conférence privée": calendar.UPCOMING,
        world["y"].name: calendar.PLANNED,
        "Formation Ypsilon": calendar.PLANNED,
    }
    planned = calendar.entries(Event.objects.all(), now=at(11, 30), state=calendar.PLANNED)
    assert {e.title for e in planned} == {world["y"].name, "Formation Ypsilon"}
    later = calendar.entries(Event.objects.all(), now=at(9, day=12))
    assert {e.state for e in later} == {calendar.PAST}


# Back office: scope and filters ------------------------------------------------------------


def test_an_organiser_of_x_does_not_see_y(world, client):
    # X is a linked operation of Y: still, Y's name stays out of the organiser's view.
    Event.objects.filter(pk=world["x"].pk).update(parent=world["y"])
    client.force_login(_organiser(world["x"], "orga-x@example.org"))
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert world["x"].name in page and "Atelier Xénon" in page and "Conférence privée" in page
    assert world["y"].name not in page and "Formation Ypsilon" not in page
    # The filters offer only what the reader's events have.
    assert "CCI Xanadu" in page and "CCI Yonne" not in page
    assert "Hydrogène" in page and "Numérique" not in page

    rows = _csv(client.get(URL, {"format": "csv"}))
    assert {r[2] for r in rows[1:]} == {world["x"].name}
    cal = icalendar.Calendar.from_ical(client.get(URL, {"format": "ics"}).content)
    uids = {str(v["uid"]).split("@")[0] for v in cal.walk("VEVENT")}
    assert uids == {
        f"event-{world['x'].pk}",
        f"animation-{world['workshop'].pk}",
        f"animation-{world['conference'].pk}",
    }


def test_cross_scope_filter_values_give_nothing(world, client):
    client.force_login(_organiser(world["x"], "orga-x@example.org"))
    for params in ({"establishment": world["sy"].pk}, {"theme": "Numérique"}):
        response = client.get(URL, params)
        assert response.status_code == 200
        assert response.context["count"] == 0 and not response.context["form"].errors
        assert world["y"].name not in response.content.decode()
        rows = _csv(client.get(URL, {**params, "format": "csv"}))
        assert rows == [calendar.COLUMNS]


@pytest.mark.parametrize(
    "params",
    [
        {"establishment": "abc"},
        {"establishment": "99999999999999999999"},
        {"establishment": "-3"},
        {"kind": "party"},
        {"state": "someday"},
        {"start": "2027-13-45"},
        {"start": "2027-03-11", "end": "2027-03-01"},
        {"theme": "x" * 300},
    ],
)
def test_bad_filter_values_are_reported_and_ignored(world, client_for, params):
    client = client_for("principal")
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="notice" role="alert"' in response.content.decode()  # says which and why
    # The wrong filter is ignored: everything of the principal's scope is listed.
    assert response.context["count"] == 5
    # No export of a list whose filters were not understood: the page says why.
    export = client.get(URL, {**params, "format": "csv"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/html")


def test_filters_by_establishment_theme_kind_and_period(world, client_for):
    client = client_for("principal")
    x, y = world["x"], world["y"]
    y.start_date = y.end_date = dt.date(2027, 5, 4)
    y.save()
    Animation.objects.filter(pk=world["training"].pk).update(
        start=dt.datetime(2027, 5, 4, 9, tzinfo=PARIS),
        end=dt.datetime(2027, 5, 4, 12, tzinfo=PARIS),
    )

    def titles(**params):
        response = client.get(URL, params)
        assert response.status_code == 200 and not response.context["form"].errors
        return set(_titles(response))

    x_all = {x.name, "Atelier Xénon", "Conférence privée"}
    assert titles(establishment=world["sx"].pk) == x_all
    assert titles(theme="hydrogène") == x_all  # case does not matter
    assert titles(theme="Numérique") == {y.name, "Formation Ypsilon"}
    assert titles(kind="event") == {x.name, y.name}
    assert titles(kind="conference") == {"Conférence privée"}
    assert titles(start="2027-04-01") == {y.name, "Formation Ypsilon"}
    assert titles(end="2027-03-31") == x_all
    assert titles(start="2027-03-11", end="2027-05-03") == set()
    assert titles(kind="training", establishment=world["sx"].pk) == set()
    # Grouped by month, in date order.
    months = client.get(URL).context["months"]
    assert [m for m, _items in months] == [dt.date(2027, 3, 1), dt.date(2027, 5, 1)]
    assert [e.title for e in months[0][1]] == [x.name, "Atelier Xénon", "Conférence privée"]


def test_exports_carry_the_filters_and_are_journaled(world, client_for):
    client = client_for("principal")
    Event.objects.filter(pk=world["y"].pk).update(is_published=False)
    rows = _csv(client.get(URL, {"format": "csv", "establishment": world["sx"].pk}))
    assert rows[0] == calendar.COLUMNS
    by_title = {r[1]: r for r in rows[1:]}
    assert set(by_title) == {world["x"].name, "Atelier Xénon", "Conférence privée"}
    assert by_title["Conférence privée"][0] == "conference"
    assert by_title["Conférence privée"][4:6] == ["2027-03-10 14:00", "2027-03-10 15:00"]
    assert by_title["Conférence privée"][7] == "CCI Xanadu"
    assert by_title["Conférence privée"][9] == "oui"  # on invitation only
    assert by_title[world["x"].name][3] == ""  # no parent
    assert JournalEntry.objects.filter(action="events.calendar_exported").count() == 1

    response = client.get(URL, {"format": "ics"})
    assert response["Content-Type"].startswith("text/calendar")
    vevents = {
        str(v["summary"]): v for v in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }
    assert len(vevents) == 5
    x_event = vevents[world["x"].name]
    assert x_event.decoded("dtstart") == dt.date(2027, 3, 10)  # all day
    assert x_event.decoded("dtend") == dt.date(2027, 3, 11)
    assert str(x_event["status"]) == "CONFIRMED"
    workshop = vevents[f"Atelier Xénon ({world['x'].name})"]
    assert workshop.decoded("dtstart") == at(11)
    assert str(vevents[world["y"].name]["status"]) == "TENTATIVE"  # planned


def test_a_linked_operation_names_its_parent_to_whoever_may_see_it(world, client_for):
    x, y = world["x"], world["y"]
    Event.objects.filter(pk=x.pk).update(parent=y)
    page = client_for("principal", lang="en").get(URL).content.decode()
    assert f"Linked operation of {y.name}" in page
    rows = _csv(client_for("principal").get(URL, {"format": "csv", "kind": "event"}))
    assert {r[1]: r[3] for r in rows[1:]} == {x.name: y.name, y.name: ""}
    public = client_for("anonymous", lang="en").get(reverse("events:public_agenda"))
    assert f"Linked operation of {y.name}" in public.content.decode()  # Y is published


def test_the_calendar_is_in_the_back_office_menu(world, client):
    client.force_login(_organiser(world["x"], "orga-x@example.org"))
    page = client.get(reverse("events:bo_events")).content.decode()
    assert f'href="{URL}"' in page


# Public agenda -----------------------------------------------------------------------------


def test_public_agenda_and_feed_show_only_what_is_public(world, client):
    x, y = world["x"], world["y"]
    # X is a linked operation of Y, which is not published: the agenda does not name it.
    Event.objects.filter(pk=y.pk).update(is_published=False)
    Event.objects.filter(pk=x.pk).update(parent=y)
    cancelled = make_animation(x, "Atelier annulé", status=Animation.Status.CANCELLED)
    old = make_event("salon-2020")
    old.start_date = old.end_date = dt.date(2020, 3, 10)
    old.save()

    page = client.get(reverse("events:public_agenda"))
    assert page.status_code == 200
    assert _titles(page) == [x.name, "Atelier Xénon"]
    text = page.content.decode()
    for hidden in ("Conférence privée", "Formation Ypsilon", y.name, cancelled.title_fr, old.name):
        assert hidden not in text
    assert reverse("events:public_agenda_feed") in text

    response = client.get(reverse("events:public_agenda_feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    vevents = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    summaries = sorted(str(v["summary"]) for v in vevents)
    assert summaries == sorted([x.name, f"Atelier Xénon ({x.name})"])
    assert all(str(v["url"]).endswith(f"/evenements/{x.slug}/") for v in vevents)


def test_public_feed_names_cannot_add_lines(world, client):
    Event.objects.filter(pk=world["x"].pk).update(name="Salon\r\nBEGIN:VEVENT\nX-EVIL:1")
    body = client.get(reverse("events:public_agenda_feed")).content
    assert b"\r" not in body.replace(b"\r\n", b"") and b"\n" not in body.replace(b"\r\n", b"")
    lines = body.decode().split("\r\n")
    assert not [line for line in lines if line.startswith("X-EVIL")]
    # X and its public workshop, Y and its training; never the invitation-only conference.
    assert lines.count("BEGIN:VEVENT") == 4


def test_public_home_and_event_list_link_to_the_agenda(world, client):
    ensure_homepage()
    agenda = reverse("events:public_agenda")
    assert f'href="{agenda}"' in client.get("/").content.decode()
    assert f'href="{agenda}"' in client.get(reverse("events:event_list")).content.decode()


def test_agenda_is_a_reserved_event_slug():
    form = EventForm(data={"slug": "Agenda"})
    form.is_valid()
    assert "slug" in form.errors
    assert reverse("events:public_agenda") == "/evenements/agenda/"


def _csv(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))


def test_queries_do_not_grow_with_the_events(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("principal")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    before = count()
    for i in range(4):
        more = make_event(f"more-{i}", parent=world["y"])
        EventPayment.objects.create(event=more, seller=world["sx"], providers=["demo"])
        make_animation(more, f"Atelier {i}")
        make_animation(more, f"Table ronde {i}", kind=Animation.Kind.ROUND_TABLE)
    assert count() == before


def test_the_feed_keeps_recent_history_the_page_does_not(world, client):
    from django.utils import timezone

    recent = make_event("salon-recent")
    recent.start_date = recent.end_date = timezone.localdate() - dt.timedelta(days=100)
    recent.save()
    old = make_event("salon-ancien")
    old.start_date = old.end_date = timezone.localdate() - dt.timedelta(days=200)
    old.save()
    page = client.get(reverse("events:public_agenda")).content.decode()
    assert recent.name not in page and old.name not in page
    feed = icalendar.Calendar.from_ical(client.get(reverse("events:public_agenda_feed")).content)
    summaries = {str(v["summary"]) for v in feed.walk("VEVENT")}
    assert recent.name in summaries and old.name not in summaries
