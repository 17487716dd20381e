"""The participant's iCalendar feed: names cannot add lines or properties (issue 31, item 7)."""

import datetime as dt

import icalendar
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from civitas.events.models import Company, Event, MeetingRequest, Representative, Slot
from civitas.events.services import agenda
from civitas.events.services import meetings as meeting_svc
from tests.events.conftest import make_company

pytestmark = pytest.mark.django_db

CRAFTED = "Evil\rX-INJECTED:cr\nATTENDEE:mailto:lf@evil.example\r\nEND:VEVENT;a,b\\c"


def meeting(rep, other, minute):
    slot = Slot.objects.get(
        session__day__event=rep.company.event,
        start=timezone.make_aware(dt.datetime(2027, 3, 10, 9, minute)),
    )
    req = MeetingRequest.objects.create(
        event=rep.company.event, sender=rep, recipient=other, state=MeetingRequest.State.CONFIRMED
    )
    with transaction.atomic():
        placed = meeting_svc.place_meeting(req, slot)
    placed.published = True
    placed.save(update_fields=["published"])
    return placed


def test_crafted_names_stay_inside_their_property(event, client):
    a = make_company(event, "Alpha").representatives.get()
    b = make_company(event, "Beta").representatives.get()
    # Stored as such (an API write or an old import could hold them): the feed must cope.
    Company.objects.filter(pk=b.company_id).update(name=CRAFTED)
    Representative.objects.filter(pk=b.pk).update(last_name="Doe;\rDTSTART:19700101T000000Z")
    Event.objects.filter(pk=event.pk).update(name="Salon\r\nBEGIN:VEVENT")
    m = meeting(a, b, 0)

    response = client.get(reverse("events:calendar_feed", kwargs={"token": a.calendar_token}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content
    # RFC 5545: every line ends with CRLF; no bare CR or LF anywhere.
    assert body.endswith(b"\r\n")
    assert b"\r" not in body.replace(b"\r\n", b"") and b"\n" not in body.replace(b"\r\n", b"")
    # No injected property starts a line (folded lines start with a space).
    lines = body.decode().split("\r\n")
    assert not [line for line in lines if line.startswith(("X-INJECTED", "ATTENDEE"))]
    assert lines.count("BEGIN:VEVENT") == 1 and lines.count("END:VEVENT") == 1

    cal = icalendar.Calendar.from_ical(body)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    vevent = events[0]
    assert sorted(vevent.keys()) == [
        "DTEND",
        "DTSTAMP",
        "DTSTART",
        "LOCATION",
        "SUMMARY",
        "UID",
    ]
    b.refresh_from_db()
    # Line breaks come back as "\n" (a TEXT value has no CR), the rest exactly.
    expected = f"{b.full_name} ({CRAFTED})".replace("\r\n", "\n").replace("\r", "\n")
    assert str(vevent["SUMMARY"]) == expected
    assert str(vevent["UID"]).startswith(f"meeting-{m.pk}@")
    assert vevent.decoded("DTSTART") == m.slot.start
    assert vevent.decoded("DTEND") == m.slot.end
    assert vevent.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert "table" in str(vevent["LOCATION"])
    assert sorted(k for k in cal if not k.startswith("BEGIN")) == [
        "CALSCALE",
        "PRODID",
        "VERSION",
        "X-WR-CALNAME",
    ]


def test_feed_content_is_unchanged_for_plain_names(event):
    a = make_company(event, "Alpha").representatives.get()
    b = make_company(event, "Beta, Gamma; Delta").representatives.get()
    c = make_company(event, "Charlie " + "très long nom " * 5).representatives.get()
    first, second = meeting(a, b, 0), meeting(a, c, 20)
    text = agenda.icalendar(a, "example.org")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    # Folding at 75 octets (RFC 5545 §3.1).
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    cal = icalendar.Calendar.from_ical(text)
    assert str(cal["X-WR-CALNAME"]) == event.name
    got = [
        (str(e["UID"]), e.decoded("DTSTART"), e.decoded("DTEND"), str(e["SUMMARY"]))
        for e in cal.walk("VEVENT")
    ]
    assert got == [
        (
            f"meeting-{first.pk}@example.org",
            first.slot.start,
            first.slot.end,
            f"{b.full_name} (Beta, Gamma; Delta)",
        ),
        (
            f"meeting-{second.pk}@example.org",
            second.slot.start,
            second.slot.end,
            f"{c.full_name} ({c.company.name})",
        ),
    ]
    assert "UID:meeting-" in text and "SUMMARY:" in text and "Beta\\, Gamma\\; Delta" in text
