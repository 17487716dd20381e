"""Defects found while using the demo as organisers and participants would (QA pass)."""

import pytest
from django.urls import reverse

from civitas.core.models import Role, RoleAssignment
from civitas.core.permissions import clear_cache
from civitas.events.models import KeyFigure, MeetingRequest, Offer, Session, Slot

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db


def test_slots_and_sessions_read_day_first():
    event = make_event("dates")
    slot = Slot.objects.filter(session__day__event=event).order_by("start").first()
    assert str(slot) == "10/03/2027 09:00–09:20"
    assert str(Session.objects.get(day__event=event)) == "10/03/2027 Matin"


def test_registration_form_names_sessions_by_day_and_hours(client):
    event = make_event("inscription")
    html = client.get(reverse("events:register", kwargs={"slug": event.slug})).content.decode()
    assert "10/03/2027 · Matin (09:00–10:00)" in html
    assert "2027-03-10 Matin" not in html


def test_offer_form_shows_key_figures_only_when_the_event_has_some(client):
    event = make_event("chiffres")
    url = reverse("events:register", kwargs={"slug": event.slug})
    assert 'name="offer-0-key_figures"' not in client.get(url).content.decode()
    KeyFigure.objects.create(event=event, label_fr="CA > 10 M€")
    assert 'name="offer-0-key_figures"' in client.get(url).content.decode()


def test_offer_edit_without_key_figures_keeps_working(client):
    event = make_event("offres")
    company = make_company(event, "Alpha", offers=[("offer", "Robots", ["robotique"])])
    offer = company.offers.get()
    client.force_login(company.representatives.get().user)
    url = reverse("events:area_offer", kwargs={"slug": event.slug, "pk": offer.pk})
    r = client.post(url, {"kind": "offer", "title": "Robots soudeurs", "description": "x"})
    assert r.status_code == 302
    assert Offer.objects.get(pk=offer.pk).title == "Robots soudeurs"


def test_manual_place_button_says_place_not_location(client_for):
    event = make_event("placer")
    a = make_company(event, "Alpha").representatives.get()
    b = make_company(event, "Beta").representatives.get()
    req = MeetingRequest.objects.create(
        event=event, sender=a, recipient=b, state=MeetingRequest.State.CONFIRMED
    )
    url = reverse("events:bo_meeting_place", kwargs={"pk": event.pk, "req_pk": req.pk})
    html = client_for("principal").get(url).content.decode()  # French interface
    assert ">Lieu</button>" not in html
    assert "Placer un rendez-vous</button>" in html


def test_event_tabs_mark_the_current_page_and_offer_the_form_to_managers(client_for, client):
    from tests.conftest import add_totp, make_user

    event = make_event("onglets")
    principal = client_for("principal", lang="en")
    html = principal.get(reverse("events:bo_requests", kwargs={"pk": event.pk})).content.decode()
    assert 'aria-current="page">Requests</a>' in html
    form_url = reverse("events:bo_regform", kwargs={"pk": event.pk})
    assert f'href="{form_url}"' in html
    html = principal.get(form_url).content.decode()
    assert 'aria-current="page">Registration form</a>' in html
    # Someone who may only read registrations of this event is not offered the form.
    role = Role.objects.create(
        code="event_reader",
        name="Lecture des inscriptions",
        permissions=["core.access_backoffice", "events.view_registrations"],
    )
    user = make_user("lecteur@example.org")
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=event.pk)
    add_totp(user)
    clear_cache(user)
    client.force_login(user)
    r = client.get(reverse("events:bo_registrations", kwargs={"pk": event.pk}))
    assert r.status_code == 200
    assert f'href="{form_url}"' not in r.content.decode()
    assert client.get(form_url).status_code == 403
