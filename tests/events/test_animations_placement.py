"""A person holding a seat at an animation is busy then: the scheduler export, manual
placement and slot booking all see it (through placement's registered source)."""

import datetime as dt

import pytest
from django.utils import timezone

from civitas.events.models import MeetingRequest, Slot
from civitas.events.services import ServiceError, manual, placement, scheduling
from civitas.events.services import animations as svc
from civitas.events.services import meetings as meeting_svc

from .animation_helpers import make_animation
from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db


def at(hour, minute=0):
    return timezone.make_aware(dt.datetime(2027, 3, 10, hour, minute))


def _setup(mode="requests"):
    event = make_event(f"anim-pl-{mode}", mode=mode)
    a, b, c = (make_company(event, n).representatives.get() for n in ("Alpha", "Beta", "Gamma"))
    slots = list(Slot.objects.filter(session__day__event=event).order_by("start"))
    workshop = make_animation(event, capacity=5, start=at(9, 20), end=at(9, 40))
    svc.register(workshop, c)
    return event, (a, b, c), slots, workshop


def test_scheduler_sees_the_animation():
    event, (a, b, c), (s1, s2, s3), _ = _setup()
    MeetingRequest.objects.create(
        event=event, sender=a, recipient=c, state=MeetingRequest.State.CONFIRMED
    )
    instance, _ = scheduling.build_instance(event)
    unavailable = {p["id"]: p["unavailable"] for p in instance["participants"]}
    assert unavailable[f"p{c.pk}"] == [f"s{s2.pk}"]
    assert unavailable[f"p{a.pk}"] == []


def test_manual_placement_refuses_and_names_the_animation():
    event, (a, b, c), (s1, s2, s3), _ = _setup()
    req = MeetingRequest.objects.create(
        event=event, sender=a, recipient=c, state=MeetingRequest.State.CONFIRMED
    )
    with pytest.raises(ServiceError, match="Atelier export"):
        manual.place_request(req, s2)
    assert manual.place_request(req, s3).slot == s3
    assert "busy" in placement.slot_notes(req)[s2.pk]


def test_slot_booking_refuses_a_slot_during_the_animation():
    event, (a, b, c), (s1, s2, s3), _ = _setup("slots")
    with pytest.raises(ServiceError):
        req = meeting_svc.send_request(a, c, slot=s2)
        meeting_svc.accept_request(req, c)
        meeting_svc.confirm_request(req, a)
    assert not c.animation_registrations.get().animation.start > s2.start  # still seated


def test_waiting_or_cancelled_is_not_busy():
    event, (a, b, c), (s1, s2, s3), workshop = _setup()
    assert not placement.is_free(c, s2)
    svc.cancel_animation(workshop)
    assert placement.is_free(c, s2)
    full = make_animation(event, "Complet", capacity=1, start=at(9, 40), end=at(10))
    svc.register(full, a)
    assert svc.register(full, b).status == "waiting"
    assert placement.is_free(b, s3)
    assert not placement.is_free(a, s3)
