"""Paid registration in Chromium: the buyer chooses an audience, applies a promo code, pays
with the demo provider and opens the invoice; axe-core on each page, 360 px too."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_events_journey import log_in
from tests.conftest import PASSWORD, make_user
from tests.events.conftest import make_company, make_event

pytestmark = pytest.mark.django_db(transaction=True)


def test_buyer_pays_with_the_demo_provider_and_sees_the_invoice(page, live_server, settings):
    from civitas.core.billing.models import Invoice, Seller
    from civitas.events.models import Company, EventPayment, Order, PriceCategory, PromoCode

    settings.CIVITAS_SITE_URL = live_server.url
    event = make_event("salon-payant")
    seller = Seller.objects.create(
        name="CCI Test",
        siret="13000293900015",
        vat_number="FR40303265045",
        address="1 place de la Bourse",
        postcode="75002",
        city="Paris",
    )
    EventPayment.objects.create(event=event, seller=seller, providers=["demo", "transfer"])
    PriceCategory.objects.create(
        event=event,
        name="Entreprise",
        amount=Decimal("200.00"),
        early_amount=Decimal("150.00"),
        early_until=dt.date(2000, 1, 1),
    )
    PriceCategory.objects.create(event=event, name="Étudiant", amount=Decimal("30.00"))
    PromoCode.objects.create(event=event, code="BIENVENUE", kind="percent", value=10)
    company = make_company(event, "Atelier Lumière", validated=False)
    user = make_user("buyer@example.org", mfa=False)
    rep = company.representatives.first()
    rep.email, rep.user = user.email, user
    rep.save()

    url = f"/espace/evenements/{event.slug}/paiement/"
    log_in(page, "buyer@example.org", PASSWORD, url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Frais d’inscription et paiement")
    assert axe_violations(page) == []
    page.get_by_label("Vous vous inscrivez en tant que").select_option(label="Entreprise")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Code promo").fill("FAUX")
    page.get_by_role("button", name="Appliquer").click()
    expect(page.get_by_text("Ce code promo n’existe pas pour cet événement.")).to_be_visible()
    expect(page.get_by_label("Code promo")).to_have_value("FAUX")
    page.get_by_label("Code promo").fill("bienvenue")
    page.get_by_role("button", name="Appliquer").click()
    expect(page.get_by_role("button", name="Payer 216,00 €")).to_be_visible()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 800})
    assert axe_violations(page) == []
    screenshot(page, "evenements-paiement-panier.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Paiement de démonstration (sans argent réel)").check()
    page.get_by_role("button", name="Payer 216,00 €").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paiement de démonstration")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Payer", exact=True).click()
    page.wait_for_url(f"**{url}")
    expect(page.get_by_text("Payé", exact=True)).to_be_visible()
    invoice = Invoice.objects.get()
    link = page.get_by_role("link", name=f"Facture {invoice.number}")
    expect(link).to_be_visible()
    assert axe_violations(page) == []
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.body()[:4] == b"%PDF"
    assert Order.objects.get().status == "paid"
    assert Company.objects.get(pk=company.pk).status == "validated"
    assert invoice.total_gross == Decimal("216.00")
