"""Events on core's scopes: one look-up per request, restricted lists, a journal per event."""

import csv
import io

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civitas.core.models import JournalEntry, Role, RoleAssignment
from civitas.core.permissions import restrict
from civitas.events.models import Event
from civitas.events.models.event import EventChild
from tests.conftest import add_totp, make_user

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db


def _organiser(event, email="organiser@example.org", perms=None):
    role, _created = Role.objects.get_or_create(
        code="event_organiser_test",
        defaults={
            "name": "Organiser",
            "permissions": perms
            or [
                "core.access_backoffice",
                "core.view_journal",
                "events.view_registrations",
                "events.manage_event",
            ],
        },
    )
    user = make_user(email)
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=event.pk)
    add_totp(user)
    return user


def test_every_event_journal_entry_carries_its_event(db):
    x = make_event("event-x")
    make_company(x, "Xenon Industries")
    entries = JournalEntry.objects.filter(action__startswith="events.")
    assert entries.exists()
    assert {(e.scope_type, e.scope_id) for e in entries} == {("event", x.pk)}


def test_an_organiser_sees_only_the_journal_of_their_event(client):
    """Issue 31 item 3: the back-office home (and the journal list and export) showed an
    organiser of event Y the entries of event X."""
    x = make_event("event-x")
    y = make_event("event-y")
    make_company(x, "Xenon Industries")
    make_company(y, "Ypsilon Works")
    client.force_login(_organiser(y))

    home = client.get(reverse("core:backoffice_home")).content.decode()
    assert "Ypsilon Works" in home and "Xenon Industries" not in home
    page = client.get(reverse("core:journal")).content.decode()
    assert "Ypsilon Works" in page and "Xenon Industries" not in page
    response = client.get(
        "/backoffice/exports/telecharger/", {"exporter": "core.journal", "format": "csv"}
    )
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))[1:]
    objects = {r[7] for r in rows}
    assert "Ypsilon Works" in objects and "Xenon Industries" not in objects
    assert {r[5] for r in rows} <= {"events.company", "events.event", "exports.exporter"}


def test_event_views_load_the_event_once(client):
    event = make_event("once")
    client.force_login(_organiser(event))
    url = reverse("events:bo_event", kwargs={"pk": event.pk})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    by_id = [
        q["sql"]
        for q in queries
        if 'FROM "events_event"' in q["sql"] and 'WHERE "events_event"."id" =' in q["sql"]
    ]
    assert len(by_id) == 1, by_id


def test_event_views_answer_404_for_a_missing_event_and_403_out_of_scope(client):
    mine = make_event("mine")
    other = make_event("other")
    client.force_login(_organiser(mine))
    assert client.get(reverse("events:bo_event", kwargs={"pk": mine.pk})).status_code == 200
    assert client.get(reverse("events:bo_event", kwargs={"pk": other.pk})).status_code == 403
    missing = Event.objects.order_by("-pk").first().pk + 100
    assert client.get(reverse("events:bo_event", kwargs={"pk": missing})).status_code == 404
    assert client.get(reverse("events:bo_event_edit", kwargs={"pk": other.pk})).status_code == 403


def _event_children():
    return [
        m
        for m in apps.get_app_config("events").get_models()
        if issubclass(m, EventChild) and not m._meta.abstract
    ]


def test_every_event_child_declares_the_way_to_its_event(db):
    """civitas_scope_fields must reach the same event as get_event(), for every row."""
    event = make_event("paths")
    make_company(event, "Alpha", offers=[("offer", "Conseil", ["export"])])
    other = make_event("elsewhere")
    make_company(other, "Beta")
    checked = 0
    for model in _event_children():
        path = model.civitas_scope_fields["event"]
        # The lookup compiles (a wrong path raises FieldError here).
        model.objects.filter(**{path: event.pk}).exists()
        for row in model.objects.all()[:20]:
            assert model.objects.filter(pk=row.pk, **{path: row.get_event().pk}).exists(), model
            checked += 1
    assert checked > 20


def test_restrict_on_event_data_for_an_organiser(db):
    from civitas.events.models import Representative, Slot

    a = make_event("a")
    b = make_event("b")
    make_company(a, "Alpha", reps=2)
    make_company(b, "Beta", reps=3)
    organiser = _organiser(a)
    assert list(restrict(Event.objects.all(), organiser, "events.view_registrations")) == [a]
    reps = restrict(Representative.objects.all(), organiser, "events.view_registrations")
    assert {r.company.event_id for r in reps} == {a.pk} and reps.count() == 2
    slots = restrict(Slot.objects.all(), organiser, "events.view_registrations")
    assert slots.count() == Slot.objects.filter(session__day__event=a).count() > 0
    assert not restrict(Event.objects.all(), organiser, "events.run_scheduling").exists()
