"""Placement (services/placement.py): is each person free at a time, which table is left,
what a slot clashes with; the one home every placement path asks."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

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
    # Slots, absences, B2B meetings, expert meetings: the same count for 8 or 800 people.
    with django_assert_max_num_queries(4):
        busy = placement.busy_slots(event, ids)
    assert set(busy[people[0].pk]) == {s1.pk}
    assert set(busy[people[3].pk]) == {s2.pk}
    assert set(busy[people[4].pk]) == {s1.pk, s2.pk}
    assert set(busy[people[5].pk]) == {s1.pk, s2.pk, s3.pk}
    assert busy[people[6].pk] == {}
    # Limited to some kinds (the scheduler export leaves B2B meetings out).
    only = placement.busy_slots(event, ids, kinds=[placement.EXPERT])
    assert only[people[0].pk] == {} and set(only[people[4].pk]) == {s1.pk, s2.pk}


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
    assert placement.choose_table(event, s1, room, 3) == (room, 3)
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
