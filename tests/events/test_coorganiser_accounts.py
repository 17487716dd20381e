"""Co-organiser accounts (issue 30, EEN, seed 003 §16.2): a role on one co-organiser covers
the companies it follows (and their people, offers and meetings) and nothing else; the
co-organiser space validates, corrects and books meetings for them only; a later
re-assignment tells the new co-organiser once."""

import pytest
from django.urls import reverse

from civitas.core import modules
from civitas.core.models import JournalEntry
from civitas.core.outbox.models import Message
from civitas.core.permissions import clear_cache, has_perm, restrict
from civitas.events.models import (
    Company,
    CoOrganiser,
    Meeting,
    MeetingRequest,
    Offer,
    Representative,
    Slot,
)
from civitas.events.services import coorganisers
from tests.conftest import make_user

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db

REASSIGNED = "events.co_organiser_reassigned"


def _give(company, co):
    """Assign without going through the services (no message): the test's starting point."""
    Company.objects.filter(pk=company.pk).update(co_organiser=co)
    company.refresh_from_db()
    return company


@pytest.fixture
def world(event):
    other_event = make_event("autre-salon")
    a = CoOrganiser.objects.create(event=event, name="CCI Alsace", contact_email="a@cci.example")
    b = CoOrganiser.objects.create(event=event, name="IHK Berlin", contact_email="b@ihk.example")
    x = CoOrganiser.objects.create(event=other_event, name="CCI Alsace (autre salon)")
    w = {
        "event": event,
        "other_event": other_event,
        "a": a,
        "b": b,
        "x": x,
        "a1": _give(make_company(event, "Alpha Un"), a),
        "a2": _give(make_company(event, "Alpha Deux", validated=False), a),
        "b1": _give(make_company(event, "Beta Un"), b),
        "b2": _give(make_company(event, "Beta Deux", validated=False), b),
        "x1": _give(make_company(other_event, "Xeno Un", validated=False), x),
    }
    modules.ensure_roles(["events"])
    w["user"] = make_user(
        "claire@cci-alsace.example", role_code="event_coorganiser", scope=("coorganiser", a.pk)
    )
    Message.objects.all().delete()
    return w


@pytest.fixture
def coorg_client(client, world):
    client.force_login(world["user"])
    return client


def _url(name, w, company=None, event=None):
    kwargs = {"pk": (event or w["event"]).pk}
    if company is not None:
        kwargs["company_pk"] = company.pk
    return reverse(f"events:{name}", kwargs=kwargs)


def _rep(company):
    return company.representatives.order_by("pk").first()


# --- The scope ----------------------------------------------------------------------------


def test_role_template_and_scope_type_are_declared(world):
    from civitas.core.models import Role
    from civitas.core.permissions import scope_label

    role = Role.objects.get(code="event_coorganiser")
    assert set(role.granted()) >= {
        "events.view_registrations",
        "events.validate_registrations",
        "events.manage_meetings",
    }
    assert "events.manage_event" not in role.granted()
    # Offered on the role-assignment screen, labelled with its event.
    from civitas.core.backoffice.forms import AssignmentForm

    groups = dict(AssignmentForm().fields["scope"].choices)
    labels = dict(groups["Event – co-organiser"])
    assert labels[f"coorganiser:{world['a'].pk}"] == "Salon salon – CCI Alsace"
    assert scope_label("coorganiser", world["a"].pk).endswith("Salon salon – CCI Alsace")


def test_a_coorganiser_grant_covers_its_companies_and_what_hangs_from_them(world):
    user, a1, b1 = world["user"], world["a1"], world["b1"]
    perm = "events.view_registrations"
    assert set(restrict(Company.objects.all(), user, perm)) == {a1, world["a2"]}
    assert set(restrict(Representative.objects.all(), user, perm)) == {
        *a1.representatives.all(),
        *world["a2"].representatives.all(),
    }
    assert has_perm(user, "events.validate_registrations", a1)
    assert has_perm(user, perm, _rep(a1))
    assert not has_perm(user, perm, b1)
    assert not has_perm(user, perm, _rep(b1))
    assert not has_perm(user, perm, world["x1"])
    # Not the event as a whole, nor its co-organisers list.
    assert not has_perm(user, perm, world["event"])
    assert set(restrict(CoOrganiser.objects.all(), user, perm)) == {world["a"]}
    # Offers too.
    offer = Offer.objects.create(company=a1, kind="offer", title="Usinage")
    other = Offer.objects.create(company=b1, kind="offer", title="Fraisage")
    assert list(restrict(Offer.objects.filter(pk__in=[offer.pk, other.pk]), user, perm)) == [offer]


def test_meetings_are_covered_through_either_party(world, event):
    from civitas.events.services import manual

    user = world["user"]
    c1 = make_company(event, "Gamma Un")
    slots = list(Slot.objects.filter(session__day__event=event).order_by("start")[:2])
    mine = manual.book_meeting(_rep(world["b1"]), _rep(world["a1"]), slots[0])
    theirs = manual.book_meeting(_rep(world["b1"]), _rep(c1), slots[1])
    perm = "events.view_registrations"
    assert list(restrict(Meeting.objects.all(), user, perm)) == [mine]
    assert list(restrict(MeetingRequest.objects.all(), user, perm)) == [mine.request]
    assert has_perm(user, perm, mine)
    assert not has_perm(user, perm, theirs)


def test_a_role_on_the_event_still_covers_everything(world, event):
    organiser = make_user(
        "org@example.org", role_code="event_coorganiser", scope=("event", event.pk)
    )
    perm = "events.validate_registrations"
    for key in ("a1", "a2", "b1", "b2"):
        assert has_perm(organiser, perm, world[key])
    assert not has_perm(organiser, perm, world["x1"])
    assert restrict(Company.objects.all(), organiser, perm).count() == 4


def test_journal_entries_of_a_followed_company_stay_visible_to_the_event_readers(world, event):
    from civitas.core import journal

    # A reader of this event's journal (a role with core.view_journal on the event).
    from civitas.core.models import Role

    reader = make_user("reader@example.org")
    role = Role.objects.create(code="journal_reader", name="J", permissions=["core.view_journal"])
    from civitas.core import accounts

    accounts.grant(reader, role, ("event", event.pk))
    clear_cache(reader)
    entry = journal.record("events.registration_edited", obj=world["a1"])
    assert (entry.scope_type, entry.scope_id) == ("coorganiser", world["a"].pk)
    assert journal.visible_entries(reader).filter(pk=entry.pk).exists()
    # A reader of the other event does not see it.
    stranger = make_user("stranger@example.org")
    accounts.grant(stranger, role, ("event", world["other_event"].pk))
    assert not journal.visible_entries(stranger).filter(pk=entry.pk).exists()


# --- The pages ----------------------------------------------------------------------------


def test_the_space_is_reached_from_the_event_list_and_the_home(coorg_client, world):
    space = _url("bo_coorg_space", world)
    events = coorg_client.get(reverse("events:bo_events")).content.decode()
    assert space in events
    assert _url("bo_coorg_space", world, event=world["other_event"]) not in events
    home = coorg_client.get(reverse("core:backoffice_home")).content.decode()
    assert space in home
    # The event's organiser pages stay closed.
    assert coorg_client.get(_url("bo_event", world)).status_code == 403
    assert coorg_client.get(_url("bo_registrations", world)).status_code == 403
    assert coorg_client.get(_url("bo_registration", world, world["a1"])).status_code == 403


def test_sees_only_own_companies_in_every_page(coorg_client, world):
    page = coorg_client.get(_url("bo_coorg_space", world)).content.decode()
    assert "Alpha Un" in page and "Alpha Deux" in page
    assert "Beta" not in page and "Xeno" not in page
    ok = coorg_client.get(_url("bo_coorg_company", world, world["a1"]))
    assert ok.status_code == 200 and "Alpha Un" in ok.content.decode()
    # The reject page is the organisers' one, with "Cancel" back to the company in the space.
    reject = coorg_client.get(_url("bo_coorg_reject", world, world["a1"])).content.decode()
    assert f'href="{_url("bo_coorg_company", world, world["a1"])}"' in reject
    for name in ("bo_coorg_company", "bo_coorg_company_edit", "bo_coorg_reject", "bo_coorg_book"):
        # Another co-organiser's company of the same event: not found.
        assert coorg_client.get(_url(name, world, world["b1"])).status_code == 404, name
        # A company of another event, under this event's address: not found.
        assert coorg_client.get(_url(name, world, world["x1"])).status_code == 404, name
        # The other event's space: no grant there at all.
        other = _url(name, world, world["x1"], event=world["other_event"])
        assert coorg_client.get(other).status_code == 403, name
    other_space = _url("bo_coorg_space", world, event=world["other_event"])
    assert coorg_client.get(other_space).status_code == 403


def test_validates_own_pending_company_and_cannot_touch_another(coorg_client, world):
    a2, b2, x1 = world["a2"], world["b2"], world["x1"]
    page = coorg_client.get(_url("bo_coorg_space", world)).content.decode()
    assert _url("bo_coorg_validate", world, a2) in page
    r = coorg_client.post(_url("bo_coorg_validate", world, a2))
    assert r.status_code == 302
    a2.refresh_from_db()
    assert a2.status == Company.Status.VALIDATED
    assert JournalEntry.objects.filter(action="events.company_validated", object_id=str(a2.pk))
    assert coorg_client.post(_url("bo_coorg_validate", world, b2)).status_code == 404
    assert coorg_client.post(_url("bo_coorg_validate", world, x1)).status_code == 404
    assert (
        coorg_client.post(
            _url("bo_coorg_validate", world, x1, event=world["other_event"])
        ).status_code
        == 403
    )
    assert coorg_client.post(_url("bo_coorg_reject", world, b2)).status_code == 404
    for c in (b2, x1):
        c.refresh_from_db()
        assert c.status == Company.Status.REGISTERED


def test_rejects_own_pending_company(coorg_client, world):
    a2 = world["a2"]
    r = coorg_client.post(_url("bo_coorg_reject", world, a2), {"reason": "Hors cible"})
    assert r.status_code == 302
    a2.refresh_from_db()
    assert a2.status == Company.Status.REJECTED


def test_edits_a_profile_with_the_organisers_service(coorg_client, world):
    a1, b1 = world["a1"], world["b1"]
    assert coorg_client.get(_url("bo_coorg_company_edit", world, a1)).status_code == 200
    data = {
        "company-name": "Alpha Un SAS",
        "company-country": "FR",
        "company-siret": "73282932000074",
        "company-city": "Strasbourg",
        "company-description": "Fabricant de pièces",
    }
    r = coorg_client.post(_url("bo_coorg_company_edit", world, a1), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    a1.refresh_from_db()
    assert (a1.name, a1.city) == ("Alpha Un SAS", "Strasbourg")
    assert JournalEntry.objects.filter(action="events.registration_edited", object_id=str(a1.pk))
    r = coorg_client.post(_url("bo_coorg_company_edit", world, b1), {**data, "company-name": "X"})
    assert r.status_code == 404
    b1.refresh_from_db()
    assert b1.name == "Beta Un"


def test_books_a_meeting_and_the_double_booking_rule_is_the_services(coorg_client, world, event):
    a1, b1 = world["a1"], world["b1"]
    c1 = make_company(event, "Gamma Un")
    slot = Slot.objects.filter(session__day__event=event).order_by("start").first()
    url = _url("bo_coorg_book", world, a1)
    page = coorg_client.get(url).content.decode()
    assert "Beta Un" in page  # any other participant of the event may be met
    assert "Xeno" not in page
    r = coorg_client.post(
        url,
        {"representative": _rep(a1).pk, "partner": _rep(b1).pk, "slot": slot.pk, "publish": "on"},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    meeting = Meeting.objects.get(state="scheduled")
    assert {meeting.request.sender, meeting.request.recipient} == {_rep(a1), _rep(b1)}
    assert meeting.request.state == MeetingRequest.State.CONFIRMED
    assert meeting.slot == slot and meeting.locked
    assert JournalEntry.objects.filter(action="events.meeting_booked").count() == 1
    # The same person at the same slot with someone else: refused by the placement rule.
    r = coorg_client.post(
        url, {"representative": _rep(a1).pk, "partner": _rep(c1).pk, "slot": slot.pk}
    )
    assert r.status_code == 200
    assert Meeting.objects.filter(state="scheduled").count() == 1
    assert not MeetingRequest.objects.filter(recipient=_rep(c1)).exists()
    # The two already have an open request: not booked twice.
    later = Slot.objects.filter(session__day__event=event).order_by("start")[2]
    r = coorg_client.post(
        url, {"representative": _rep(a1).pk, "partner": _rep(b1).pk, "slot": later.pk}
    )
    assert r.status_code == 200
    assert Meeting.objects.filter(state="scheduled").count() == 1
    # The partner's own representative cannot be chosen as "participant"; another event's
    # person cannot be met; another co-organiser's company has no booking page.
    x_rep = _rep(world["x1"])
    r = coorg_client.post(
        url, {"representative": _rep(b1).pk, "partner": _rep(c1).pk, "slot": later.pk}
    )
    assert r.status_code == 200 and Meeting.objects.filter(state="scheduled").count() == 1
    r = coorg_client.post(
        url, {"representative": _rep(a1).pk, "partner": x_rep.pk, "slot": later.pk}
    )
    assert r.status_code == 200 and Meeting.objects.filter(state="scheduled").count() == 1
    assert coorg_client.post(_url("bo_coorg_book", world, b1), {}).status_code == 404
    # The meeting shows on the company page, counted on the space page.
    assert "Beta Un" in coorg_client.get(_url("bo_coorg_company", world, a1)).content.decode()


def test_a_confirmed_request_without_a_meeting_is_placed_not_duplicated(world, event):
    from civitas.events.services import manual

    req = MeetingRequest.objects.create(
        event=event, sender=_rep(world["b1"]), recipient=_rep(world["a1"]), state="confirmed"
    )
    slot = Slot.objects.filter(session__day__event=event).order_by("start").first()
    meeting = manual.book_meeting(_rep(world["a1"]), _rep(world["b1"]), slot)
    assert meeting.request == req
    assert MeetingRequest.objects.count() == 1


# --- The re-assignment message ------------------------------------------------------------


def _told(address):
    return Message.objects.filter(template_code=REASSIGNED, to=address)


def test_a_hand_reassignment_tells_the_new_coorganiser_once(world):
    b1, a = world["b1"], world["a"]
    coorganisers.assign_by_hand(b1, a)
    assert _told("a@cci.example").count() == 1
    body = _told("a@cci.example").get().body_text
    assert "Beta Un" in body
    assert f"/co-organisateur/inscriptions/{b1.pk}/" in body
    assert not _told("b@ihk.example").exists()
    assert JournalEntry.objects.filter(action="events.co_organiser_told").count() == 1
    # The same choice again changes nothing and tells nobody again.
    coorganisers.assign_by_hand(b1, a)
    assert _told("a@cci.example").count() == 1
    # Taking it away (no co-organiser) tells nobody.
    coorganisers.assign_by_hand(b1, None)
    assert Message.objects.filter(template_code=REASSIGNED).count() == 1


def test_a_reassignment_by_the_rules_tells_the_new_coorganiser(world, event):
    from civitas.events.models import CoOrganiserRule

    CoOrganiserRule.objects.create(co_organiser=world["b"], country="FR")
    # Given back to the rules: from A by hand to B by rule.
    coorganisers.assign_by_hand(world["a1"], world["a"])
    Message.objects.all().delete()
    coorganisers.release_to_rules(world["a1"])
    assert _told("b@ihk.example").count() == 1
    # An unassigned company given one by "apply the rules".
    lonely = make_company(event, "Delta Seul")
    assert lonely.co_organiser == world["b"]  # the registration assigns it (with its copy)
    assert _told("b@ihk.example").count() == 1  # the registration sends the copy, not this
    Company.objects.filter(pk=lonely.pk).update(co_organiser=None)
    assert coorganisers.apply_rules(event) == 1
    assert _told("b@ihk.example").count() == 2
    # Applying again: nothing new, nobody told.
    assert coorganisers.apply_rules(event) == 0
    assert _told("b@ihk.example").count() == 2


def test_the_reassignment_from_the_registration_page(client, world, event):
    organiser = make_user(
        "org@example.org", role_code="event_coorganiser", scope=("event", event.pk)
    )
    client.force_login(organiser)
    url = reverse(
        "events:bo_registration_co_organiser",
        kwargs={"pk": event.pk, "company_pk": world["b1"].pk},
    )
    client.post(url, {"choice": str(world["a"].pk)})
    client.post(url, {"choice": str(world["a"].pk)})
    assert _told("a@cci.example").count() == 1
