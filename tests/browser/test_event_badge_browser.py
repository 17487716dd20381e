"""The participant's electronic badge and "were my meetings held?" in Chromium, on a 360 px
phone (with the application's CSP) and at 1280 px: no horizontal scroll, the QR code fits
the screen, axe-core finds no serious violation, the answer is recorded."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_checkin_offline import _phone, log_in
from tests.events.conftest import make_company, make_event

pytestmark = pytest.mark.django_db(transaction=True)


def _setup():
    from civitas.events.models import Meeting, MeetingRequest, Room, Slot

    event = make_event("badge-web")
    a = make_company(event, "Alpha Usinage").representatives.first()
    b = make_company(event, "Beta Tôlerie").representatives.first()
    req = MeetingRequest.objects.create(event=event, sender=a, recipient=b, state="confirmed")
    slot = Slot.objects.filter(session__day__event=event).order_by("start").first()
    slot.start = timezone.now() - dt.timedelta(minutes=40)
    slot.end = slot.start + dt.timedelta(minutes=20)
    slot.save()
    meeting = Meeting.objects.create(
        event=event,
        request=req,
        slot=slot,
        room=Room.objects.filter(site__event=event).first(),
        table_number=4,
        published=True,
    )
    return event, a, meeting


@pytest.mark.parametrize("width", [360, 1280])
def test_badge_and_meetings_held(browser, live_server, width):
    from civitas.events.models import MeetingOutcome

    event, rep, meeting = _setup()
    context, page = _phone(browser, live_server, bypass_csp=False)
    try:
        page.set_viewport_size({"width": width, "height": 800})
        log_in(context, live_server, rep.user)
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"/espace/evenements/{event.slug}/badge/")
        expect(page.locator(".e-badge-name")).to_have_text("P0 ALPHA USINAGE")
        qr = page.locator(".e-badge-qr svg")
        box = qr.bounding_box()
        assert box["width"] >= 200 and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"evenements-badge-electronique-{width}.png")
        assert not [e for e in errors if "Content Security Policy" in e]
        page.get_by_role("link", name="Mes rendez-vous ont-ils eu lieu ?").click()
        row = page.locator(f"#meeting-{meeting.pk}")
        expect(row).to_contain_text("Beta Tôlerie")
        screenshot(page, f"evenements-rendez-vous-tenus-{width}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        row.get_by_role("button", name="Tenu").first.click()
        expect(page.locator(f"#meeting-{meeting.pk}")).to_contain_text("votre réponse")
        assert MeetingOutcome.objects.get(meeting=meeting).state == "held"
    finally:
        context.close()


def test_badge_pages_accessibility(browser, live_server):
    event, rep, _meeting = _setup()
    context, page = _phone(browser, live_server, bypass_csp=True)
    try:
        log_in(context, live_server, rep.user)
        for path in ("badge/", "rendez-vous-tenus/"):
            page.goto(f"/espace/evenements/{event.slug}/{path}")
            assert axe_violations(page) == [], path
    finally:
        context.close()
