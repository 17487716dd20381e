"""Business events, end to end in Chromium: registration, validation, a meeting request,
scheduling, both agendas and the back-office export, with axe-core on each page."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import (
    PASSWORD,
    TOTP_SECRET,
    make_user,
    set_password_through_reset_link,
    totp_code,
)
from tests.events.conftest import make_company, make_event

pytestmark = pytest.mark.django_db(transaction=True)

REP_PASSWORD = "Rendez-vous-Paris-2027"


@pytest.fixture
def site(db):
    from civitas.cms.setup import ensure_homepage

    ensure_homepage()


@pytest.fixture
def new_page(browser, live_server):
    """Another browser session (its own cookies), configured like the `page` fixture."""
    contexts = []

    def make():
        context = browser.new_context(
            base_url=live_server.url,
            bypass_csp=True,
            locale="fr-FR",
            viewport={"width": 1280, "height": 900},
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def log_in(page, email, password, next_url, totp=False):
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Connexion").click()
    if totp:
        page.wait_for_url("**/accounts/2fa/authenticate/**")
        page.get_by_label("Code").fill(totp_code(TOTP_SECRET))
        page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"**{next_url}")


def give_password(email):
    """The representative follows the set-password link mailed at registration (the real
    password-reset flow, which also proves the address)."""
    set_password_through_reset_link(email, REP_PASSWORD)


def test_registration_to_published_agenda_and_export(page, new_page, site):
    from civitas.events.models import Company

    event = make_event("salon-2027")
    admin = make_user("principal@example.org", role_code="principal_admin")
    assert admin.pk

    # 1. A visitor registers a company with two representatives.
    page.goto(f"/evenements/{event.slug}/inscription/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrire votre entreprise")
    page.get_by_label("Raison sociale").fill("Atelier Lumière")
    page.get_by_label("Pays").select_option("FR")
    page.get_by_label("SIRET").fill("73282932000074")
    rep1 = page.get_by_role("group", name="Représentant 1")
    rep1.get_by_label("Prénom").fill("Alice")
    rep1.get_by_label(re.compile(r"^Nom\W*$")).fill("Martin")
    rep1.get_by_label("Adresse e-mail").fill("alice@atelier-lumiere.example")
    rep1.get_by_label("Téléphone mobile").fill("+33612345678")
    page.get_by_role("button", name="Ajouter un représentant").click()
    rep2 = page.get_by_role("group", name="Représentant 2")
    expect(rep2).to_be_visible()
    expect(rep1.get_by_label("Prénom")).to_have_value("Alice")
    rep2.get_by_label("Prénom").fill("Bruno")
    rep2.get_by_label(re.compile(r"^Nom\W*$")).fill("Petit")
    rep2.get_by_label("Adresse e-mail").fill("bruno@atelier-lumiere.example")
    offer = page.get_by_role("group", name="Offre ou demande 1")
    offer.get_by_label(re.compile(r"^Offre ou demande\W*$")).select_option(label="Offre")
    offer.get_by_label("Titre").fill("Éclairage LED pour bâtiments publics")
    assert_accessible(page)
    screenshot(page, "evenements-inscription.png")
    page.get_by_role("button", name="Envoyer mon inscription").click()
    page.wait_for_url(f"**/evenements/{event.slug}/inscription/merci/")
    assert_accessible(page)
    atelier = Company.objects.get(event=event, name="Atelier Lumière")
    assert atelier.status == Company.Status.REGISTERED
    assert atelier.representatives.count() == 2

    # A second company (through the service, to save time), awaiting validation too.
    brasserie = make_company(event, "Brasserie Nord", validated=False, reps=1)
    assert brasserie.status == Company.Status.REGISTERED

    # 2. The administrator logs in (password + TOTP) and validates both registrations.
    admin_page = new_page()
    registrations = f"/backoffice/evenements/{event.pk}/inscriptions/"
    log_in(admin_page, "principal@example.org", PASSWORD, registrations, totp=True)
    assert_accessible(admin_page)
    for name in ("Atelier Lumière", "Brasserie Nord"):
        row = admin_page.get_by_role("row").filter(has_text=name)
        row.get_by_role("button", name="Valider").click()
        expect(
            admin_page.get_by_role("row")
            .filter(has_text=name)
            .get_by_role("button", name="Valider")
        ).to_have_count(0)
    atelier.refresh_from_db()
    brasserie.refresh_from_db()
    assert atelier.status == brasserie.status == Company.Status.VALIDATED

    # 3. Alice (Atelier Lumière) chooses a password, finds Brasserie Nord in the catalogue
    # and requests a meeting.
    give_password("alice@atelier-lumiere.example")
    give_password("p0@brasserienord.example")
    catalogue = f"/evenements/{event.slug}/participants/"
    log_in(page, "alice@atelier-lumiere.example", REP_PASSWORD, catalogue)
    expect(page.get_by_role("link", name="Brasserie Nord")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "evenements-catalogue.png")
    page.get_by_role("link", name="Brasserie Nord").click()
    page.get_by_role("link", name="Demander un rendez-vous").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Brasserie Nord")
    assert_accessible(page)
    page.get_by_label("Message").fill("Nous aimerions vous présenter nos luminaires.")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url(f"**/espace/evenements/{event.slug}/")
    expect(page.get_by_text("Votre demande a été envoyée.")).to_be_visible()
    assert_accessible(page)

    # 4. The Brasserie's representative logs in and accepts.
    bob_page = new_page()
    area = f"/espace/evenements/{event.slug}/"
    log_in(bob_page, "p0@brasserienord.example", REP_PASSWORD, area)
    received = bob_page.get_by_role("table", name="Demandes reçues")
    received.get_by_role("row").filter(has_text="Alice Martin").get_by_role(
        "button", name="Accepter"
    ).click()
    expect(bob_page.get_by_text("C’est fait.")).to_be_visible()

    # 5. Alice confirms.
    page.reload()
    sent = page.get_by_role("table", name="Demandes envoyées")
    row = sent.get_by_role("row").filter(has_text="Brasserie Nord")
    expect(row.get_by_role("button", name="Confirmer")).to_be_visible()
    screenshot(page, "evenements-demandes.png")
    row.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text("C’est fait.")).to_be_visible()
    expect(
        page.get_by_role("table", name="Demandes envoyées")
        .get_by_role("row")
        .filter(has_text="Brasserie Nord")
    ).to_contain_text("Confirmée")

    # 6. The administrator runs the scheduling, then publishes.
    admin_page.goto(f"/backoffice/evenements/{event.pk}/planification/")
    assert_accessible(admin_page)
    admin_page.get_by_role("button", name="Lancer la planification").click()
    expect(admin_page.get_by_text("Planification lancée.")).to_be_visible()
    meetings = admin_page.get_by_role("table", name="Rendez-vous planifiés")
    expect(meetings.get_by_role("row").filter(has_text="Alice Martin")).to_contain_text(
        "Brasserie Nord"
    )
    admin_page.get_by_role("button", name="Publier le brouillon et prévenir tout le monde").click()
    # The count of messages first, then the confirmation.
    assert_accessible(admin_page)
    admin_page.get_by_role("button", name="Publier et envoyer les 2 messages").click()
    expect(
        admin_page.get_by_role("table", name="Rendez-vous planifiés")
        .get_by_role("row")
        .filter(has_text="Alice Martin")
    ).to_contain_text("publié")
    assert_accessible(admin_page)
    screenshot(admin_page, "evenements-planification.png")

    # 7. Both agendas show the meeting with its time, room and table.
    from civitas.events.models import Meeting

    meeting = Meeting.objects.get(event=event, state=Meeting.State.SCHEDULED)
    assert meeting.published
    from django.utils import timezone

    start = timezone.localtime(meeting.slot.start).strftime("%H:%M")
    for p, other in ((page, "Brasserie Nord"), (bob_page, "Atelier Lumière")):
        p.goto(f"/espace/evenements/{event.slug}/agenda/")
        agenda_row = p.locator("table.agenda").get_by_role("row").filter(has_text=other)
        expect(agenda_row).to_contain_text(start)
        expect(agenda_row).to_contain_text("Hall A")
        expect(agenda_row.get_by_role("cell").nth(3)).to_have_text(str(meeting.table_number))
        assert_accessible(p)
    screenshot(page, "evenements-agenda.png")

    # 8. The meetings export (CSV button of the scheduling page) contains the meeting.
    export = admin_page.get_by_role("group", name=re.compile(r"^Exporter\W+Rendez-vous\W+$"))
    href = export.get_by_role("link", name="CSV").get_attribute("href")
    response = admin_page.request.get(href)
    assert response.ok, response.status
    text = response.body().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if ";" in text[:200] else ","))
    lines = [r for r in rows[1:] if "Alice Martin" in r]
    assert len(lines) == 1, rows
    assert "Brasserie Nord" in lines[0] and "Atelier Lumière" in lines[0]
    assert str(meeting.table_number) in lines[0]
    assert any(start in cell for cell in lines[0])
