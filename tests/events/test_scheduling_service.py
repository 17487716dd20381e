"""The scheduling run in the product: meetings placed, every unscheduled one explained
in words an organiser understands (names, times, rooms — never the solver's ids)."""

import re

import pytest

from civitas.events.models import MeetingRequest, ScheduleRun
from civitas.events.services import scheduling
from tests.events.conftest import make_company, make_event

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
