"""The paid-event demo: three audiences with an early price, a promo code, French, EU
(reverse charge with its VIES trace) and non-EU buyers with invoices and a credit note."""

import pytest

from civitas.core.billing import pdf
from civitas.core.billing.models import Invoice
from civitas.events.management.commands._demo_sales import SLUG, add_sales_demo
from civitas.events.models import Event, Order


@pytest.mark.django_db
def test_sales_demo_is_complete_and_idempotent():
    done = []
    event = add_sales_demo(done)
    assert done == ["paid event with invoices"]
    assert add_sales_demo([]) is None and Event.objects.filter(slug=SLUG).count() == 1
    assert event.price_categories.filter(is_internal=False).count() == 3
    assert event.price_categories.filter(early_amount__isnull=False).count() == 1
    assert event.promo_codes.filter(code="BIENVENUE").exists()
    mentions = set(Invoice.objects.filter(kind="invoice").values_list("vat_mention", flat=True))
    assert {"", "Autoliquidation", "Exonération de TVA, article 259-1° du CGI"} <= mentions
    reverse = Invoice.objects.get(vat_mention="Autoliquidation")
    assert reverse.vat_check.consultation_number and "checkVatApprox" in reverse.vat_check.request
    note = Invoice.objects.get(kind="credit_note")
    assert note.refers_to.buyer_name == "Martin Industrie"
    assert Order.objects.filter(event=event, status="open").count() == 1
    assert pdf.render_pdf(reverse)[:4] == b"%PDF"


@pytest.mark.django_db
def test_demo_buyer_account_has_the_open_basket():
    from civitas.core import accounts

    add_sales_demo([])
    user = accounts.find("acheteur@demo.civitas.fr")
    order = Order.objects.get(status="open")
    assert order.company.representatives.get().user == user
