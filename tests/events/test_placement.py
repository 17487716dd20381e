"""Placement (services/placement.py): is each person free at a time, which table is left,
what a slot clashes with; the one home every placement path asks. Then meetings placed,
moved and cancelled by hand by the organisers (services/manual.py), with conflict checks."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from civitas.core.models import JournalEntry, Role, RoleAssignment
from civitas.core.outbox.models import Message
from civitas.core.permissions import clear_cache
from civitas.events.models import (
    Expert,
    ExpertiseField,
    Meeting,
    MeetingRequest,
    Room,
    Session,
    Slot,
)
from civitas.events.services import ServiceError, manual, placement, scheduling
from civitas.events.services import experts as expert_svc
from civitas.events.services import meetings as meeting_svc
from civitas.events.services.scheduling import confirmed_unplaced

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db
CONFIRMED = MeetingRequest.State.CONFIRMED


def at(hour, minute=0):
    return timezone.make_aware(dt.datetime(2027, 3, 10, hour, minute))


def _reps(event, *names):
    return [make_company(event, n).representatives.get() for n in names]


def _slots(event):
    return list(Slot.objects.filter(session__day__event=event).order_by("start"))


def _confirmed(event, a, b):
    return MeetingRequest.objects.create(event=event, sender=a, recipient=b, state=CONFIRMED)


def _b2b(event, a, b, slot):
    with transaction.atomic():
        return meeting_svc.place_meeting(_confirmed(event, a, b), slot)


def _expert(event, slot_minutes=30):
    expert = Expert(
        event=event,
        first_name="Eve",
        last_name="Roux",
        email="roux@experts.example",
        phone="+33700000001",
        place="Desk",
        slot_minutes=slot_minutes,
    )
    topic = ExpertiseField.objects.get_or_create(event=event, label_fr="Export")[0]
    return expert_svc.save_expert(
        expert,
        fields=[topic],
        sessions=list(Session.objects.filter(day__event=event)),
        sought_sectors=[],
    )


# --- Commitments and clashes ------------------------------------------------------------------


def test_commitments_hold_b2b_and_expert_meetings():
    event = make_event("pl-commit")
    a, b, c = _reps(event, "Alpha", "Beta", "Gamma")
    s1, s2, s3 = _slots(event)
    meeting = _b2b(event, a, b, s1)  # 9:00-9:20
    em = expert_svc.request_meeting(a, _expert(event))  # 9:30-10:00: 9:00-9:30 overlaps
    assert (em.start, em.end) == (at(9, 30), at(10))
    busy = placement.commitments([a.pk, b.pk, c.pk])
    assert [(x.kind, x.start, x.obj) for x in busy[a.pk]] == [
        (placement.MEETING, at(9), meeting),
        (placement.EXPERT, at(9, 30), em),
    ]
    assert [x.kind for x in busy[b.pk]] == [placement.MEETING]
    assert busy[c.pk] == []
    # A window keeps what overlaps it; the thing being moved can be left out.
    assert placement.commitments([a.pk], start=at(9, 20), end=at(9, 40))[a.pk][0].obj == em
    ignore = placement.Ignore.of(expert_meeting=em, request=meeting.request)
    assert placement.commitments([a.pk], ignore=ignore)[a.pk] == []


def test_check_free_names_the_reason_for_participants_and_organisers():
    event = make_event("pl-check")
    a, b, c, d = _reps(event, "Alpha", "Beta", "Gamma", "Delta")
    s1, s2, s3 = _slots(event)
    _b2b(event, a, b, s1)
    expert_svc.request_meeting(c, _expert(event, slot_minutes=20))  # 9:00-9:20
    d.absent_sessions.add(s3.session)
    # A participant never reads who the other meeting is with; an organiser does.
    with pytest.raises(ServiceError, match="One of the two people already has a meeting"):
        placement.check_free([a, c], s1)
    with pytest.raises(ServiceError, match=r"P0 Alpha already has a meeting at .* \(with P0 Beta"):
        placement.check_free([a, c], s1, for_organiser=True)
    with pytest.raises(ServiceError, match="P0 Gamma has an expert meeting"):
        placement.check_free([c], s1)
    with pytest.raises(ServiceError, match="P0 Delta does not attend"):
        placement.check_free([a, d], s2)  # the session of every slot
    placement.check_free([b, c], s2)
    assert placement.is_free(c, s2) and not placement.is_free(c, s1)


def test_busy_slots_answers_for_many_people_in_a_few_queries(django_assert_max_num_queries):
    event = make_event("pl-batch", tables=20)
    people = _reps(event, *[f"P{i}" for i in range(8)])
    s1, s2, s3 = _slots(event)
    _b2b(event, people[0], people[1], s1)
    _b2b(event, people[2], people[3], s2)
    expert_svc.request_meeting(people[4], _expert(event))  # 9:00-9:30: slots 1 and 2
    people[5].absent_sessions.add(s1.session)
    ids = [p.pk for p in people]
    # Slots, absences, B2B meetings, expert meetings, animations: the same count for 8 or 800
    # people.
    with django_assert_max_num_queries(5):
        busy = placement.busy_slots(event, ids)
    assert set(busy[people[0].pk]) == {s1.pk}
    assert set(busy[people[3].pk]) == {s2.pk}
    assert set(busy[people[4].pk]) == {s1.pk, s2.pk}
    assert set(busy[people[5].pk]) == {s1.pk, s2.pk, s3.pk}
    assert busy[people[6].pk] == {}
    # Limited to some kinds (the scheduler export leaves B2B meetings out).
    only = placement.busy_slots(event, ids, kinds=[placement.EXPERT])
    assert only[people[0].pk] == {} and set(only[people[4].pk]) == {s1.pk, s2.pk}


def test_the_scheduler_export_asks_the_same_few_queries_for_any_number_of_people():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n):
        event = make_event(f"pl-export-{n}", tables=20)
        people = _reps(event, *[f"E{n}x{i}" for i in range(n)])
        for a, b in zip(people[::2], people[1::2], strict=True):
            _confirmed(event, a, b)
        expert_svc.request_meeting(people[0], _expert(event))
        people[1].absent_sessions.add(Session.objects.get(day__event=event))
        with CaptureQueriesContext(connection) as ctx:
            instance, _ = scheduling.build_instance(event)
        assert len(instance["participants"]) == n
        return len(ctx.captured_queries)

    assert queries(2) == queries(8)


def test_manual_slot_list_shows_expert_meetings_as_busy(client_for):
    """Regression: the organisers' slot list only knew B2B meetings and absences."""
    event = make_event("pl-notes")
    a, b, c, d = _reps(event, "Alpha", "Beta", "Gamma", "Delta")
    s1, s2, s3 = _slots(event)
    expert_svc.request_meeting(a, _expert(event))  # 9:00-9:30: slots 1 and 2
    _b2b(event, b, c, s3)
    d.absent_sessions.add(s1.session)
    req = _confirmed(event, a, b)
    notes = placement.slot_notes(req)
    assert notes[s1.pk] == notes[s2.pk] == "P0 Alpha busy (expert meeting)"
    assert notes[s3.pk] == "P0 Beta busy"
    assert placement.slot_notes(_confirmed(event, c, d))[s1.pk] == "P0 Delta absent"
    url = reverse("events:bo_meeting_place", kwargs={"pk": event.pk, "req_pk": req.pk})
    html = client_for("principal", lang="en").get(url).content.decode()
    assert html.count("P0 Alpha busy (expert meeting)") == 2
    # And placing there is refused with the reason.
    with pytest.raises(ServiceError, match="P0 Alpha has an expert meeting"):
        manual.place_request(req, s1)


def test_a_manual_move_onto_an_expert_meeting_is_refused():
    """Moves asked only about B2B meetings and absences before placement had one home."""
    event = make_event("pl-move")
    a, b = _reps(event, "Alpha", "Beta")
    s1, s2, s3 = _slots(event)
    meeting = manual.place_request(_confirmed(event, a, b), s3)
    expert_svc.request_meeting(b, _expert(event))  # 9:00-9:30
    with pytest.raises(ServiceError, match="P0 Beta has an expert meeting"):
        manual.move_meeting(meeting, s1)
    table = 1 if meeting.table_number != 1 else 2
    assert manual.move_meeting(meeting, s3, room=meeting.room, table=table).table_number == table


# --- Tables -------------------------------------------------------------------------------------


def test_tables_left_and_choose_table():
    event = make_event("pl-tables", tables=3)
    a, b, c, d, e, f = _reps(event, "Alpha", "Beta", "Gamma", "Delta", "Eps", "Zeta")
    s1 = _slots(event)[0]
    room = Room.objects.get(site__event=event)
    assert placement.tables_left(s1) == 3
    m1 = _b2b(event, a, b, s1)
    assert placement.tables_left(s1) == 2
    # The table asked for, the first free one of a room, a spread by hint.
    # m1's table depends on its primary key (a spread hint): ask for another one.
    free = next(n for n in (1, 2, 3) if n != m1.table_number)
    assert placement.choose_table(event, s1, room, free) == (room, free)
    with pytest.raises(ServiceError, match="already taken"):
        placement.choose_table(event, s1, room, m1.table_number)
    with pytest.raises(ServiceError, match="has tables 1 to 3"):
        placement.choose_table(event, s1, room, 4)
    with pytest.raises(ServiceError, match="Choose the room"):
        placement.choose_table(event, s1, None, 2)
    hinted = {placement.choose_table(event, s1, hint=h)[1] for h in range(3)}
    assert m1.table_number not in hinted and len(hinted) == 2
    # Moving in the same slot never hands back the meeting's own table.
    assert placement.choose_table(event, s1, moving=m1)[1] != m1.table_number
    _b2b(event, c, d, s1)
    _b2b(event, e, f, s1)
    assert placement.tables_left(s1) == 0
    with pytest.raises(ServiceError, match="No table is left"):
        placement.choose_table(event, s1)
    with pytest.raises(ServiceError, match="No table is left"):
        placement.choose_table(event, s1, moving=m1)


# --- The extension point (workshops) -----------------------------------------------------------


@pytest.fixture
def workshops():
    """A commitment kind as the animations module will register it: Gamma is in a
    workshop from 9:20 to 9:40."""
    booked = {}

    def find(rep_ids, start, end, ignore):
        for rep_id, (s, e) in booked.items():
            if rep_id in rep_ids and (start is None or e > start) and (end is None or s < end):
                yield placement.Clash("workshop", rep_id, s, e)

    placement.register_source(
        placement.Source(
            "workshop", find, message=lambda clash, rep, slot: f"{rep.full_name} is in a workshop"
        )
    )
    yield booked
    placement.unregister_source("workshop")


def test_a_registered_commitment_kind_is_busy_everywhere(workshops):
    event = make_event("pl-workshop")
    a, b, c = _reps(event, "Alpha", "Beta", "Gamma")
    s1, s2, s3 = _slots(event)
    workshops[c.pk] = (at(9, 20), at(9, 40))
    with pytest.raises(ServiceError, match="P0 Gamma is in a workshop"):
        placement.check_free([a, c], s2)
    req = _confirmed(event, a, c)
    assert placement.slot_notes(req)[s2.pk] == "P0 Gamma busy"
    with pytest.raises(ServiceError, match="workshop"):
        manual.place_request(req, s2)
    # The scheduler export sees it too.
    instance, _ = scheduling.build_instance(event)
    unavailable = {p["id"]: p["unavailable"] for p in instance["participants"]}
    assert unavailable[f"p{c.pk}"] == [f"s{s2.pk}"]
    assert unavailable[f"p{a.pk}"] == []
    # Expert booking skips that time.
    em = expert_svc.request_meeting(c, _expert(event, slot_minutes=20))
    assert em.start == at(9)
    assert Meeting.objects.count() == 0


# --- Placed, moved and cancelled by hand by the organisers (services/manual.py) ------------------


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


# --- Slot labels and the placement form ----------------------------------------------------------


def test_slots_and_sessions_read_day_first():
    event = make_event("dates")
    slot = Slot.objects.filter(session__day__event=event).order_by("start").first()
    assert str(slot) == "10/03/2027 09:00–09:20"
    assert str(Session.objects.get(day__event=event)) == "10/03/2027 Matin"


def test_manual_place_button_says_place_not_location(client_for):
    event = make_event("placer")
    a = make_company(event, "Alpha").representatives.get()
    b = make_company(event, "Beta").representatives.get()
    req = MeetingRequest.objects.create(
        event=event, sender=a, recipient=b, state=MeetingRequest.State.CONFIRMED
    )
    url = reverse("events:bo_meeting_place", kwargs={"pk": event.pk, "req_pk": req.pk})
    html = client_for("principal").get(url).content.decode()  # French interface
    assert ">Lieu</button>" not in html
    assert "Placer un rendez-vous</button>" in html


# --- Placing despite a declared absence (issue 32, item 8) -------------------------------------


def test_an_absence_is_overridden_only_with_a_reason_and_never_a_clash():
    event = make_event("override", tables=3)
    a, b, c = _reps(event, "Alpha", "Beta", "Gamma")
    s1, s2, s3 = _slots(event)
    b.absent_sessions.add(s1.session)
    req = _confirmed(event, a, b)
    # Without an override: refused, as before.
    with pytest.raises(ServiceError, match="P0 Beta does not attend the session Matin"):
        manual.place_request(req, s1)
    # An override needs a reason.
    with pytest.raises(ServiceError, match="reason"):
        manual.place_request(req, s1, absence_reason="   ")
    # A meeting at the same time is never overridden.
    manual.place_request(_confirmed(event, a, c), s1)
    with pytest.raises(ServiceError, match="P0 Alpha already has a meeting"):
        manual.place_request(req, s1, absence_reason="Vient finalement le matin")
    meeting = manual.place_request(req, s2, absence_reason="Vient finalement le matin")
    assert meeting.absence_override == "Vient finalement le matin"
    entry = JournalEntry.objects.get(action="events.meeting_placed", object_id=str(meeting.pk))
    assert entry.details["absence_override"] == "Vient finalement le matin"
    assert entry.details["absent"] == ["P0 Beta"]
    # The scheduler keeps it where it is (the instance stays valid).
    from civitas.scheduling.model import load_instance

    instance, _by_id = scheduling.build_instance(event)
    load_instance(instance)  # raises on a fixed meeting at an unavailable slot
    beta = next(p for p in instance["participants"] if p["id"] == f"p{b.pk}")
    assert f"s{s2.pk}" not in beta["unavailable"] and f"s{s3.pk}" in beta["unavailable"]
    # Moving it: the override is asked again; without a reason the move is refused.
    with pytest.raises(ServiceError, match="does not attend"):
        manual.move_meeting(meeting, s3)
    meeting = manual.move_meeting(meeting, s3, absence_reason="Toujours d’accord")
    assert meeting.absence_override == "Toujours d’accord"
    # A placement where nobody is absent keeps no override, whatever was typed.
    b.absent_sessions.clear()
    meeting = manual.move_meeting(meeting, s2, absence_reason="Inutile")
    assert meeting.absence_override == ""


def test_the_place_anyway_form_requires_a_reason_and_shows_it_on_the_agenda(client_for):
    event = make_event("override-view", tables=2)
    a, b = _reps(event, "Alpha", "Beta")
    s1 = _slots(event)[0]
    b.absent_sessions.add(s1.session)
    req = _confirmed(event, a, b)
    url = reverse("events:bo_meeting_place", kwargs={"pk": event.pk, "req_pk": req.pk})
    client = client_for("principal", lang="en")
    html = client.get(url).content.decode()
    assert 'name="override_absence"' in html and 'name="absence_reason"' in html
    r = client.post(url, {"slot": s1.pk, "override_absence": "on", "absence_reason": ""})
    assert r.status_code == 200
    assert "Give the reason for placing the meeting despite an absence." in r.content.decode()
    assert not Meeting.objects.exists()
    r = client.post(
        url, {"slot": s1.pk, "override_absence": "on", "absence_reason": "Arrive plus tôt"}
    )
    assert r.status_code == 302
    meeting = Meeting.objects.get(request=req)
    assert meeting.absence_override == "Arrive plus tôt"
    agenda = client.get(reverse("events:bo_agenda", kwargs={"pk": event.pk, "rep_pk": b.pk}))
    text = agenda.content.decode()
    assert "placed despite an absence" in text and "Arrive plus tôt" in text
