"""Incremental fill: "place new meetings without moving any" fixes every scheduled meeting
(drafts included) and only places the confirmed requests that have no meeting."""

import pytest
from django.urls import reverse

from civitas.core.outbox.models import Message
from civitas.events.models import Meeting, MeetingRequest, ScheduleRun
from civitas.events.services import ServiceError, manual, scheduling

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db
CONFIRMED = MeetingRequest.State.CONFIRMED


def _confirmed(event, a, b):
    return MeetingRequest.objects.create(event=event, sender=a, recipient=b, state=CONFIRMED)


def _places(event):
    return {
        m.pk: (m.request_id, m.slot_id, m.room_id, m.table_number)
        for m in Meeting.objects.filter(event=event, state="scheduled")
    }


def test_incremental_fill_moves_nothing_and_places_the_new_requests():
    event = make_event("incr", tables=5)  # 3 slots x 5 tables
    reps = [make_company(event, n).representatives.get() for n in "ABCDEF"]
    a, b, c, d, e, f = reps
    for x, y in [(a, b), (c, d), (e, f), (a, c), (b, d)]:
        _confirmed(event, x, y)
    scheduling.run_now(ScheduleRun.objects.create(event=event), time_limit=10)
    assert Meeting.objects.filter(event=event, state="scheduled").count() == 5
    # Publish part of the plan; the rest stays unlocked drafts, which a normal run replaces.
    scheduling.publish(event, notify_people=False)
    draft_req = _confirmed(event, e, a)
    scheduling.run_now(ScheduleRun.objects.create(event=event, incremental=True), time_limit=10)
    draft = Meeting.objects.get(request=draft_req, state="scheduled")
    assert not draft.published and not draft.locked
    first = Meeting.objects.filter(event=event, published=True).order_by("pk").first()
    manual.cancel_placement(first, "Retard")  # a freed slot; its request waits again
    before = _places(event)
    # Late registration: a new company with two confirmed requests.
    g = make_company(event, "Late").representatives.get()
    late = [_confirmed(event, g, c), _confirmed(event, g, f)]
    assert scheduling.confirmed_unplaced(event).count() == 3  # the freed one + 2 late
    run = scheduling.run_now(
        ScheduleRun.objects.create(event=event, incremental=True), time_limit=10
    )
    after = _places(event)
    for pk, place in before.items():
        assert after[pk] == place  # same meeting, same slot, room and table
    new = {pk: p for pk, p in after.items() if pk not in before}
    placed_requests = {p[0] for p in new.values()}
    assert {r.pk for r in late} <= placed_requests
    assert run.requested == 3 and run.scheduled == len(new) >= 2
    assert run.status == "draft"
    # No double booking, no table used twice.
    for slot_id in {p[1] for p in after.values()}:
        at_slot = [p for p in after.values() if p[1] == slot_id]
        assert len({(p[2], p[3]) for p in at_slot}) == len(at_slot)
        people = [
            rep
            for p in at_slot
            for rep in MeetingRequest.objects.filter(pk=p[0]).values_list(
                "sender_id", "recipient_id"
            )[0]
        ]
        assert len(people) == len(set(people))
    # A normal run, by contrast, would be free to move the unlocked draft: it is not fixed.
    instance, _ = scheduling.build_instance(event)
    fixed = {m["id"]: m["fixed"] for m in instance["meetings"]}
    assert fixed[f"m{draft_req.pk}"] is None
    instance, _ = scheduling.build_instance(event, fix_all=True)
    assert all(m["fixed"] for m in instance["meetings"])  # everything is placed by now


def test_incremental_action_from_the_scheduling_page(
    client_for, django_capture_on_commit_callbacks
):
    event = make_event("incr-view", tables=2)
    a, b, c = (make_company(event, n).representatives.get() for n in "ABC")
    req = _confirmed(event, a, b)
    manual.place_request(req, event.days.get().sessions.get().slots.first())
    with pytest.raises(ServiceError, match="already has a meeting"):
        scheduling.start(event, incremental=True)
    late = _confirmed(event, c, a)
    principal = client_for("principal")
    url = reverse("events:bo_scheduling", kwargs={"pk": event.pk})
    assert 'value="incremental"' in principal.get(url).content.decode()
    Message.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert principal.post(url, {"action": "incremental"}).status_code == 302
    run = event.schedule_runs.first()
    assert run.incremental and run.status == "draft" and (run.requested, run.scheduled) == (1, 1)
    assert Meeting.objects.get(request=req, state="scheduled").published
    new = Meeting.objects.get(request=late, state="scheduled")
    assert not new.published
    with django_capture_on_commit_callbacks(execute=True):
        principal.post(url, {"action": "publish"})
    # Only the new meeting is announced.
    assert Message.objects.filter(template_code="events.meeting_scheduled").count() == 2
