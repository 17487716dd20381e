"""The scheduling run in the product: meetings placed, every unscheduled one explained
in words an organiser understands (names, times, rooms — never the solver's ids); the
incremental fill ("place new meetings without moving any") fixes every scheduled meeting
(drafts included) and only places the confirmed requests that have no meeting."""

import re

import pytest
from django.urls import reverse

from civitas.core.outbox.models import Message
from civitas.events.models import Meeting, MeetingRequest, ScheduleRun
from civitas.events.services import ServiceError, manual, scheduling

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db


def test_run_places_what_fits_and_explains_the_rest_by_name():
    event = make_event(slug="serre", tables=5)  # one session of 3 slots of 20 minutes
    popular = make_company(event, "Populaire").representatives.get()
    for name in ["Alpha", "Beta", "Gamma", "Delta"]:
        other = make_company(event, name).representatives.get()
        MeetingRequest.objects.create(
            event=event, sender=other, recipient=popular, state=MeetingRequest.State.CONFIRMED
        )
    run = ScheduleRun.objects.create(event=event)
    run = scheduling.run_now(run, time_limit=10)
    assert (run.requested, run.scheduled) == (4, 3)
    assert len(run.unscheduled) == 1
    reason = run.unscheduled[0]["reason"]
    # The last request to arrive (Delta) is the one left out, first come first served.
    assert "Delta" in run.unscheduled[0]["label"]
    assert "Populaire" in reason
    assert not re.search(r"\b(p|s|se|r)\d+\b", reason), reason
    assert event.meetings.filter(state="scheduled").count() == 3


def test_a_slot_with_meetings_cannot_be_deleted_but_the_event_can():
    from django.db.models import RestrictedError

    from civitas.events.models import Event, Slot

    event = make_event(slug="effacer", tables=5)
    a = make_company(event, "Alpha").representatives.get()
    b = make_company(event, "Beta").representatives.get()
    MeetingRequest.objects.create(
        event=event, sender=a, recipient=b, state=MeetingRequest.State.CONFIRMED
    )
    scheduling.run_now(ScheduleRun.objects.create(event=event), time_limit=5)
    meeting = event.meetings.get()
    with pytest.raises(RestrictedError):
        Slot.objects.get(pk=meeting.slot_id).delete()
    event.delete()
    assert not Event.objects.filter(slug="effacer").exists()


# --- Incremental fill: place new meetings without moving any -------------------------------------


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
        principal.post(url, {"action": "publish", "confirm": "1"})
    # Only the new meeting is announced.
    assert Message.objects.filter(template_code="events.meeting_scheduled").count() == 2


def test_the_reason_of_an_unscheduled_meeting_is_worded_in_the_readers_language():
    from django.utils import translation

    from civitas.events.models import Session
    from civitas.events.services import unscheduled

    event = make_event(slug="absent", tables=5)
    hans = make_company(event, "Müller GmbH", country="DE").representatives.get()
    anne = make_company(event, "Durand").representatives.get()
    hans.first_name, hans.last_name = "Hans", "Müller"
    hans.save()
    hans.absent_sessions.set(Session.objects.filter(day__event=event))
    MeetingRequest.objects.create(
        event=event, sender=anne, recipient=hans, state=MeetingRequest.State.CONFIRMED
    )
    run = scheduling.run_now(ScheduleRun.objects.create(event=event), time_limit=5)
    entry = run.unscheduled[0]
    assert entry["code"] == "no_common_availability"
    # Stored with names, never the solver's ids.
    assert not re.search(r"\b(p|s|se|r)\d+\b", str(entry["params"])), entry["params"]
    with translation.override("fr"):
        fr = unscheduled.text(entry)
    with translation.override("en"):
        en = unscheduled.text(entry)
    assert "Hans Müller (Müller GmbH) est absent sur 3 des 3 créneaux" in fr, fr
    assert "Hans Müller (Müller GmbH) is absent at 3 of the 3 slots" in en, en
    assert "Durand" not in fr  # only the absent person is named
    # The scheduling page shows it in the reader's language.
    from django.test import Client

    from tests.conftest import make_user

    admin = make_user("orga@example.org", role_code="principal_admin")
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("events:bo_scheduling", kwargs={"pk": event.pk}))
    assert "est absent sur 3 des 3 créneaux" in page.content.decode()


def test_a_reason_stored_before_codes_keeps_its_text():
    from civitas.events.services import unscheduled

    assert unscheduled.text({"reason": "old text"}) == "old text"
    assert unscheduled.text({"code": "quota_reached", "params": {}, "reason": "x"}) == "x"


def test_scheduling_page_shows_live_figures_and_locks_its_buttons_during_a_run(client_for):
    event = make_event("live", tables=2)
    a, b, c = (make_company(event, n).representatives.get() for n in "ABC")
    req = _confirmed(event, a, b)
    _confirmed(event, c, a)
    manual.place_request(req, event.days.get().sessions.get().slots.first())
    principal = client_for("principal", lang="en")
    url = reverse("events:bo_scheduling", kwargs={"pk": event.pk})
    html = principal.get(url).content.decode()
    # Counted from the meetings as they are now, with no run at all.
    assert "<dt>Confirmed requests</dt><dd>2</dd>" in html
    assert "<dt>Fill rate</dt><dd>50 %</dd>" in html
    assert 'value="run">' in html and "A scheduling run is in progress" not in html
    ScheduleRun.objects.create(event=event, status=ScheduleRun.Status.RUNNING)
    html = principal.get(url).content.decode()
    assert "A scheduling run is in progress" in html
    assert 'value="run" disabled' in html and 'value="incremental" disabled' in html


def test_the_progress_bar_reloads_the_page_when_the_job_ends(client_for, users):
    from civitas.core import jobs

    job = jobs.create("events.scheduling", "Planification", owner=users["principal"])
    client = client_for("principal")
    url = reverse("core:job_status", kwargs={"pk": job.pk})
    running = client.get(url + "?refresh=1", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in running and "refresh=1" in running.content.decode()
    jobs.finish(job.pk)
    done = client.get(url + "?refresh=1", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert "HX-Refresh" not in client.get(url, HTTP_HX_REQUEST="true")
