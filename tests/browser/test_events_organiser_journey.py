"""The organiser in control (issue 32), end to end in Chromium at 1280 and 360 px with
axe-core: correct a registration's offer, withdraw a validated company (its partner told,
its meeting cancelled), run the scheduling and read why a request was not placed (in
French), find the unplaced request and place it by hand despite the absence, with a reason.
Then the main back-office pages at 360 px: nothing to scroll sideways, the menu behind its
button, the person first on the check-in page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_events_journey import log_in
from tests.conftest import PASSWORD, make_user
from tests.events.conftest import make_company, make_event

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


WIDER = """(width) => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .filter(e => !e.closest('.table-wrap') || e.classList.contains('table-wrap'))
    .slice(0, 8)
    .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def assert_fits(page, width=360):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, (page.url, scroll, page.evaluate(WIDER, width))


def _world():
    from civitas.events.models import MeetingRequest, Slot
    from civitas.events.services import manual

    event = make_event("salon-organisateur", tables=4)
    alpha = make_company(event, "Alpha Usinage", offers=[("offer", "Usinage de précision", [])])
    beta = make_company(event, "Beta Logistique")
    gamma = make_company(event, "Gamma Énergie")
    a, b, g = (c.representatives.get() for c in (alpha, beta, gamma))
    slots = list(Slot.objects.filter(session__day__event=event).order_by("start"))
    confirmed = MeetingRequest.State.CONFIRMED
    ab = MeetingRequest.objects.create(event=event, sender=a, recipient=b, state=confirmed)
    manual.place_request(ab, slots[0])  # published: both told
    # Gamma does not attend the only session: the scheduler cannot place this request.
    g.absent_sessions.add(slots[0].session)
    ag = MeetingRequest.objects.create(event=event, sender=a, recipient=g, state=confirmed)
    return event, alpha, beta, a, b, g, ag, slots


def test_organiser_corrects_withdraws_and_places_the_unplaced(page, browser, live_server):
    from civitas.core.outbox.models import Message
    from civitas.events.models import Company, Meeting

    event, alpha, beta, a, b, g, ag, slots = _world()
    make_user("principal@example.org", role_code="principal_admin")
    base = f"/backoffice/evenements/{event.pk}"
    detail = f"{base}/inscriptions/{alpha.pk}/"
    log_in(page, "principal@example.org", PASSWORD, detail, totp=True)

    # 1. The organiser reads the offer and corrects it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Alpha Usinage")
    assert_accessible(page)
    page.get_by_role("link", name="Corriger — Usinage de précision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Usinage de précision")
    page.get_by_label(re.compile(r"^Titre")).fill("Usinage 5 axes de précision")
    page.get_by_label(re.compile(r"^Description")).fill("Pièces aéronautiques, séries courtes.")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_text("L’offre ou la demande est enregistrée.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Usinage 5 axes"))).to_be_visible()
    expect(page.get_by_text("Pièces aéronautiques, séries courtes.")).to_be_visible()
    screenshot(page, "evenements-organisateur-inscription.png")

    # 2. Beta Logistique is withdrawn: the confirmation says what happens to its meeting.
    page.goto(f"{base}/inscriptions/{beta.pk}/")
    page.locator("div.actions").get_by_role("link", name=re.compile(r"^Retirer")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Beta Logistique")
    expect(page.get_by_text("1 rendez-vous planifié est annulé.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Retirer l'inscription").click()
    # The reason is required for a validated company: nothing happens without it.
    expect(page.locator(".error-summary")).to_be_visible()
    assert Meeting.objects.get(request__sender=a, request__recipient=b).state == "scheduled"
    page.get_by_label(re.compile(r"^Motif")).fill("Entreprise en liquidation.")
    screenshot(page, "evenements-organisateur-retrait.png")
    page.get_by_role("button", name="Retirer l'inscription").click()
    page.wait_for_url(f"**{base}/inscriptions/**")
    beta.refresh_from_db()
    assert beta.status == Company.Status.REJECTED
    assert Meeting.objects.get(request__sender=a, request__recipient=b).state == "cancelled"
    told = Message.objects.filter(to=a.email, template_code__contains="cancel")
    assert told.exists(), list(Message.objects.values_list("to", "template_code"))

    # 3. The scheduling says, in French, why the request with Gamma is not placed.
    page.goto(f"{base}/planification/")
    page.get_by_role("button", name="Lancer la planification").click()
    expect(page.get_by_text("Non planifiés, avec le motif")).to_be_visible()
    reason = re.compile(r"P0 Gamma Énergie \(Gamma Énergie\) est absent sur 3 des 3 créneaux")
    expect(page.get_by_text(reason)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "evenements-organisateur-motif.png")

    # 4. The requests list finds the confirmed request not placed; the organiser places
    # it by hand despite the absence, with a reason.
    page.goto(f"{base}/demandes/?state=unplaced")
    row = page.get_by_role("row").filter(has_text="P0 Gamma Énergie")
    row.get_by_role("link", name="Placer un rendez-vous").click()
    page.get_by_label("Créneau").select_option(value=str(slots[1].pk))
    page.get_by_role("button", name="Placer un rendez-vous").click()
    expect(page.locator(".error-summary")).to_contain_text("ne participe pas à la session")
    page.get_by_label(re.compile(r"^Placer quand même")).check()
    page.get_by_role("button", name="Placer un rendez-vous").click()
    expect(
        page.get_by_text("Indiquez le motif du placement du rendez-vous malgré une absence.")
    ).to_be_visible()
    page.get_by_label(re.compile(r"^Motif du placement")).fill("Vient finalement le matin.")
    assert_accessible(page)
    screenshot(page, "evenements-organisateur-placement.png")
    page.get_by_role("button", name="Placer un rendez-vous").click()
    expect(page.get_by_text(re.compile(r"^Rendez-vous placé"))).to_be_visible()
    meeting = Meeting.objects.get(request=ag, state="scheduled")
    assert meeting.absence_override == "Vient finalement le matin."
    page.goto(f"{base}/agenda/{g.pk}/")
    expect(page.get_by_text("placé malgré une absence")).to_be_visible()
    expect(page.get_by_text("Vient finalement le matin.")).to_be_visible()
    assert_accessible(page)


def test_back_office_pages_fit_a_phone(page, browser, live_server):
    """The main back-office pages at 360 px: no sideways scrolling, content first, the menu
    behind its button, axe-core clean; the check-in card starts with the person."""
    from civitas.events.services import manual

    event, alpha, beta, a, b, g, ag, slots = _world()
    manual.place_request(ag, slots[1], absence_reason="Vient finalement le matin.")
    make_user("principal@example.org", role_code="principal_admin")
    base = f"/backoffice/evenements/{event.pk}"
    detail = f"{base}/inscriptions/{alpha.pk}/"
    log_in(page, "principal@example.org", PASSWORD, detail, totp=True)
    phone = browser.new_context(
        base_url=live_server.url,
        bypass_csp=True,
        locale="fr-FR",
        viewport={"width": 360, "height": 780},
        storage_state=page.context.storage_state(),
    )
    try:
        p = phone.new_page()
        p.set_default_timeout(15000)
        pages = {
            "registrations": f"{base}/inscriptions/",
            "registration": detail,
            "requests": f"{base}/demandes/",
            "scheduling": f"{base}/planification/",
            "agenda": f"{base}/agenda/{g.pk}/",
            "agendas": f"{base}/agendas/",
            "checkin": f"{base}/checkin/{a.checkin_token}/",
        }
        for name, url in pages.items():
            p.goto(url)
            assert_fits(p)
            assert_accessible(p)
            heading = p.get_by_role("heading", level=1)
            # The page's own content first: its title within the first screen (under the
            # site header and the two menu buttons, never under the menus' links).
            assert heading.bounding_box()["y"] < 600, (name, heading.bounding_box())
            menu = p.locator("#bo-nav summary")
            expect(menu).to_be_visible()
            expect(p.locator("#bo-nav ul").first).to_be_hidden()
        # The check-in card opened from a convocation QR: the person at the very top.
        p.goto(pages["checkin"])
        expect(p.get_by_role("heading", level=1)).to_have_text(a.full_name)
        # Right under the site header and the Menu button: nothing else comes first.
        first = p.locator("main#content > *:not(.messages)").first
        assert first.evaluate("e => e.tagName") == "H1"
        assert p.get_by_role("heading", level=1).bounding_box()["y"] < 450
        screenshot(p, "evenements-organisateur-accueil-360.png")
        # The menu opens without JavaScript (a <details>).
        p.goto(pages["requests"])
        p.locator("#bo-nav summary").click()
        expect(p.locator("#bo-nav ul").first).to_be_visible()
        assert_fits(p)
        p.locator("#bo-nav summary").click()
        # Requests as cards: the row's cells stacked, each with its label.
        card = p.get_by_role("row").filter(has_text="P0 Gamma Énergie").first
        box = card.bounding_box()
        assert box["width"] <= 360
        screenshot(p, "evenements-organisateur-demandes-360.png")
        p.goto(pages["agenda"])
        assert_fits(p)
        screenshot(p, "evenements-organisateur-agenda-360.png")
    finally:
        phone.close()
