""" "Mon espace": a participant lands on their events and what waits for them."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from civitas.events.models import Event, MeetingRequest
from civitas.events.services import meetings, messaging

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db
State = MeetingRequest.State


def _client(user):
    c = Client()
    c.force_login(user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return c


def test_my_space_lists_events_and_pending_actions():
    event = make_event("mon-espace")
    past = make_event("ancien")
    Event.objects.filter(pk=past.pk).update(
        start_date=dt.date(2020, 5, 4), end_date=dt.date(2020, 5, 4)
    )
    alpha = make_company(event, "Alpha").representatives.get()
    beta = make_company(event, "Beta").representatives.get()
    gamma = make_company(event, "Gamma").representatives.get()
    delta = make_company(event, "Delta").representatives.get()
    assert alpha.user is not None
    # Alpha in the past event too, under the same account.
    old = make_company(past, "Alpha Old").representatives.get()
    old.user = alpha.user
    old.save()
    # Two requests for Alpha to answer, one accepted request of Alpha's to confirm.
    meetings.send_request(beta, alpha, message="Hello")
    meetings.send_request(gamma, alpha, message="Hi")
    req = meetings.send_request(alpha, delta, message="Us?")
    meetings.accept_request(req, by=delta)
    messaging.post_to_meeting(req, delta, "See you there")

    page = _client(alpha.user).get(reverse("core:area_home"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "My space" in html and "Salon mon-espace" in html and "Salon ancien" in html
    # The coming event comes before the past one.
    assert html.index("Salon mon-espace") < html.index("Salon ancien")
    assert "2 meeting requests to answer" in html
    assert "1 accepted meeting to confirm" in html
    assert "1 unread message" in html
    assert "4 actions wait for you." in html
    assert reverse("events:area_home", kwargs={"slug": "mon-espace"}) in html
    assert reverse("core:area_account") in html

    # Delta has nothing to do; the page says so and counts no action.
    other = _client(delta.user).get(reverse("core:area_home")).content.decode()
    assert "Nothing waits for you here." in other and "wait for you." not in other


def test_rejected_company_is_not_listed(users):
    event = make_event("refus")
    company = make_company(event, "Delta")
    rep = company.representatives.get()
    from civitas.events.services import registration

    registration.reject_registration(company, reason="Hors sujet")
    html = _client(rep.user).get(reverse("core:area_home")).content.decode()
    assert "Salon refus" not in html
    assert "Nothing here yet" in html
