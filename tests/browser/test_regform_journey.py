"""The newcomer's journey in Chromium, at 1280 and 360 px, with axe-core on each page:
public home → event → registration with errors (one summary, nothing lost) → a representative
added and removed without reloading → thank-you → first password from the mail's link →
"Mon espace" → a request answered on a phone. The same journey works with JavaScript off."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.events.conftest import make_company, make_event

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Rendez-vous-Strasbourg-2027"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def site(db):
    from civitas.cms.setup import ensure_homepage

    ensure_homepage()


@pytest.fixture
def context_for(browser, live_server):
    contexts = []

    def make(js=True, viewport=None):
        context = browser.new_context(
            base_url=live_server.url,
            bypass_csp=True,
            locale="fr-FR",
            java_script_enabled=js,
            viewport=viewport or {"width": 1280, "height": 900},
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        return page

    yield make
    for context in contexts:
        context.close()


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def fill_company(page):
    page.get_by_label(re.compile(r"^Raison sociale")).fill("Atelier Lumière")
    page.get_by_label(re.compile(r"^Pays")).select_option(label="Allemagne")
    page.get_by_label(re.compile(r"^Numéro de TVA")).fill("DE136695976")
    rep1 = page.get_by_role("group", name="Représentant 1")
    rep1.get_by_label(re.compile(r"^Prénom")).fill("Alice")
    rep1.get_by_label(re.compile(r"^Nom\W*$")).fill("Martin")
    rep1.get_by_label(re.compile(r"^Adresse e-mail")).fill("alice@atelier-lumiere.example")
    offer = page.get_by_role("group", name="Offre ou demande 1")
    offer.get_by_label(re.compile(r"^Offre ou demande\W*$")).select_option(label="Offre")
    offer.get_by_label(re.compile(r"^Titre")).fill("Éclairage LED pour bâtiments publics")


def first_password_link(email):
    from civitas.core.outbox.models import Message

    body = Message.objects.get(to=email, template_code="events.registration_received").body_text
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", body)[1]


def choose_password(page, path):
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisissez votre mot de passe")
    new = page.locator("input[type=password]")
    if new.count() < 2:  # say what the page shows instead of timing out blindly
        pytest.fail(f"no password form at {page.url}: {page.locator('main').inner_text()}")
    new.nth(0).fill(PASSWORD)
    new.nth(1).fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    page.wait_for_url("**/espace/")


def a_request_for(event, email):
    from civitas.events.models import Representative
    from civitas.events.services import meetings, registration

    registration.validate_registration(
        Representative.objects.get(company__event=event, email=email).company
    )
    me = Representative.objects.select_related("company").get(company__event=event, email=email)
    other = make_company(event, "Brasserie Nord", validated=True, reps=1)
    sender = other.representatives.get()
    return meetings.send_request(sender, me, "Nous aimerions goûter à vos luminaires.")


def answer_on_a_phone(page, event, req, shot=None):
    from civitas.events.models import MeetingRequest

    page.set_viewport_size(PHONE)
    page.goto(f"/espace/evenements/{event.slug}/")
    accept = page.get_by_role("button", name=re.compile(r"^Accepter"))
    expect(accept.first).to_be_visible()
    assert no_sideways_scroll(page)
    if shot:
        assert_accessible(page)
        screenshot(page, shot)
    accept.first.click()
    expect(page.get_by_text("C’est fait.")).to_be_visible()
    req.refresh_from_db()
    assert req.state == MeetingRequest.State.ACCEPTED


def test_newcomer_journey(context_for, site):
    from civitas.events.models import Company

    event = make_event("convention-2027")
    page = context_for()

    # The public home leads to the event, and the event to its registration.
    page.goto("/")
    page.get_by_role("link", name=event.name).first.click()
    page.get_by_role("link", name=re.compile("inscri", re.I)).first.click()
    page.wait_for_url(f"**/evenements/{event.slug}/inscription/")
    assert_accessible(page)
    expect(page.locator("#required-legend")).to_be_visible()

    # Errors: one summary at the top, focused, linking to each faulty field; nothing lost.
    fill_company(page)
    rep1 = page.get_by_role("group", name="Représentant 1")
    rep1.get_by_label(re.compile(r"^Téléphone mobile")).fill("12")
    page.get_by_role("button", name="Envoyer mon inscription").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_count(1)
    expect(links.first).to_contain_text("Représentant 1")
    expect(page.get_by_label(re.compile(r"^Raison sociale"))).to_have_value("Atelier Lumière")
    assert_accessible(page)
    screenshot(page, "evenements-inscription-erreurs.png")
    links.first.click()
    expect(rep1.get_by_label(re.compile(r"^Téléphone mobile"))).to_be_focused()
    rep1.get_by_label(re.compile(r"^Téléphone mobile")).fill("06 12 34 56 78")

    # A representative added without reloading (the marker survives), then one removed.
    page.evaluate("window.__same_page = true")
    page.get_by_role("button", name="Ajouter un représentant").click()
    rep2 = page.get_by_role("group", name="Représentant 2")
    expect(rep2).to_be_visible()
    expect(rep2.get_by_label(re.compile(r"^Prénom"))).to_be_focused()
    page.get_by_role("button", name="Ajouter un représentant").click()
    rep3 = page.get_by_role("group", name="Représentant 3")
    rep3.get_by_label(re.compile(r"^Prénom")).fill("Temporaire")
    rep3.get_by_role("button", name=re.compile("Retirer ce représentant")).click()
    expect(page.get_by_role("group", name="Représentant 3")).to_have_count(0)
    assert page.evaluate("window.__same_page === true")
    rep2.get_by_label(re.compile(r"^Prénom")).fill("Bruno")
    rep2.get_by_label(re.compile(r"^Nom\W*$")).fill("Petit")
    rep2.get_by_label(re.compile(r"^Adresse e-mail")).fill("bruno@atelier-lumiere.example")
    assert_accessible(page)
    screenshot(page, "evenements-inscription.png")
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Envoyer mon inscription").click()
    page.wait_for_url(f"**/evenements/{event.slug}/inscription/merci/")
    expect(page.get_by_role("link", name="Aller à mon espace participant")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "evenements-inscription-merci.png")
    company = Company.objects.get(event=event, name="Atelier Lumière")
    assert company.country.code == "DE"
    assert sorted(company.representatives.values_list("phone", flat=True)) == [
        "",
        "+33612345678",
    ]

    # The first password from the mail's link, then "Mon espace" and the event in it.
    choose_password(page, first_password_link("alice@atelier-lumiere.example"))
    expect(page.get_by_role("link", name=re.compile(event.name)).first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "evenements-mon-espace.png")

    # A request arrives once validated; Alice answers it on her phone.
    req = a_request_for(event, "alice@atelier-lumiere.example")
    answer_on_a_phone(page, event, req, shot="evenements-demande-mobile.png")


def test_journey_without_javascript(context_for, site):
    from civitas.events.models import Company

    event = make_event("salon-sans-js")
    page = context_for(js=False)
    page.goto(f"/evenements/{event.slug}/inscription/")
    fill_company(page)
    # The "add" button submits the form: it comes back with one more block, data kept.
    page.get_by_role("button", name="Ajouter un représentant").click()
    rep2 = page.get_by_role("group", name="Représentant 2")
    expect(rep2).to_be_visible()
    expect(page.get_by_label(re.compile(r"^Raison sociale"))).to_have_value("Atelier Lumière")
    expect(page.locator("#error-summary")).to_have_count(0)
    rep2.get_by_label(re.compile(r"^Prénom")).fill("Bruno")
    rep2.get_by_label(re.compile(r"^Nom\W*$")).fill("Petit")
    rep2.get_by_label(re.compile(r"^Adresse e-mail")).fill("bruno-at-atelier")  # an error
    page.get_by_role("button", name="Envoyer mon inscription").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(rep2.get_by_label(re.compile(r"^Adresse e-mail"))).to_have_value("bruno-at-atelier")
    rep2.get_by_label(re.compile(r"^Adresse e-mail")).fill("bruno@atelier-lumiere.example")
    page.get_by_role("button", name="Envoyer mon inscription").click()
    page.wait_for_url(f"**/evenements/{event.slug}/inscription/merci/")
    company = Company.objects.get(event=event)
    assert company.representatives.count() == 2

    choose_password(page, first_password_link("alice@atelier-lumiere.example"))
    req = a_request_for(event, "alice@atelier-lumiere.example")
    answer_on_a_phone(page, event, req)
