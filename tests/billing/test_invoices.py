"""Invoices: numbering per seller and year, immutability, credit notes, PDF mentions,
Factur-X; the PostgreSQL race test first shows duplicates without the lock."""

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection

from civitas.core import locking
from civitas.core.billing import invoices, pdf, vat
from civitas.core.billing.models import ImmutableError, Invoice, Seller, VatCheck

FR = vat.Buyer("Dupont SA", "FR", address="2 rue Haute\n67000 Strasbourg", email="a@dupont.fr")
LINES = [
    invoices.Line("Inscription entreprise", Decimal("150.00")),
    invoices.Line("Déjeuner", Decimal("19.99"), Decimal("3"), Decimal("10.00")),
]


def _pdf_text(data):
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db
def test_numbers_follow_per_seller_kind_and_year(seller):
    other = Seller.objects.create(
        name="CCI B",
        siret="13000293900023",
        address="x",
        postcode="1",
        city="y",
        invoice_prefix="B",
    )
    d = vat.decide(FR)
    a = invoices.issue(seller, FR, LINES, d, source="t:1", issued_on=dt.date(2026, 12, 30))
    b = invoices.issue(seller, FR, LINES, d, source="t:2", issued_on=dt.date(2026, 12, 31))
    c = invoices.issue(other, FR, LINES, d, source="t:3", issued_on=dt.date(2026, 12, 31))
    e = invoices.issue(seller, FR, LINES, d, source="t:4", issued_on=dt.date(2027, 1, 1))
    assert [a.number, b.number, c.number, e.number] == [
        "F2026-00001",
        "F2026-00002",
        "B2026-00001",
        "F2027-00001",
    ]
    note = invoices.credit_note(a, reason="Annulation")
    assert note.number == "AV2026-00001" or note.number.startswith("AV")


@pytest.mark.django_db
def test_totals_are_rounded_per_line(seller):
    inv = invoices.issue(seller, FR, LINES, vat.decide(FR), source="t:1")
    lines = list(inv.lines.all())
    assert [(x.net, x.vat, x.gross) for x in lines] == [
        (Decimal("150.00"), Decimal("30.00"), Decimal("180.00")),
        (Decimal("59.97"), Decimal("6.00"), Decimal("65.97")),
    ]
    assert (inv.total_net, inv.total_vat, inv.total_gross) == (
        Decimal("209.97"),
        Decimal("36.00"),
        Decimal("245.97"),
    )
    assert inv.due_on == inv.issued_on + dt.timedelta(days=30)


@pytest.mark.django_db
def test_issued_invoice_never_changes(seller):
    inv = invoices.issue(seller, FR, LINES, vat.decide(FR), source="t:1")
    inv.buyer_name = "Autre"
    with pytest.raises(ImmutableError):
        inv.save()
    with pytest.raises(ImmutableError):
        inv.delete()
    line = inv.lines.first()
    line.unit_price = Decimal("1")
    with pytest.raises(ImmutableError):
        line.save()
    invoices.mark_paid(Invoice.objects.get(pk=inv.pk))  # the one allowed change
    assert Invoice.objects.get(pk=inv.pk).paid


@pytest.mark.django_db
def test_pending_vat_check_refuses_to_invoice(seller):
    buyer = vat.Buyer("ACME GmbH", "DE", vat_number="DE136695976")
    with pytest.raises(invoices.InvoiceError, match="being checked"):
        invoices.issue(seller, buyer, LINES, vat.decide(buyer, None), source="t:1")


@pytest.mark.django_db
def test_credit_notes_refer_to_the_invoice_and_cannot_exceed_it(seller):
    inv = invoices.issue(seller, FR, LINES, vat.decide(FR), source="t:1")
    part = invoices.credit_note(inv, reason="Déjeuner annulé", positions=[2])
    assert part.refers_to == inv and part.is_credit_note
    assert part.total_gross == Decimal("-65.97") and part.total_vat == Decimal("-6.00")
    with pytest.raises(invoices.InvoiceError, match="already credited"):
        invoices.credit_note(inv, reason="tout")
    with pytest.raises(invoices.InvoiceError, match="at least one line"):
        invoices.credit_note(inv, reason="rien", positions=[9])
    rest = invoices.credit_note(inv, reason="Solde", positions=[1])
    assert invoices.credited_amount(inv) == inv.total_gross
    assert rest.number != part.number
    with pytest.raises(invoices.InvoiceError, match="cannot itself"):
        invoices.credit_note(rest, reason="x")


@pytest.mark.django_db
def test_corrected_address_is_a_credit_note_and_a_new_invoice(seller):
    inv = invoices.issue(seller, FR, LINES, vat.decide(FR), source="t:1")
    note, new = invoices.reissue(inv, buyer_address="3 rue Basse")
    assert note.refers_to == inv and note.total_gross == -inv.total_gross
    assert new.buyer_address == "3 rue Basse" and new.total_gross == inv.total_gross
    assert Invoice.objects.get(pk=inv.pk).buyer_address.startswith("2 rue Haute")


@pytest.mark.django_db
def test_pdf_has_the_french_mentions(seller):
    inv = invoices.issue(seller, FR, LINES, vat.decide(FR), source="t:1")
    text = _pdf_text(pdf.render_pdf(inv))
    for expected in (
        "Facture F20",
        "CCI Test",
        "13000293900015",
        "FR40303265045",
        "Dupont SA",
        "2 rue Haute",
        "150,00",
        "20 %",
        "10 %",
        "245,97",
        "Date d’échéance",
        "40 €",
        "Pénalités de retard",
        "IBAN",
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_reverse_charge_pdf_in_english_with_vies_number(seller):
    check = VatCheck.objects.create(
        vat_number="DE136695976",
        country="DE",
        status="valid",
        consultation_number="WAPIAAAAW115976",
    )
    buyer = vat.Buyer("ACME GmbH", "DE", vat_number="DE136695976", address="Berlin")
    inv = invoices.issue(
        seller, buyer, LINES, vat.decide(buyer, check), source="t:1", language="en", vat_check=check
    )
    assert inv.total_vat == 0 and inv.total_gross == Decimal("209.97")
    text = _pdf_text(pdf.render_pdf(inv))
    for expected in (
        "Invoice F20",
        "Autoliquidation",
        "DE136695976",
        "WAPIAAAAW115976",
        "Due date",
        "recovery",
    ):
        assert expected in text, expected
    export = vat.Buyer("Acme Inc", "US", is_business=False)
    inv2 = invoices.issue(seller, export, LINES, vat.decide(export), source="t:2")
    text2 = _pdf_text(pdf.render_pdf(inv2))
    assert "article 259-1° du CGI" in text2
    assert "40 €" not in text2  # the indemnity is for businesses


@pytest.mark.django_db
def test_factur_x_embeds_valid_xml(seller):
    from facturx import get_xml_from_pdf

    inv = invoices.issue(seller, FR, LINES, vat.decide(FR), source="t:1")
    data = pdf.render_pdf(inv, facturx=True)
    _name, xml = get_xml_from_pdf(data, check_xsd=True)
    assert inv.number.encode() in xml and b"245.97" in xml


def _race(seller, locks):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def work(n):
        try:
            barrier.wait()
            inv = invoices.issue(seller, FR, LINES, vat.decide(FR), source=f"race:{n}")
            results.append(inv.number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
    with locking.race_test(locks=locks, after_checks=0.5):
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    return sorted(results), errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_two_payments_take_the_same_number(seller):
    # The sequence row exists, so both workers read the same last number.
    invoices.issue(seller, FR, LINES, vat.decide(FR), source="first")
    results, errors = _race(seller, locks=False)
    # Both computed F…-00002: one insert violates the unique number (a duplicate refused
    # by the database only because of the constraint) or the series lost an update.
    assert len(errors) == 1 and isinstance(errors[0], IntegrityError)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_the_lock_numbers_follow_without_gap(seller):
    invoices.issue(seller, FR, LINES, vat.decide(FR), source="first")
    results, errors = _race(seller, locks=True)
    assert not errors
    year = dt.date.today().year
    assert results == [f"F{year}-00002", f"F{year}-00003"]
