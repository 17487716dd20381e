"""Demo of paid registrations (issue 25): a paid event with three audiences and an early
price, an internal audience, a promo code, and buyers from France, Germany (reverse charge
with its VIES trace) and the United States (export), with their invoices and a credit note
(an address corrected after issue). The demo buyer (acheteur@demo.civitas.fr) has an open
basket to pay with the demo provider. Idempotent: nothing is added when the event exists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from civitas.core import accounts
from civitas.core.billing import invoices
from civitas.core.billing.models import Seller, VatCheck
from civitas.events.models import (
    Company,
    Event,
    EventPayment,
    PriceCategory,
    PromoCode,
    Representative,
)
from civitas.events.services import checkout, setup

SLUG = "salon-export-demo"
BUYER_EMAIL = "acheteur@demo.civitas.fr"

VIES_REQUEST = """<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">
  <soap-env:Body>
    <ns0:checkVatApprox xmlns:ns0="urn:ec.europa.eu:taxud:vies:services:checkVat:types">
      <ns0:countryCode>DE</ns0:countryCode>
      <ns0:vatNumber>136695976</ns0:vatNumber>
      <ns0:requesterCountryCode>FR</ns0:requesterCountryCode>
      <ns0:requesterVatNumber>40303265045</ns0:requesterVatNumber>
    </ns0:checkVatApprox>
  </soap-env:Body>
</soap-env:Envelope>
"""
VIES_ANSWER = """<env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">
  <env:Body>
    <ns2:checkVatApproxResponse xmlns:ns2="urn:ec.europa.eu:taxud:vies:services:checkVat:types">
      <ns2:countryCode>DE</ns2:countryCode>
      <ns2:vatNumber>136695976</ns2:vatNumber>
      <ns2:requestDate>2026-12-01+01:00</ns2:requestDate>
      <ns2:valid>true</ns2:valid>
      <ns2:traderName>---</ns2:traderName>
      <ns2:requestIdentifier>WAPIAAAAZDEMO0001</ns2:requestIdentifier>
    </ns2:checkVatApproxResponse>
  </env:Body>
</env:Envelope>
"""


def add_sales_demo(done: list[str]) -> Event | None:
    if Event.objects.filter(slug=SLUG).exists():
        return None
    with transaction.atomic():
        seller = Seller.objects.filter(siret="13002526500013").first() or Seller.objects.create(
            name="CCI Paris Île-de-France",
            legal_form="Établissement public administratif",
            siret="13002526500013",
            vat_number="FR40303265045",
            address="27 avenue de Friedland",
            postcode="75008",
            city="Paris",
            email="facturation@cci.example",
            iban="FR7630001007941234567890185",
            bic="BDFEFRPPCCT",
        )
        event = setup.create_event(
            name="Salon international de l'export 2027",
            slug=SLUG,
            start_date=dt.date(2027, 4, 14),
            end_date=dt.date(2027, 4, 14),
            venue="CCI Paris Île-de-France",
            is_published=True,
            welcome_text="Une journée payante de conférences et de rendez-vous export.",
            organiser_email="export@cci.example",
        )
        EventPayment.objects.create(event=event, seller=seller, providers=["demo", "transfer"])
        company_price = PriceCategory.objects.create(
            event=event,
            name="Entreprise",
            amount=Decimal("250.00"),
            early_amount=Decimal("190.00"),
            early_until=dt.date(2027, 1, 31),
            position=1,
        )
        PriceCategory.objects.create(
            event=event, name="Consultant", amount=Decimal("150.00"), position=2
        )
        student = PriceCategory.objects.create(
            event=event, name="Étudiant", amount=Decimal("30.00"), position=3
        )
        internal = PriceCategory.objects.create(
            event=event, name="Personnel CCI", amount=Decimal("0.00"), is_internal=True, position=4
        )
        PromoCode.objects.create(
            event=event,
            code="BIENVENUE",
            kind=PromoCode.Kind.PERCENT,
            value=Decimal("10"),
            valid_until=dt.date(2027, 4, 1),
            max_uses=50,
        )
        fr = _company(
            event,
            "Martin Industrie",
            "FR",
            "FR40303265045",
            "12 rue de la Paix",
            "75002",
            "Paris",
            "contact@martin.example",
        )
        checkout.mark_paid(checkout.open_order(fr, company_price), user=None)
        de = _company(
            event,
            "Schmidt Maschinenbau GmbH",
            "DE",
            "DE136695976",
            "Hauptstraße 5",
            "10115",
            "Berlin",
            "info@schmidt.example",
        )
        order = _order_with_trace(de, company_price)
        checkout.mark_paid(order, user=None)
        us = _company(
            event,
            "Acme Trading Inc.",
            "US",
            "",
            "1 Market Street",
            "94105",
            "San Francisco",
            "sales@acme.example",
        )
        checkout.mark_paid(checkout.open_order(us, student), user=None)
        staff = _company(
            event,
            "CCI Paris (équipe)",
            "FR",
            "",
            "27 avenue de Friedland",
            "75008",
            "Paris",
            "equipe@cci.example",
        )
        checkout.mark_paid(checkout.open_order(staff, internal), user=None)
        # An address corrected after issue: a credit note and a new invoice.
        first = checkout.order_invoices(fr.order).first()
        invoices.reissue(first, buyer_address="14 rue de la Paix\n75002 Paris")
        # The demo buyer's company has an open basket to pay with the demo provider.
        from civitas.core.management.commands.load_demo import DEMO_PASSWORD

        accounts.get_or_create(BUYER_EMAIL, "Chloé Dubois", password=DEMO_PASSWORD, verified=True)
        mine = _company(
            event,
            "Dubois Électricité",
            "FR",
            "",
            "3 rue des Lilas",
            "93100",
            "Montreuil",
            "",
            rep_email=BUYER_EMAIL,
        )
        checkout.open_order(mine, company_price)
    done.append("paid event with invoices")
    return event


def _company(event, name, country, vat_number, address, postcode, city, email, rep_email=""):
    company = Company.objects.create(
        event=event,
        name=name,
        country=country,
        vat_number=vat_number,
        address=address,
        postcode=postcode,
        city=city,
        email=email,
        description="Acheteur de démonstration.",
    )
    rep_email = rep_email or f"achat@{name.split()[0].lower()}.example"
    user = accounts.find(rep_email)
    Representative.objects.create(
        company=company,
        first_name="Contact",
        last_name=name.split()[0],
        email=rep_email,
        user=user,
    )
    return company


def _order_with_trace(company, category):
    """The German buyer's VIES check, stored as a real check would be (the demo does not
    call VIES)."""
    from civitas.events.models import Order

    check = VatCheck.objects.create(
        vat_number="DE136695976",
        country="DE",
        status=VatCheck.Status.VALID,
        requester_vat_number="FR40303265045",
        consultation_number="WAPIAAAAZDEMO0001",
        request=VIES_REQUEST,
        answer=VIES_ANSWER,
        attempts=1,
        checked_at=dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC),
    )
    order = Order.objects.create(
        event=company.event, company=company, category=category, vat_check=check
    )
    return checkout.refresh_totals(order)
