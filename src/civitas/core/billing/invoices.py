"""Issuing invoices and credit notes.

Numbers run per seller, kind and year without gap or duplicate, even with concurrent
payments: `issue` takes the series' named lock and its row lock (core.locking) before
reading the last number. An issued document is never changed (models.ImmutableError):
a cancellation or refund is a credit note referring to the invoice; a corrected address is
a credit note plus a new invoice (`reissue`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from civitas.core import locking

from . import vat
from .models import Invoice, InvoiceLine, InvoiceSequence, Seller


class InvoiceError(Exception):
    pass


@dataclass(frozen=True)
class Line:
    """One line of a basket or invoice: `unit_price` before VAT, `vat_rate` the price's own
    rate (the VAT decision may make it 0)."""

    description: str
    unit_price: Decimal
    quantity: Decimal = Decimal("1")
    vat_rate: Decimal = vat.DEFAULT_RATE
    code: str = ""  # the source's key of the line ("price:3", "promo:SUMMER")
    meta: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Totals:
    lines: list  # [(Line, rate, net, vat, gross)]
    net: Decimal
    vat: Decimal
    gross: Decimal
    by_rate: dict  # {rate: (net, vat)}


def compute(lines: list[Line], decision: vat.Decision) -> Totals:
    """Totals of lines under a VAT decision, rounded per line as printed."""
    rows, net_sum, vat_sum = [], Decimal("0.00"), Decimal("0.00")
    by_rate: dict = {}
    for line in lines:
        rate = decision.rate(line.vat_rate)
        net, tax, gross = vat.line_amounts(line.quantity, line.unit_price, rate)
        rows.append((line, rate, net, tax, gross))
        net_sum += net
        vat_sum += tax
        n, t = by_rate.get(rate, (Decimal("0.00"), Decimal("0.00")))
        by_rate[rate] = (n + net, t + tax)
    return Totals(rows, net_sum, vat_sum, net_sum + vat_sum, by_rate)


def seller_snapshot(seller: Seller) -> dict:
    return {
        k: str(getattr(seller, k))
        for k in [
            "name",
            "legal_form",
            "siret",
            "vat_number",
            "address",
            "postcode",
            "city",
            "country",
            "email",
            "iban",
            "bic",
            "payment_days",
            "late_penalty_rate",
        ]
    }


def _next_number(seller: Seller, kind: str, year: int) -> tuple[int, str]:
    """Take the next number of the series (caller holds the transaction)."""
    locking.lock(names=[f"billing.invoice_series:{seller.pk}:{kind}:{year}"])
    seq, _created = InvoiceSequence.objects.get_or_create(seller=seller, kind=kind, year=year)
    locking.lock(rows=[InvoiceSequence.objects.filter(pk=seq.pk)])
    seq.refresh_from_db()
    n = seq.last_number + 1
    locking.checkpoint()
    seq.last_number = n
    seq.save(update_fields=["last_number"])
    prefix = (
        seller.credit_note_prefix if kind == Invoice.Kind.CREDIT_NOTE else seller.invoice_prefix
    )
    return n, f"{prefix}{year}-{n:05d}"


@transaction.atomic
def issue(
    seller: Seller,
    buyer: vat.Buyer,
    lines: list[Line],
    decision: vat.Decision,
    *,
    source: str,
    language: str = "fr",
    vat_check=None,
    issued_on: dt.date | None = None,
    paid: bool = False,
) -> Invoice:
    """Issue an invoice (numbered, immutable)."""
    if decision.pending:
        raise InvoiceError("The buyer's VAT number is still being checked.")
    if not lines:
        raise InvoiceError("An invoice needs at least one line.")
    return _issue(
        seller,
        Invoice.Kind.INVOICE,
        buyer,
        compute(lines, decision),
        decision,
        source=source,
        language=language,
        vat_check=vat_check,
        issued_on=issued_on,
        paid=paid,
    )


def _issue(
    seller,
    kind,
    buyer,
    totals,
    decision,
    *,
    source,
    language,
    vat_check=None,
    issued_on=None,
    paid=False,
    refers_to=None,
    reason="",
    buyer_address=None,
):
    issued_on = issued_on or timezone.localdate()
    sequence, number = _next_number(seller, kind, issued_on.year)
    invoice = Invoice.objects.create(
        seller=seller,
        kind=kind,
        year=issued_on.year,
        sequence=sequence,
        number=number,
        issued_on=issued_on,
        due_on=issued_on if paid else issued_on + dt.timedelta(days=seller.payment_days),
        language=language,
        seller_snapshot=seller_snapshot(seller),
        buyer_name=buyer.name,
        buyer_address=buyer.address if buyer_address is None else buyer_address,
        buyer_country=buyer.country.upper(),
        buyer_vat_number=vat.normalise_vat_number(buyer.vat_number),
        buyer_email=buyer.email,
        buyer_is_business=buyer.is_business,
        vat_mention=decision.mention,
        vat_check=vat_check,
        total_net=totals.net,
        total_vat=totals.vat,
        total_gross=totals.gross,
        refers_to=refers_to,
        reason=reason,
        source=source,
        paid=paid,
    )
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=invoice,
                position=i,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_rate=rate,
                net=net,
                vat=tax,
                gross=gross,
            )
            for i, (line, rate, net, tax, gross) in enumerate(totals.lines, start=1)
        ]
    )
    return invoice


def _buyer_of(invoice: Invoice) -> vat.Buyer:
    return vat.Buyer(
        name=invoice.buyer_name,
        country=invoice.buyer_country,
        is_business=invoice.buyer_is_business,
        vat_number=invoice.buyer_vat_number,
        address=invoice.buyer_address,
        email=invoice.buyer_email,
    )


def credited_amount(invoice: Invoice) -> Decimal:
    return sum((-c.total_gross for c in invoice.credit_notes.all()), Decimal("0.00"))


@transaction.atomic
def credit_note(invoice: Invoice, *, reason: str, positions: list[int] | None = None) -> Invoice:
    """A credit note (negative amounts) referring to `invoice`: all of its lines, or the
    lines at `positions` (a refunded item). Never more than what is left to credit."""
    locking.lock(rows=[Invoice.objects.filter(pk=invoice.pk)])
    if invoice.is_credit_note:
        raise InvoiceError("A credit note cannot itself be credited.")
    chosen = [
        line for line in invoice.lines.all() if positions is None or line.position in positions
    ]
    if not chosen:
        raise InvoiceError("Choose at least one line of the invoice.")
    lines = [
        Line(line.description, -line.unit_price, line.quantity, line.vat_rate) for line in chosen
    ]
    # The rates are those printed on the invoice (0 for reverse charge and export).
    decision = vat.Decision(vat.Treatment.DOMESTIC, invoice.vat_mention, invoice.buyer_vat_number)
    totals = compute(lines, decision)
    if credited_amount(invoice) - totals.gross > invoice.total_gross:
        raise InvoiceError("This would credit more than the invoice; it is already credited.")
    return _issue(
        invoice.seller,
        Invoice.Kind.CREDIT_NOTE,
        _buyer_of(invoice),
        totals,
        decision,
        source=invoice.source,
        language=invoice.language,
        vat_check=invoice.vat_check,
        refers_to=invoice,
        reason=reason,
        paid=True,
    )


@transaction.atomic
def reissue(invoice: Invoice, *, buyer_address: str, reason: str = "") -> tuple[Invoice, Invoice]:
    """A corrected address: a credit note for the whole invoice and a new invoice with the
    same lines. Returns (credit note, new invoice)."""
    note = credit_note(invoice, reason=reason or f"Correction de la facture {invoice.number}")
    lines = [
        Line(line.description, line.unit_price, line.quantity, line.vat_rate)
        for line in invoice.lines.all()
    ]
    decision = vat.Decision(vat.Treatment.DOMESTIC, invoice.vat_mention, invoice.buyer_vat_number)
    new = _issue(
        invoice.seller,
        Invoice.Kind.INVOICE,
        _buyer_of(invoice),
        compute(lines, decision),
        decision,
        source=invoice.source,
        language=invoice.language,
        vat_check=invoice.vat_check,
        paid=invoice.paid,
        buyer_address=buyer_address,
    )
    return note, new


def mark_paid(invoice: Invoice) -> None:
    if not invoice.paid:
        invoice.paid = True
        invoice.save(update_fields=["paid"])
