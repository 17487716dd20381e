"""Checkout pages (participant) and sales pages (organiser): basket, promo code errors kept,
payment with the demo provider to the invoice, exports and the DES file."""

from decimal import Decimal

import pytest
from django.urls import reverse

from civitas.core.billing.models import Invoice, VatCheck
from civitas.events.models import Company, EventPayment, Order, PriceCategory, PromoCode
from civitas.events.services import checkout
from tests.billing.conftest import seller  # noqa: F401 (fixture)
from tests.events.conftest import make_company


@pytest.fixture
def shop(event, seller):  # noqa: F811
    EventPayment.objects.create(event=event, seller=seller, providers=["demo", "transfer"])
    cat = PriceCategory.objects.create(event=event, name="Entreprise", amount=Decimal("100.00"))
    PromoCode.objects.create(event=event, code="DIX", kind="amount", value=Decimal("10"))
    company = make_company(event, "Delta", validated=False)
    return cat, company


def _client_for_rep(client, company):
    from civitas.core import accounts

    rep = company.representatives.first()
    user, _ = accounts.get_or_create(rep.email, rep.full_name)
    rep.user = user
    rep.save()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_buyer_chooses_audience_applies_promo_pays_and_sees_invoice(
    client, event, shop, django_capture_on_commit_callbacks
):
    cat, company = shop
    c = _client_for_rep(client, company)
    url = reverse("events:area_checkout", kwargs={"slug": event.slug})
    page = c.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert c.post(url, {"action": "audience", "category": cat.pk}).status_code == 302
    bad = c.post(url, {"action": "promo", "code": "NOPE"})
    body = bad.content.decode()
    assert bad.status_code == 200 and 'value="NOPE"' in body  # what was typed is kept
    assert "n’existe pas" in body or "does not exist" in body
    c.post(url, {"action": "promo", "code": "dix"})
    order = Order.objects.get(company=company)
    assert order.total_net == Decimal("90.00") and order.total_gross == Decimal("108.00")
    page = c.get(url).content.decode()
    assert "108,00" in page and "90,00" in page and "18,00" in page
    r = c.post(url, {"action": "pay", "provider": "demo"})
    assert r.status_code == 302 and "/paiement/demo/" in r.url
    from django.test import Client

    payer = Client()  # the provider's page needs no session
    with django_capture_on_commit_callbacks(execute=True):
        done = payer.post(r.url.split("testserver")[-1], {"outcome": "paid"})
    assert done.status_code == 302
    final = c.get(done.url)  # return page then back to the checkout page
    assert final.status_code == 302 and final.url.endswith(url)
    order.refresh_from_db()
    assert order.status == "paid"
    invoice = Invoice.objects.get(source=order.key)
    page = c.get(url).content.decode()
    assert invoice.number in page
    assert c.get(reverse("billing:invoice_pdf", args=[invoice.access_token])).status_code == 200


@pytest.mark.django_db
def test_organiser_sets_prices_with_errors_kept_and_sees_orders(client_for, event, shop):
    cat, company = shop
    c = client_for("principal")
    url = reverse("events:bo_prices", kwargs={"pk": event.pk})
    assert c.get(url).status_code == 200
    bad = c.post(
        url, {"action": "promo", "promo-code": "dix", "promo-kind": "percent", "promo-value": "150"}
    )
    assert bad.status_code == 200
    body = bad.content.decode()
    assert 'value="dix"' in body and PromoCode.objects.count() == 1
    ok = c.post(
        url,
        {
            "action": "category",
            "category-name": "Étudiant",
            "category-amount": "20",
            "category-vat_rate": "20",
        },
    )
    assert ok.status_code == 302 and PriceCategory.objects.filter(name="Étudiant").exists()
    order = checkout.open_order(company, cat)
    orders_url = reverse("events:bo_orders", kwargs={"pk": event.pk})
    assert "Delta" in c.get(orders_url).content.decode()
    action = reverse("events:bo_order_action", kwargs={"pk": event.pk, "order_pk": order.pk})
    assert c.post(action, {"action": "mark_paid"}).status_code == 302
    order.refresh_from_db()
    assert order.status == "paid"
    assert Company.objects.get(pk=company.pk).status == "validated"
    assert c.post(action, {"action": "refund", "reason": "Annulé"}).status_code == 302
    assert Invoice.objects.filter(source=order.key, kind="credit_note").count() == 1
    csv = c.get(reverse("events:bo_sales_export", kwargs={"pk": event.pk, "kind": "invoices"}))
    text = csv.content.decode()
    assert text.startswith("numero;type;date") and "credit_note" in text


@pytest.mark.django_db
def test_des_statement_lists_eu_buyers_per_month(client_for, event, shop):
    cat, _company = shop
    acme = make_company(event, "ACME GmbH", validated=False, country="DE")
    Company.objects.filter(pk=acme.pk).update(vat_number="DE136695976")
    acme.refresh_from_db()
    order = Order.objects.create(
        event=event,
        company=acme,
        category=cat,
        vat_check=VatCheck.objects.create(
            vat_number="DE136695976", country="DE", status="valid", consultation_number="W1"
        ),
    )
    checkout.mark_paid(order, user=None)
    invoice = Invoice.objects.get(source=order.key)
    assert invoice.vat_mention == "Autoliquidation"
    c = client_for("principal")
    month = invoice.issued_on.strftime("%Y-%m")
    r = c.get(
        reverse("events:bo_sales_export", kwargs={"pk": event.pk, "kind": "des"}), {"month": month}
    )
    assert r.content.decode().strip() == "1;100;DE136695976"
    bad = c.get(
        reverse("events:bo_sales_export", kwargs={"pk": event.pk, "kind": "des"}),
        {"month": "13-2026"},
    )
    assert bad.status_code == 400
    page = c.get(reverse("events:bo_orders", kwargs={"pk": event.pk})).content.decode()
    assert "DE136695976" in page


@pytest.mark.django_db
def test_sales_per_establishment_across_events_scoped_and_as_csv(client, client_for, event, shop):
    """Seed 003 §5 "état des ventes par établissement": invoices and credit notes per selling
    establishment across events; an organiser of one event sees only that event's sales."""
    import datetime as dt

    from civitas.core import accounts
    from civitas.core.billing.models import Seller
    from civitas.core.models import Role
    from tests.conftest import make_user

    from .conftest import make_event

    cat, company = shop
    checkout.mark_paid(checkout.open_order(company, cat), user=None)  # 100 + 20 VAT
    refunded = checkout.open_order(make_company(event, "Epsilon", validated=False), cat)
    checkout.mark_paid(refunded, user=None)
    checkout.refund(refunded, user=None, reason="Annulé")  # invoice and its credit note
    other = make_event("autre-salon")
    versailles = Seller.objects.create(
        name="CCI Versailles",
        siret="13000293900015",
        address="21 avenue de Paris",
        postcode="78000",
        city="Versailles",
    )
    EventPayment.objects.create(event=other, seller=versailles, providers=["demo"])
    other_cat = PriceCategory.objects.create(event=other, name="Entreprise", amount=Decimal("50"))
    checkout.mark_paid(
        checkout.open_order(make_company(other, "Zeta", validated=False), other_cat), user=None
    )

    url = reverse("events:bo_sales_by_seller")
    page = client_for("principal").get(url)
    assert page.status_code == 200
    totals = {t["seller"].name: t for t in page.context["totals"]}
    assert set(totals) == {"CCI Test", "CCI Versailles"}
    assert (totals["CCI Test"]["invoices"], totals["CCI Test"]["credit_notes"]) == (2, 1)
    assert totals["CCI Test"]["net"] == Decimal("100.00")  # 2 × 100 − 100 refunded
    assert totals["CCI Versailles"]["gross"] == Decimal("60.00")
    csv = client_for("principal").get(url, {"format": "csv"}).content.decode().splitlines()
    assert csv[0] == "etablissement;siret;evenement;factures;avoirs;total_ht;tva;total_ttc"
    assert f"CCI Test;13000293900015;{event.name};2;1;100.00;20.00;120.00" in csv
    assert len(csv) == 3

    # The period is the date of issue: nothing was issued before today.
    today = dt.date.today()
    empty = client_for("principal").get(url, {"end": (today - dt.timedelta(days=1)).isoformat()})
    assert empty.context["rows"] == []
    bad = client_for("principal").get(url, {"start": "2027-13-45", "format": "csv"})
    assert bad.status_code == 200 and bad.context["form"].errors  # the form says why

    # Scope: an organiser of the other event sees only its establishment and event.
    role = Role.objects.create(
        code="sales_only",
        name="Ventes",
        permissions=["core.access_backoffice", "events.manage_sales"],
    )
    # A back-office role needs a second factor: make_user gives one, force_login passes it.
    client.force_login(
        make_user("ventes@versailles.example", role_code=role.code, scope=("event", other.pk))
    )
    scoped = client.get(url)
    assert [r["event"].pk for r in scoped.context["rows"]] == [other.pk]
    assert "CCI Test" not in client.get(url, {"format": "csv"}).content.decode()
    # Without the permission anywhere: refused.
    client.force_login(accounts.get_or_create("rien@x.example", "Rien")[0])
    assert client.get(url).status_code == 403
