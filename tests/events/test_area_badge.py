"""Participant area on the event day: electronic badge, wallet PDF, "was it held?"."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.conftest import make_user
from tests.events.conftest import make_company

pytestmark = pytest.mark.django_db


def _participant(rep, lang="en"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(rep.user)
    c.cookies["django_language"] = lang
    return c


def _started_meeting(event, a, b, minutes_ago=30, published=True):
    from civitas.events.models import Meeting, MeetingRequest, Room, Slot

    req = MeetingRequest.objects.create(event=event, sender=a, recipient=b, state="confirmed")
    slot = Slot.objects.filter(session__day__event=event).order_by("start").first()
    slot.start = timezone.now() - dt.timedelta(minutes=minutes_ago)
    slot.end = slot.start + dt.timedelta(minutes=20)
    slot.save()
    return Meeting.objects.create(
        event=event,
        request=req,
        slot=slot,
        room=Room.objects.filter(site__event=event).first(),
        table_number=Meeting.objects.count() + 1,
        published=published,
    )


def test_badge_page_shows_name_company_and_the_check_in_qr(event):
    from civitas.events.services import convocation

    rep = make_company(event, "Acme").representatives.first()
    page = _participant(rep).get(reverse("events:area_badge", kwargs={"slug": event.slug}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "P0 ACME" in html and "Acme" in html
    assert "<svg" in html and 'aria-label="Check-in QR code"' in html
    assert reverse("events:area_badge_pdf", kwargs={"slug": event.slug}) in html
    # The QR code is the convocation's: the check-in screen finds this person with it.
    assert convocation.qr_payload(rep).endswith(f"/checkin/{rep.checkin_token}/")


def test_wallet_pdf_is_one_phone_sized_page(event):
    rep = make_company(event, "Acme").representatives.first()
    r = _participant(rep).get(reverse("events:area_badge_pdf", kwargs={"slug": event.slug}))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(r.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    # 75 × 140 mm in points, portrait like a phone screen
    assert round(float(box.width) / 72 * 25.4) == 75
    assert round(float(box.height) / 72 * 25.4) == 140
    text = reader.pages[0].extract_text()
    assert "ACME" in text and event.name in text


def test_pending_registration_has_no_valid_badge(event):
    rep = make_company(event, "Pending", validated=False).representatives.first()
    c = _participant(rep)
    page = c.get(reverse("events:area_badge", kwargs={"slug": event.slug})).content.decode()
    assert "awaiting validation" in page and "<svg" not in page
    r = c.get(reverse("events:area_badge_pdf", kwargs={"slug": event.slug}))
    assert r.status_code == 302


def test_not_registered_person_gets_no_badge(event):
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(make_user("stranger@example.org"))
    r = c.get(reverse("events:area_badge_pdf", kwargs={"slug": event.slug}))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/html")


def test_participant_marks_meetings_held_or_not(event):
    from civitas.events.models import MeetingOutcome

    a = make_company(event, "Alpha").representatives.first()
    b = make_company(event, "Beta").representatives.first()
    meeting = _started_meeting(event, a, b)
    url = reverse("events:area_meetings_held", kwargs={"slug": event.slug})
    ca = _participant(a)
    page = ca.get(url).content.decode()
    assert "P0 Beta" in page and "Not answered yet" in page
    r = ca.post(url, {"meeting": meeting.pk, "held": "no"}, follow=True)
    outcome = MeetingOutcome.objects.get(meeting=meeting)
    assert outcome.state == "no_show" and outcome.absent == b and outcome.confirmed_by_rep == a
    assert "the meeting was not held" in r.content.decode()
    # The other party says it was held: the last answer of a party stands.
    _participant(b).post(url, {"meeting": meeting.pk, "held": "yes"})
    outcome.refresh_from_db()
    assert outcome.state == "held" and outcome.absent is None and outcome.confirmed_by_rep == b
    assert "answer of P0 Beta" in ca.get(url).content.decode()


def test_organiser_outcome_is_final_for_the_parties(event):
    from civitas.events.models import MeetingOutcome
    from civitas.events.services import checkin

    a = make_company(event, "Alpha").representatives.first()
    b = make_company(event, "Beta").representatives.first()
    meeting = _started_meeting(event, a, b)
    checkin.mark_no_show(meeting, b, by_user=make_user("org@example.org"))
    url = reverse("events:area_meetings_held", kwargs={"slug": event.slug})
    r = _participant(b).post(url, {"meeting": meeting.pk, "held": "yes"}, follow=True)
    assert "The organiser has already recorded" in r.content.decode()
    assert MeetingOutcome.objects.get(meeting=meeting).state == "no_show"


def test_outsiders_future_and_unpublished_meetings_are_refused(event):
    from civitas.events.models import MeetingOutcome

    a = make_company(event, "Alpha").representatives.first()
    b = make_company(event, "Beta").representatives.first()
    c = make_company(event, "Gamma").representatives.first()
    meeting = _started_meeting(event, a, b)
    url = reverse("events:area_meetings_held", kwargs={"slug": event.slug})
    r = _participant(c).post(url, {"meeting": meeting.pk, "held": "yes"}, follow=True)
    assert "Only a party to the meeting" in r.content.decode()
    assert "P0 Beta" not in _participant(c).get(url).content.decode()
    future = _started_meeting(event, a, c, minutes_ago=-60)
    r = _participant(a).post(url, {"meeting": future.pk, "held": "yes"}, follow=True)
    assert "has not started yet" in r.content.decode()
    draft = _started_meeting(event, b, c, published=False)
    assert _participant(b).post(url, {"meeting": draft.pk, "held": "yes"}).status_code == 404
    assert _participant(b).post(url, {"meeting": "x", "held": "yes"}).status_code == 404
    r = _participant(a).post(url, {"meeting": meeting.pk, "held": "maybe"}, follow=True)
    assert "Choose" in r.content.decode()
    assert not MeetingOutcome.objects.exists()
