"""Meetings placed, moved and cancelled by hand by the organisers, with conflict checks."""

import pytest
from django.urls import reverse

from civitas.core.models import JournalEntry, Role, RoleAssignment
from civitas.core.outbox.models import Message
from civitas.core.permissions import clear_cache
from civitas.events.models import Meeting, MeetingRequest, Room, Slot
from civitas.events.services import ServiceError, manual
from civitas.events.services.scheduling import confirmed_unplaced

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db
CONFIRMED = MeetingRequest.State.CONFIRMED


def _confirmed(event, a, b):
    return MeetingRequest.objects.create(event=event, sender=a, recipient=b, state=CONFIRMED)


def _reps(event, *names):
    return [make_company(event, n).representatives.get() for n in names]


def _slots(event):
    return list(Slot.objects.filter(session__day__event=event).order_by("start"))


def test_place_publishes_locks_notifies_and_journals():
    event = make_event("place", tables=3)
    a, b = _reps(event, "Alpha", "Beta")
    req = _confirmed(event, a, b)
    slot = _slots(event)[1]
    Message.objects.all().delete()
    meeting = manual.place_request(req, slot)
    assert (meeting.slot, meeting.locked, meeting.published) == (slot, True, True)
    assert meeting.room.name == "Hall A" and 1 <= meeting.table_number <= 3
    mails = Message.objects.filter(template_code="events.meeting_scheduled")
    assert sorted(mails.values_list("to", flat=True)) == sorted([a.email, b.email])
    assert "09:20" in mails.first().body_text and "Hall A" in mails.first().body_text
    assert Message.objects.filter(channel="sms").count() == 2
    entry = JournalEntry.objects.get(action="events.meeting_placed")
    assert entry.object_id == str(meeting.pk)
    assert not confirmed_unplaced(event).exists()


def test_place_as_draft_tells_nobody_and_chosen_table_is_used():
    event = make_event("draft", tables=4)
    a, b = _reps(event, "Alpha", "Beta")
    room = Room.objects.get(site__event=event)
    Message.objects.all().delete()
    meeting = manual.place_request(
        _confirmed(event, a, b), _slots(event)[0], room=room, table=3, publish=False
    )
    assert (meeting.table_number, meeting.published, meeting.locked) == (3, False, True)
    assert not Message.objects.exists()


def test_conflicts_are_refused_with_a_clear_message():
    event = make_event("conflicts", tables=2)
    other_event = make_event("elsewhere", tables=2)
    a, b, c, d, e = _reps(event, "Alpha", "Beta", "Gamma", "Delta", "Epsilon")
    s1, s2, s3 = _slots(event)
    room = Room.objects.get(site__event=event)
    manual.place_request(_confirmed(event, a, b), s1, room=room, table=1)

    # Either participant already busy at that slot: the person and the other meeting named.
    with pytest.raises(ServiceError, match=r"P0 Alpha already has a meeting at 10/03/2027 09:00"):
        manual.place_request(_confirmed(event, c, a), s1)
    # Table taken
    req_de = _confirmed(event, d, e)
    with pytest.raises(ServiceError, match="Table 1 of .* is already taken"):
        manual.place_request(req_de, s1, room=room, table=1)
    # Table that does not exist
    with pytest.raises(ServiceError, match="tables 1 to 2"):
        manual.place_request(req_de, s1, room=room, table=7)
    # Slot outside the event
    with pytest.raises(ServiceError, match="does not belong to this event"):
        manual.place_request(req_de, _slots(other_event)[0])
    # Room outside the event
    with pytest.raises(ServiceError, match="room does not belong"):
        manual.place_request(req_de, s2, room=Room.objects.get(site__event=other_event))
    # Absent in that session
    d.absent_sessions.add(s3.session)
    with pytest.raises(ServiceError, match="P0 Delta does not attend the session Matin"):
        manual.place_request(req_de, s3)
    d.absent_sessions.clear()
    # All tables taken
    manual.place_request(req_de, s1)
    req_ce = MeetingRequest.objects.get(sender=c, recipient=a)
    req_ce.state = MeetingRequest.State.CANCELLED
    req_ce.save()
    f, g = _reps(event, "Phi", "Gaga")
    with pytest.raises(ServiceError, match="No table is left"):
        manual.place_request(_confirmed(event, f, g), s1)
    # Only confirmed requests, and only once
    pending = MeetingRequest.objects.create(event=event, sender=f, recipient=c)
    with pytest.raises(ServiceError, match="Only a confirmed request"):
        manual.place_request(pending, s2)
    with pytest.raises(ServiceError, match="already has a meeting"):
        manual.place_request(req_de, s2)
    assert Meeting.objects.filter(state="scheduled").count() == 2


def test_move_keeps_the_meeting_checks_conflicts_and_tells_both():
    event = make_event("move", tables=3)
    a, b, c, d = _reps(event, "Alpha", "Beta", "Gamma", "Delta")
    s1, s2, s3 = _slots(event)
    room = Room.objects.get(site__event=event)
    m1 = manual.place_request(_confirmed(event, a, b), s1, room=room, table=1)
    manual.place_request(_confirmed(event, c, d), s2, room=room, table=1)
    Message.objects.all().delete()
    # Table taken at the target slot
    with pytest.raises(ServiceError, match="Table 1 of .* is already taken"):
        manual.move_meeting(m1, s2, room=room, table=1)
    # No table given: the first free one
    moved = manual.move_meeting(m1, s2)
    assert moved.pk == m1.pk and moved.slot == s2 and moved.table_number in (2, 3)
    assert moved.locked
    mails = Message.objects.filter(template_code="events.meeting_moved")
    assert sorted(mails.values_list("to", flat=True)) == sorted([a.email, b.email])
    assert "09:20" in mails[0].body_text
    assert Message.objects.filter(channel="sms").count() == 2
    with pytest.raises(ServiceError, match="already there"):
        manual.move_meeting(moved, s2, room=room, table=moved.table_number)
    with pytest.raises(ServiceError, match="Choose another slot"):
        manual.move_meeting(moved, s2)
    # Same slot, another table
    moved = manual.move_meeting(moved, s2, room=room, table=3 if moved.table_number == 2 else 2)
    assert moved.slot == s2
    # A person busy at the target slot: A meets D at s3; D is busy at s2 with C.
    m_ad = manual.place_request(_confirmed(event, a, d), s3)
    with pytest.raises(ServiceError, match="already has a meeting at 10/03/2027 09:20"):
        manual.move_meeting(m_ad, s2)
    m_ad.refresh_from_db()
    assert m_ad.slot == s3
    assert JournalEntry.objects.filter(action="events.meeting_moved").count() == 2
    assert Meeting.objects.filter(state="scheduled").count() == 3


def test_cancel_puts_the_request_back_or_closes_it():
    event = make_event("cancel", tables=2)
    a, b, c, d = _reps(event, "Alpha", "Beta", "Gamma", "Delta")
    s1, s2, _ = _slots(event)
    m1 = manual.place_request(_confirmed(event, a, b), s1)
    m2 = manual.place_request(_confirmed(event, c, d), s2)
    Message.objects.all().delete()
    with pytest.raises(ServiceError, match="reason"):
        manual.cancel_placement(m1, "  ")
    req = manual.cancel_placement(m1, "Alpha est en retard")
    assert req.state == CONFIRMED
    assert list(confirmed_unplaced(event)) == [req]
    mails = Message.objects.filter(template_code="events.meeting_cancelled_by_organiser")
    assert mails.count() == 2
    assert "Alpha est en retard" in mails[0].body_text
    assert "reste confirmée" in mails[0].body_text
    # It can be placed again by hand.
    assert manual.place_request(req, s2).slot == s2
    # Closing the request as well
    req2 = manual.cancel_placement(m2, "Ne souhaitent plus se rencontrer", close_request=True)
    assert req2.state == MeetingRequest.State.CANCELLED
    assert not confirmed_unplaced(event).filter(pk=req2.pk).exists()
    with pytest.raises(ServiceError, match="already cancelled"):
        manual.cancel_placement(m2, "encore")
    entries = JournalEntry.objects.filter(action="events.meeting_cancelled")
    assert entries.count() == 2


def test_cancelling_a_draft_tells_nobody():
    event = make_event("cancel-draft", tables=2)
    a, b = _reps(event, "Alpha", "Beta")
    m = manual.place_request(_confirmed(event, a, b), _slots(event)[0], publish=False)
    Message.objects.all().delete()
    manual.cancel_placement(m, "Erreur de saisie")
    assert not Message.objects.exists()


def test_views_place_move_cancel_and_keep_input(client_for):
    event = make_event("views", tables=1)
    a, b, c, d = _reps(event, "Alpha", "Beta", "Gamma", "Delta")
    s1, s2, _ = _slots(event)
    taken = manual.place_request(_confirmed(event, c, d), s1)
    req = _confirmed(event, a, b)
    principal = client_for("principal", lang="en")
    requests_url = reverse("events:bo_requests", kwargs={"pk": event.pk})
    listing = principal.get(requests_url).content.decode()
    place_url = reverse("events:bo_meeting_place", kwargs={"pk": event.pk, "req_pk": req.pk})
    assert place_url in listing and "Not placed" in listing
    principal = client_for("principal")  # the French interface from here on
    # Conflict: the form comes back with the message and the slot still chosen.
    r = principal.post(place_url, {"slot": s1.pk, "publish": "on", "next": requests_url})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Il ne reste aucune table libre" in html  # the interface is in French
    assert f'value="{s1.pk}" selected' in html
    r = principal.post(place_url, {"slot": s2.pk, "publish": "on", "next": requests_url})
    assert r.status_code == 302 and r["Location"] == requests_url
    meeting = Meeting.objects.get(request=req, state="scheduled")
    # From the participant's agenda
    agenda_url = reverse("events:bo_agenda", kwargs={"pk": event.pk, "rep_pk": a.pk})
    move_url = reverse("events:bo_meeting_move", kwargs={"pk": event.pk, "meeting_pk": meeting.pk})
    assert move_url in principal.get(agenda_url).content.decode()
    r = principal.post(move_url, {"slot": _slots(event)[2].pk, "next": agenda_url})
    assert r.status_code == 302 and r["Location"] == agenda_url
    meeting.refresh_from_db()
    assert meeting.slot == _slots(event)[2]
    cancel_url = reverse(
        "events:bo_meeting_cancel", kwargs={"pk": event.pk, "meeting_pk": taken.pk}
    )
    r = principal.post(cancel_url, {"reason": ""})
    assert r.status_code == 200 and 'class="error-summary"' in r.content.decode()
    r = principal.post(cancel_url, {"reason": "Salle fermée"})
    assert r.status_code == 302
    taken.refresh_from_db()
    assert taken.state == "cancelled"
    # An off-site "next" is ignored.
    r = principal.post(move_url, {"slot": s1.pk, "next": "https://evil.example/"})
    assert r["Location"] == requests_url


def test_secondary_admin_acts_only_within_their_event(client):
    from tests.conftest import add_totp, make_user

    mine, theirs = make_event("mine", tables=2), make_event("theirs", tables=2)
    role = Role.objects.create(
        code="meeting_manager",
        name="Meeting manager",
        permissions=[
            "core.access_backoffice",
            "events.view_registrations",
            "events.manage_meetings",
        ],
    )
    viewer_role = Role.objects.create(
        code="viewer",
        name="Viewer",
        permissions=["core.access_backoffice", "events.view_registrations"],
    )
    user = make_user("manager@example.org")
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=mine.pk)
    RoleAssignment.objects.create(
        user=user, role=viewer_role, scope_type="event", scope_id=theirs.pk
    )
    add_totp(user)
    clear_cache(user)
    client.force_login(user)
    a, b = _reps(theirs, "Alpha", "Beta")
    req = _confirmed(theirs, a, b)
    slot = _slots(theirs)[0]
    url = reverse("events:bo_meeting_place", kwargs={"pk": theirs.pk, "req_pk": req.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"slot": slot.pk}).status_code == 403
    # The request of the other event through this event's address: not found.
    url_mixed = reverse("events:bo_meeting_place", kwargs={"pk": mine.pk, "req_pk": req.pk})
    assert client.post(url_mixed, {"slot": slot.pk}).status_code == 404
    assert not Meeting.objects.exists()
    # They see the other event's requests but get no action links there.
    listing = client.get(reverse("events:bo_requests", kwargs={"pk": theirs.pk}))
    assert listing.status_code == 200 and url not in listing.content.decode()
    m = manual.place_request(req, slot)
    for name in ("bo_meeting_move", "bo_meeting_cancel"):
        target = reverse(f"events:{name}", kwargs={"pk": theirs.pk, "meeting_pk": m.pk})
        assert client.post(target, {"slot": slot.pk, "reason": "x"}).status_code == 403
    m.refresh_from_db()
    assert m.state == "scheduled"
    # Within their own event it works.
    c, d = _reps(mine, "Gamma", "Delta")
    own = _confirmed(mine, c, d)
    own_url = reverse("events:bo_meeting_place", kwargs={"pk": mine.pk, "req_pk": own.pk})
    assert client.post(own_url, {"slot": _slots(mine)[0].pk}).status_code == 302


def test_manual_place_move_cancel_queue_crm_webhooks():
    from civitas.events.models import WebhookDelivery, WebhookSubscription

    event = make_event("hooks", tables=3)
    a, b = _reps(event, "Alpha", "Beta")
    WebhookSubscription.objects.create(
        event=event,
        name="CRM",
        url="https://crm.example/hook",
        topics=["meeting.scheduled", "meeting.moved", "meeting.cancelled"],
    )
    s1, s2, _ = _slots(event)
    room = Room.objects.get(site__event=event)
    meeting = manual.place_request(_confirmed(event, a, b), s1, room=room, table=1)
    manual.move_meeting(meeting, s2, room=room, table=2)
    manual.cancel_placement(meeting, "Room closed")
    topics = list(WebhookDelivery.objects.order_by("pk").values_list("topic", flat=True))
    assert topics == ["meeting.scheduled", "meeting.moved", "meeting.cancelled"]
    moved = WebhookDelivery.objects.get(topic="meeting.moved").payload["data"]
    assert moved["id"] == meeting.pk and moved["table"] == 2
    assert moved["previous"]["table"] == 1 and moved["previous"]["start"] != moved["start"]
