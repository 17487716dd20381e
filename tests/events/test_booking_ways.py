"""Both ways of getting meetings in one event (003 §4.2.2, "selon le choix du participant"):
book a free slot (with its waiting list) or send a request stating preferred sessions; the
organiser can restrict an event to one way. And availability asked as one notion (the
sessions attended) everywhere, with confirmation before meetings are cancelled."""

import datetime as dt

import pytest
from django.urls import reverse

from civitas.core.outbox.models import Message
from civitas.events.models import Event, Meeting, MeetingRequest, Session
from civitas.events.services import ServiceError, availability, setup, waitlist
from civitas.events.services import meetings as svc
from civitas.events.services.scheduling import build_instance

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db
State = MeetingRequest.State


def _two_sessions(slug, mode="both", tables=3):
    event = make_event(slug, mode=mode, tables=tables)
    morning = Session.objects.get(day__event=event)
    afternoon = Session.objects.create(
        day=morning.day, name="Après-midi", start_time=dt.time(14), end_time=dt.time(15)
    )
    setup.generate_slots(afternoon)
    return event, morning, afternoon


def _reps(event, *names):
    return [make_company(event, n).representatives.get() for n in names]


def test_new_events_open_both_ways_by_default():
    event = setup.create_event(
        name="Salon",
        slug="salon-neuf",
        start_date=dt.date(2027, 3, 10),
        end_date=dt.date(2027, 3, 10),
    )
    assert event.booking_mode == Event.BookingMode.BOTH
    assert event.books_slots and event.takes_requests


def test_both_ways_in_one_event_and_the_scheduler_keeps_booked_slots_fixed():
    event, morning, afternoon = _two_sessions("deux-voies", tables=1)
    a, b, c, d, e, f = _reps(event, "Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta")
    slot = morning.slots.order_by("start").first()
    # Way 1: A books a free slot with B; confirming places the meeting there at once.
    booked = svc.send_request(a, b, slot=slot)
    svc.accept_request(booked, b)
    svc.confirm_request(booked, a)
    meeting = Meeting.objects.get(request=booked, state="scheduled")
    assert meeting.slot == slot
    # Way 2: C asks D without a slot, preferring the afternoon; confirmed, it waits for the
    # scheduling (no meeting yet).
    asked = svc.send_request(c, d, "Bonjour", preferred_sessions=[afternoon])
    assert asked.slot is None and list(asked.preferred_sessions.all()) == [afternoon]
    svc.accept_request(asked, d)
    svc.confirm_request(asked, c)
    assert not Meeting.objects.filter(request=asked).exists()
    # The slot's only table is taken: E and F, agreed on it, wait on its waiting list.
    ef = svc.accept_request(svc.send_request(e, f, slot=slot), f)
    entry = waitlist.join(ef, e)
    assert waitlist.position(entry) == 1
    # The scheduling input: the booked meeting is fixed even as an unpublished draft, the
    # request without a slot is free to be placed around it.
    Meeting.objects.filter(pk=meeting.pk).update(published=False, locked=False)
    instance, by_id = build_instance(event)
    fixed = {m["id"]: m["fixed"] for m in instance["meetings"]}
    assert fixed[f"m{booked.pk}"] == {
        "slot": f"s{slot.pk}",
        "location": f"r{meeting.room_id}",
        "table": meeting.table_number,
    }
    assert fixed[f"m{asked.pk}"] is None


def test_an_event_restricted_to_one_way():
    slots_only, morning, _ = _two_sessions("creneaux", mode="slots")
    a, b = _reps(slots_only, "Alpha", "Beta")
    with pytest.raises(ServiceError, match="Choose a slot"):
        svc.send_request(a, b, preferred_sessions=[morning])
    requests_only, morning2, _ = _two_sessions("demandes", mode="requests")
    c, d = _reps(requests_only, "Gamma", "Delta")
    req = svc.send_request(c, d, slot=morning2.slots.first(), preferred_sessions=[morning2])
    assert req.slot is None  # no slot booking in this event: the scheduling places it
    svc.confirm_request(svc.accept_request(req, d), c)
    assert not Meeting.objects.filter(request=req).exists()
    with pytest.raises(ServiceError, match="slot"):
        waitlist.join(req, c)
    # Sessions of another event are refused.
    (e,) = _reps(requests_only, "Epsilon")
    with pytest.raises(ServiceError, match="do not belong"):
        svc.send_request(c, e, preferred_sessions=[morning])


def test_dropping_a_session_in_both_mode_cancels_a_booking_and_releases_a_request():
    event, morning, afternoon = _two_sessions("deux-voies-dispo")
    a, b, c = _reps(event, "Alpha", "Beta", "Gamma")
    booked = svc.send_request(a, b, slot=morning.slots.order_by("start").first())
    svc.confirm_request(svc.accept_request(booked, b), a)
    asked = svc.send_request(c, a)
    svc.confirm_request(svc.accept_request(asked, a), c)
    from civitas.events.services import manual

    manual.place_request(asked, morning.slots.order_by("start").last())
    Message.objects.all().delete()
    with pytest.raises(availability.NeedsConfirmation):
        availability.set_sessions(a, [afternoon])
    cancelled = availability.set_sessions(a, [afternoon], confirmed=True)
    assert len(cancelled) == 2
    booked.refresh_from_db()
    asked.refresh_from_db()
    assert booked.state == State.CANCELLED  # the booking named that slot: gone
    assert asked.state == State.CONFIRMED  # the request waits for another place
    assert not Meeting.objects.filter(state="scheduled", request__in=[booked, asked]).exists()
    told = set(Message.objects.filter(channel="email").values_list("to", "template_code"))
    assert (b.email, "events.meeting_cancelled") in told
    assert (c.email, "events.meeting_released") in told


def test_request_form_explains_the_steps_and_stores_preferred_sessions(client):
    event, morning, afternoon = _two_sessions("formulaire")
    a, b = _reps(event, "Alpha", "Beta")
    client.force_login(a.user)
    _english(client)
    url = reverse("events:area_request_new", kwargs={"slug": event.slug, "rep_pk": b.pk})
    page = client.get(url).content.decode()
    assert "How it works" in page and "accepts or declines" in page and "You confirm" in page
    assert 'name="slot"' in page and 'name="preferred_sessions"' in page
    # A slot and preferred sessions together: refused, what was typed kept.
    slot = morning.slots.first()
    r = client.post(
        url, {"message": "Salut", "slot": slot.pk, "preferred_sessions": [afternoon.pk]}
    )
    assert r.status_code == 200 and "not both" in r.content.decode()
    assert "Salut" in r.content.decode()
    assert not MeetingRequest.objects.exists()
    r = client.post(url, {"message": "Salut", "preferred_sessions": [afternoon.pk]})
    assert r.status_code == 302
    req = MeetingRequest.objects.get()
    assert req.slot is None and list(req.preferred_sessions.all()) == [afternoon]
    # The person asked sees the preferred session.
    client.force_login(b.user)
    home = client.get(reverse("events:area_home", kwargs={"slug": event.slug})).content.decode()
    assert "Preferred sessions:" in home and "Après-midi" in home
    # A slots-only event: the slot is required, no preferred sessions.
    Event.objects.filter(pk=event.pk).update(booking_mode="slots")
    client.force_login(a.user)
    url = reverse("events:area_request_new", kwargs={"slug": event.slug, "rep_pk": b.pk})
    page = client.get(url).content.decode()
    assert 'name="preferred_sessions"' not in page
    assert "waiting list" in page and "scheduling places" not in page


def _english(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _placed(event, x, y, slot):
    from civitas.events.services import manual

    req = MeetingRequest.objects.create(event=event, sender=x, recipient=y, state=State.CONFIRMED)
    return manual.place_request(req, slot)


def test_profile_asks_sessions_attended_and_confirms_before_cancelling(client):
    event, morning, afternoon = _two_sessions("dispo-profil")
    a, b = _reps(event, "Alpha", "Beta")
    meeting = _placed(event, a, b, morning.slots.first())
    client.force_login(a.user)
    _english(client)
    url = reverse("events:area_representative", kwargs={"slug": event.slug, "rep_pk": a.pk})
    page = client.get(url).content.decode()
    assert "Sessions attended" in page and "Tick the sessions attended" in page
    assert page.count("checked") == 2  # both attended
    data = {
        "rep-first_name": a.first_name,
        "rep-last_name": "Alphonse",
        "rep-job_title": "",
        "rep-phone": a.phone,
        "rep-sessions_attended": [afternoon.pk],
    }
    r = client.post(url, data)
    html = r.content.decode()
    assert r.status_code == 200 and "P0 Beta" in html and 'name="confirm" value="1"' in html
    a.refresh_from_db()
    assert a.last_name == "Alpha" and not a.absent_sessions.exists()  # nothing saved yet
    assert Meeting.objects.get(pk=meeting.pk).state == "scheduled"
    r = client.post(url, {**data, "confirm": "1"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.last_name == "Alphonse" and list(a.absent_sessions.all()) == [morning]
    assert Meeting.objects.get(pk=meeting.pk).state == "cancelled"


def test_back_office_correction_of_sessions_confirms_before_cancelling(client_for):
    event, morning, afternoon = _two_sessions("dispo-bo")
    c, d = _reps(event, "Gamma", "Delta")
    meeting = _placed(event, c, d, afternoon.slots.first())
    client = client_for("principal", lang="en")
    url = reverse(
        "events:bo_registration_rep_edit",
        kwargs={"pk": event.pk, "company_pk": d.company_id, "rep_pk": d.pk},
    )
    assert "Sessions attended" in client.get(url).content.decode()
    data = {
        "rep-first_name": d.first_name,
        "rep-last_name": d.last_name,
        "rep-email": d.email,
        "rep-job_title": "",
        "rep-phone": d.phone,
        "rep-sessions_attended": [morning.pk],
    }
    r = client.post(url, data)
    html = r.content.decode()
    assert r.status_code == 200 and "P0 Gamma" in html and "Confirm and cancel" in html
    assert Meeting.objects.get(pk=meeting.pk).state == "scheduled"
    assert not d.absent_sessions.exists()
    Message.objects.all().delete()
    r = client.post(url, {**data, "confirm": "1"})
    assert r.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).state == "cancelled"
    assert list(d.absent_sessions.all()) == [afternoon]
    assert Message.objects.filter(to=c.email, template_code="events.meeting_released").exists()


def test_registration_asks_the_sessions_attended():
    from civitas.events.forms import RepresentativeForm

    event, morning, afternoon = _two_sessions("inscription")
    form = RepresentativeForm(
        {
            "first_name": "Anne",
            "last_name": "Martin",
            "email": "anne@example.org",
            "sessions_attended": [afternoon.pk],
        },
        event=event,
    )
    assert "absent_sessions" not in form.fields
    assert str(form.fields["sessions_attended"].label) == "Sessions attended"
    assert form.is_valid(), form.errors
    assert form.cleaned_data["absent_sessions"] == [morning]
    # A newcomer has every session ticked.
    assert RepresentativeForm(event=event).fields["sessions_attended"].initial == [
        morning.pk,
        afternoon.pk,
    ]
    # The organisers' configuration screen names it the same way.
    from civitas.events.services import regform

    assert regform.standard_label(regform.REPRESENTATIVE, "absent_sessions") == "Sessions attended"
