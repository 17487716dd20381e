"""Check-in screens: the page without JavaScript, the JSON endpoints of the offline queue."""

import json

import pytest

from tests.events.conftest import make_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def lst(event):
    from civitas.events.services import checkin

    checkin.ensure_lists(event)
    return event.checkin_lists.get(kind="event")


def test_lists_page_creates_lists(client_for, event):
    c = client_for("principal", lang="en")
    url = f"/backoffice/evenements/{event.pk}/accueil/"
    assert "No check-in list yet." in c.get(url).content.decode()
    c.post(url)
    page = c.get(url).content.decode()
    assert event.checkin_lists.count() == 3
    assert "Matin" in page
    # Reachable from the event's tabs.
    assert url in c.get(f"/backoffice/evenements/{event.pk}/").content.decode()


def test_screen_without_javascript(client_for, event, lst):
    rep = make_company(event, "Acme").representatives.first()
    c = client_for("principal", lang="en")
    url = f"/backoffice/evenements/{event.pk}/accueil/{lst.pk}/"
    page = c.get(url)
    assert page.status_code == 200
    assert "'wasm-unsafe-eval'" in page["Content-Security-Policy"]
    answer = c.post(url, {"code": rep.checkin_token, "direction": "entry"}).content.decode()
    assert "VALID" in answer and rep.full_name in answer
    answer = c.post(url, {"code": rep.checkin_token, "direction": "entry"}).content.decode()
    assert "ALREADY IN" in answer and "Already checked in at" in answer
    assert "UNKNOWN CODE" in c.post(url, {"code": "nope", "direction": "entry"}).content.decode()
    # Search and tick.
    found = c.get(url, {"q": "acme"}).content.decode()
    assert rep.full_name in found
    other = make_company(event, "Beta").representatives.first()
    assert "VALID" in c.post(url, {"rep": other.pk}).content.decode()
    assert lst.checkins.count() == 2


def test_snapshot_and_sync(client_for, event, lst):
    rep = make_company(event, "Acme").representatives.first()
    c = client_for("principal", lang="en")
    base = f"/backoffice/evenements/{event.pk}/accueil/{lst.pk}/"
    snap = c.get(base + "liste.json").json()
    assert [p["token"] for p in snap["people"]] == [rep.checkin_token]
    assert snap["people"][0]["registered"] is True
    body = {"device": "phone-1", "scans": [{"client_id": "x1", "code": rep.checkin_token}]}
    r = c.post(base + "scans.json", json.dumps(body), content_type="application/json")
    assert r.json()["results"][0]["status"] == "valid"
    r = c.post(base + "scans.json", json.dumps(body), content_type="application/json")
    assert r.json()["results"][0]["replayed"] is True
    assert lst.checkins.get().device == "phone-1"
    assert c.get(base + "liste.json").json()["people"][0]["in_at"]


@pytest.mark.parametrize(
    "raw", [b"not json", b"[]", b'{"scans": 3}', json.dumps({"scans": [{}] * 501}).encode()]
)
def test_sync_bad_input_is_400(client_for, event, lst, raw):
    c = client_for("principal")
    url = f"/backoffice/evenements/{event.pk}/accueil/{lst.pk}/scans.json"
    assert c.post(url, raw, content_type="application/json").status_code == 400


def test_list_of_another_event_is_404(client_for, event, lst):
    from tests.events.conftest import make_event

    other = make_event("autre")
    c = client_for("principal")
    assert c.get(f"/backoffice/evenements/{other.pk}/accueil/{lst.pk}/").status_code == 404


def test_receptionist_role_only_checks_in(event, lst):
    from django.test import Client

    from civitas.core import accounts, modules
    from civitas.core.models import Role
    from tests.conftest import add_totp, make_user

    modules.ensure_roles(["events"])
    user = make_user("accueil@example.org")
    accounts.grant(user, Role.objects.get(code="event_reception"), ("event", event.pk))
    add_totp(user)
    c = Client()
    c.force_login(user)
    assert c.get(f"/backoffice/evenements/{event.pk}/accueil/{lst.pk}/").status_code == 200
    assert c.get(f"/backoffice/evenements/{event.pk}/inscriptions/").status_code == 403


def test_meeting_outcomes_page(client_for, event, lst):
    import datetime as dt

    from django.utils import timezone

    from civitas.events.models import Meeting, MeetingOutcome, MeetingRequest, Room, Slot

    a = make_company(event, "Alpha").representatives.first()
    b = make_company(event, "Beta").representatives.first()
    req = MeetingRequest.objects.create(event=event, sender=a, recipient=b, state="confirmed")
    slot = Slot.objects.filter(session__day__event=event).order_by("start").first()
    slot.start = timezone.now() - dt.timedelta(hours=1)
    slot.end = slot.start + dt.timedelta(minutes=20)
    slot.save()
    m = Meeting.objects.create(
        event=event, request=req, slot=slot, room=Room.objects.first(), table_number=1
    )
    c = client_for("principal", lang="en")
    url = f"/backoffice/evenements/{event.pk}/rendez-vous-tenus/"
    assert f"No-show: {b.full_name}" in c.get(url).content.decode()
    c.post(url, {"meeting": m.pk, "state": "no_show", "absent": b.pk})
    assert MeetingOutcome.objects.get(meeting=m).absent == b
    assert "Nothing to confirm." in c.get(url).content.decode()
    assert c.post(url, {"meeting": "x", "state": "held"}).status_code == 302


def test_service_worker_scoped_to_the_event_check_in(client_for, event, lst):
    """Served from the check-in address (its scope is the event's check-in pages only),
    never cached by HTTP caches, refused to whoever may not check in; the screen names it."""
    c = client_for("principal", lang="en")
    base = f"/backoffice/evenements/{event.pk}/accueil/"
    r = c.get(base + "hors-ligne.js")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/javascript")
    assert r["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in r
    body = r.content.decode()
    assert f'"civitas-offline-checkin-{event.pk}"' in body
    assert f'"{base}"' in body and '"/static/"' in body
    assert "{{" not in body and "{%" not in body
    assert base + "hors-ligne.js" in c.get(f"{base}{lst.pk}/").content.decode()
    assert client_for("secondary").get(base + "hors-ligne.js").status_code == 403
