"""A representative changes the sessions they attend: meetings in a session they will now
miss are shown, cancelled only after confirmation, and the other parties are told."""

import datetime as dt

import pytest
from django.urls import reverse

from civitas.core.outbox.models import Message
from civitas.events.models import Meeting, MeetingRequest, Session, Slot, SlotWaitlistEntry
from civitas.events.services import availability, manual, setup, waitlist
from civitas.events.services import meetings as svc
from civitas.events.services.scheduling import confirmed_unplaced

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db


def _two_sessions(slug, mode="requests", tables=3):
    event = make_event(slug, mode=mode, tables=tables)
    morning = Session.objects.get(day__event=event)
    afternoon = Session.objects.create(
        day=morning.day, name="Après-midi", start_time=dt.time(14), end_time=dt.time(15)
    )
    setup.generate_slots(afternoon)
    return event, morning, afternoon


def _place(event, x, y, slot):
    req = MeetingRequest.objects.create(
        event=event, sender=x, recipient=y, state=MeetingRequest.State.CONFIRMED
    )
    return manual.place_request(req, slot)


def test_requests_mode_meeting_released_request_kept():
    event, morning, afternoon = _two_sessions("dispo")
    a, b, c = (make_company(event, n).representatives.get() for n in ("Alpha", "Beta", "Gamma"))
    m_ab = _place(event, a, b, morning.slots.first())
    m_ac = _place(event, c, a, afternoon.slots.first())
    Message.objects.all().delete()
    with pytest.raises(availability.NeedsConfirmation) as info:
        availability.set_sessions(a, [afternoon])
    assert info.value.meetings == [m_ab]
    assert not a.absent_sessions.exists()  # nothing changed without confirmation
    assert Meeting.objects.get(pk=m_ab.pk).state == "scheduled"
    cancelled = availability.set_sessions(a, [afternoon], confirmed=True)
    assert cancelled == [m_ab]
    assert list(a.absent_sessions.all()) == [morning]
    assert Meeting.objects.get(pk=m_ab.pk).state == "cancelled"
    assert Meeting.objects.get(pk=m_ac.pk).state == "scheduled"
    assert list(confirmed_unplaced(event)) == [m_ab.request]  # can be placed again
    notices = Message.objects.filter(template_code="events.meeting_released")
    assert list(notices.values_list("to", flat=True)) == [b.email]
    assert "P0 Alpha" in notices.get().body_text
    assert Message.objects.filter(to=b.phone, channel="sms").exists()
    # The organisers cannot place it back in the session A now misses.
    from civitas.events.services import ServiceError

    with pytest.raises(ServiceError, match="does not attend"):
        manual.place_request(m_ab.request, morning.slots.last())
    # Attending again changes nothing else.
    assert availability.set_sessions(a, [morning, afternoon]) == []
    assert not a.absent_sessions.exists()


def test_slots_mode_cancels_the_request_and_frees_the_place_for_the_waiting_list():
    event, morning, afternoon = _two_sessions("dispo-rdv", mode="slots", tables=1)
    slot = morning.slots.order_by("start").first()
    a, b, c, d = (
        make_company(event, n).representatives.get() for n in ("Alpha", "Beta", "Gamma", "Delta")
    )
    req = svc.send_request(a, b, slot=slot)
    svc.accept_request(req, b)
    svc.confirm_request(req, a)
    cd = svc.accept_request(svc.send_request(c, d, slot=slot), d)
    entry = waitlist.join(cd, c)
    Message.objects.all().delete()
    availability.set_sessions(b, [afternoon], confirmed=True)
    req.refresh_from_db()
    assert req.state == "cancelled" and req.cancelled_by == b
    told = Message.objects.filter(template_code="events.meeting_cancelled")
    assert list(told.values_list("to", flat=True)) == [a.email]
    entry.refresh_from_db()
    assert entry.state == SlotWaitlistEntry.State.PLACED
    assert Meeting.objects.get(request=cd, state="scheduled").slot == slot


def test_view_shows_the_meetings_and_asks_for_confirmation(client):
    event, morning, afternoon = _two_sessions("dispo-vue")
    a, b = (make_company(event, n).representatives.get() for n in ("Alpha", "Beta"))
    x, y = (make_company(event, n).representatives.get() for n in ("Xeno", "Ypsi"))
    m = _place(event, a, b, morning.slots.first())
    other = _place(event, x, y, morning.slots.first())
    client.force_login(a.user)
    url = reverse("events:area_availability", kwargs={"slug": event.slug})
    page = client.get(url).content.decode()
    assert f'value="{morning.pk}"' in page and "checked" in page
    r = client.post(url, {"attended": [afternoon.pk]})
    assert r.status_code == 200
    html = r.content.decode()
    assert "P0 Beta" in html and 'name="confirm" value="1"' in html
    assert "Xeno" not in html  # only one's own meetings
    # The selection is kept: afternoon ticked, morning not.
    assert f'value="{afternoon.pk}"' in html
    assert html.count("checked") == 1
    assert Meeting.objects.get(pk=m.pk).state == "scheduled"
    r = client.post(url, {"attended": [afternoon.pk], "confirm": "1"})
    assert r.status_code == 302
    assert Meeting.objects.get(pk=m.pk).state == "cancelled"
    assert Meeting.objects.get(pk=other.pk).state == "scheduled"
    # A session of another event is refused.
    event2, morning2, _ = _two_sessions("dispo-autre")
    r = client.post(url, {"attended": [morning2.pk]})
    assert r.status_code == 200 and not a.absent_sessions.filter(pk=morning2.pk).exists()
    assert Slot.objects.filter(session=morning2).exists()
