"""Both ways of getting meetings, in Chromium at 1280 and 360 px: the request form with its
three steps and preferred sessions, the suggestions in words, the sessions page asking for
confirmation before cancelling a meeting (axe-core on each page); then the same
confirmation with JavaScript off."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_events_journey import REP_PASSWORD, give_password, log_in
from tests.events.conftest import make_company, make_event

pytestmark = pytest.mark.django_db(transaction=True)


def test_request_both_ways_suggestions_and_sessions_without_javascript(browser, live_server):
    from civitas.events.models import Meeting, MeetingRequest, Session
    from civitas.events.services import manual, setup

    event = make_event("deux-voies-2027", mode="both")
    morning = Session.objects.get(day__event=event)
    afternoon = Session.objects.create(
        day=morning.day, name="Après-midi", start_time=dt.time(14), end_time=dt.time(15)
    )
    setup.generate_slots(afternoon)
    sector = event.sectors.get(code="C")
    alice = make_company(
        event,
        "Atelier Soleil",
        sector=sector,
        offers=[("request", "Emballage bio", ["emballage"])],
    ).representatives.get()
    bruno = make_company(
        event,
        "Cartonnerie Nord",
        sector=sector,
        offers=[("offer", "Emballages compostables", ["emballage"])],
    ).representatives.get()
    carla = make_company(event, "Cuisines Sud").representatives.get()
    req = MeetingRequest.objects.create(
        event=event, sender=alice, recipient=carla, state=MeetingRequest.State.CONFIRMED
    )
    manual.place_request(req, morning.slots.first())
    give_password(alice.email)

    for width in (1280, 360):
        context = browser.new_context(
            base_url=live_server.url,
            bypass_csp=True,
            locale="fr-FR",
            viewport={"width": width, "height": 900},
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        base = f"/espace/evenements/{event.slug}/"
        log_in(page, alice.email, REP_PASSWORD, base + "suggestions/")
        expect(page.locator(".suggestions")).to_contain_text(
            "Vous recherchez « Emballage bio » ; Cartonnerie Nord propose "
            "« Emballages compostables » (mots-clés communs : emballage)."
        )
        expect(page.locator(".suggestions")).not_to_contain_text("Cuisines Sud")
        assert axe_violations(page) == [], page.url
        screenshot(page, f"evenements-suggestions-{width}.png")

        page.goto(f"{base}demandes/nouvelle/{bruno.pk}/")
        expect(page.locator(".steps")).to_contain_text("Vous confirmez")
        expect(page.locator("select[name=slot]")).to_be_visible()
        assert axe_violations(page) == [], page.url
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"evenements-demande-deux-voies-{width}.png")

        page.goto(base + "disponibilites/")
        page.get_by_label("Matin", exact=False).uncheck()
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator("#confirm-cancel")).to_contain_text("Cuisines Sud")
        assert axe_violations(page) == [], page.url
        screenshot(page, f"evenements-sessions-confirmation-{width}.png")
        context.close()
    # JavaScript off (the chamber's old workstations): the confirmation is a plain page.
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    log_in(page, alice.email, REP_PASSWORD, base + "disponibilites/")
    page.get_by_label("Matin", exact=False).uncheck()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#confirm-cancel")).to_contain_text("Cuisines Sud")
    assert Meeting.objects.filter(request=req, state="scheduled").exists()
    page.get_by_role("button", name="Confirmer et annuler ces rendez-vous").click()
    page.wait_for_url(f"**{base}agenda/")
    assert not Meeting.objects.filter(request=req, state="scheduled").exists()
    context.close()
