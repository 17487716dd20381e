"""Animations in Chromium: a participant registers to a workshop from their area, a full
one puts them on its waiting list; the page works at 360 px; axe-core clean."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_events_journey import REP_PASSWORD, give_password, log_in
from tests.events.animation_helpers import at, make_animation
from tests.events.conftest import make_company, make_event

pytestmark = pytest.mark.django_db(transaction=True)


def test_participant_registers_then_waits(page):
    from civitas.events.models import AnimationRegistration
    from civitas.events.services import animations as svc

    event = make_event("ateliers-2027")
    alice = make_company(event, "Atelier Soleil").representatives.get()
    early = make_company(event, "Early Bird").representatives.get()
    open_one = make_animation(event, "Atelier export", capacity=10)
    full = make_animation(event, "Atelier douane", capacity=1, start=at(14), end=at(15))
    svc.register(full, early)
    give_password(alice.email)

    url = f"/espace/evenements/{event.slug}/animations/"
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, alice.email, REP_PASSWORD, url)
    assert axe_violations(page) == [], page.url
    # No horizontal scrolling at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    export = page.locator("section.animation", has_text="Atelier export")
    export.get_by_role("button", name=re.compile("^(S'inscrire|Register)$")).click()
    expect(page.locator("section.animation", has_text="Atelier export")).to_contain_text(
        re.compile("Inscrit|Registered")
    )
    douane = page.locator("section.animation", has_text="Atelier douane")
    douane.get_by_role(
        "button", name=re.compile("Rejoindre la liste d'attente|Join the waiting list")
    ).click()
    expect(page.locator("section.animation", has_text="Atelier douane")).to_contain_text(
        re.compile("En liste d'attente|On the waiting list")
    )
    assert axe_violations(page) == [], page.url
    statuses = dict(
        AnimationRegistration.objects.filter(representative=alice).values_list(
            "animation__title_fr", "status"
        )
    )
    assert statuses == {"Atelier export": "registered", "Atelier douane": "waiting"}
    assert open_one.pk and full.pk
