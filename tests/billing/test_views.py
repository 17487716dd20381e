"""Back-office billing screens: invoices, payments (mark paid, CSV reconciliation), VAT
check traces, sellers (bad input explained, typed values kept)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civitas.core.billing import invoices, payments, vat
from civitas.core.billing.models import Payment, Seller, VatCheck


@pytest.mark.django_db
def test_lists_and_invoice_download(client_for, seller):
    buyer = vat.Buyer("Dupont SA", "FR")
    inv = invoices.issue(
        seller, buyer, [invoices.Line("X", Decimal("10"))], vat.decide(buyer), source="t:1"
    )
    c = client_for("principal")
    assert inv.number in c.get(reverse("billing:invoices")).content.decode()
    r = c.get(reverse("billing:invoice_download", args=[inv.pk]) + "?facturx=1")
    assert r.status_code == 200 and r.content[:4] == b"%PDF"
    check = VatCheck.objects.create(
        vat_number="DE136695976",
        country="DE",
        status="valid",
        request="<req/>",
        answer="<ans/>",
        consultation_number="W9",
    )
    page = c.get(reverse("billing:vat_check", args=[check.pk])).content.decode()
    assert "W9" in page and "&lt;req/&gt;" in page
    assert client_for("secondary").get(reverse("billing:invoices")).status_code == 403


@pytest.mark.django_db
def test_mark_paid_and_reconcile_from_the_screens(client_for):
    c = client_for("principal")
    a = payments.create(payable="t:1", amount=Decimal("50.00"), provider="transfer")
    b = payments.create(payable="t:2", amount=Decimal("70.00"), provider="transfer")
    assert c.post(reverse("billing:payment_mark_paid", args=[a.pk])).status_code == 302
    assert Payment.objects.get(pk=a.pk).state == "paid"
    csv = f"Libellé;Montant\nVIR {b.reference};70,00\n".encode()
    r = c.post(
        reverse("billing:reconcile"),
        {"statement": SimpleUploadedFile("releve.csv", csv, "text/csv")},
    )
    assert r.status_code == 200 and Payment.objects.get(pk=b.pk).state == "paid"
    bad = c.post(
        reverse("billing:reconcile"),
        {"statement": SimpleUploadedFile("x.csv", b"a;b\n1;2\n", "text/csv")},
    )
    assert bad.status_code == 200 and "statement" in bad.context["form"].errors


@pytest.mark.django_db
def test_seller_form_explains_bad_siret_and_vat(client_for):
    c = client_for("principal", lang="en")
    data = {
        "name": "CCI",
        "siret": "12345678901234",
        "vat_number": "FR00000000000",
        "address": "1 rue",
        "postcode": "75001",
        "city": "Paris",
        "country": "FR",
        "invoice_prefix": "F",
        "credit_note_prefix": "AV",
        "payment_days": "30",
        "late_penalty_rate": "12.15",
    }
    r = c.post(reverse("billing:seller_new"), data)
    body = r.content.decode()
    assert (
        r.status_code == 200 and "SIRET is not valid" in body and "VAT number is not valid" in body
    )
    assert 'value="12345678901234"' in body
    data.update(siret="13002526500013", vat_number="FR 40 303265045")
    assert c.post(reverse("billing:seller_new"), data).status_code == 302
    assert Seller.objects.get().vat_number == "FR40303265045"
