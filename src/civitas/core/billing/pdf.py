"""Invoice and credit-note PDFs (WeasyPrint), in the invoice's language (French, or English
for foreign buyers), with the mentions French law requires; optionally Factur-X (the
invoice's data as CII XML inside the PDF, MINIMUM profile) so a buyer's accounting reads it.

The PDF is rendered from the immutable invoice row, so rendering twice gives the same
document; nothing is stored."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from .models import Invoice

RECOVERY_INDEMNITY = "40"


def render_html(invoice: Invoice) -> str:
    with translation.override(invoice.language or "fr"):
        return render_to_string(
            "billing/pdf/invoice.html",
            {
                "invoice": invoice,
                "seller": invoice.seller_snapshot,
                "lines": list(invoice.lines.all()),
                "by_rate": _by_rate(invoice),
                "indemnity": RECOVERY_INDEMNITY,
            },
        )


def _by_rate(invoice):
    rates: dict = {}
    for line in invoice.lines.all():
        net, tax = rates.get(line.vat_rate, (0, 0))
        rates[line.vat_rate] = (net + line.net, tax + line.vat)
    return [(rate, net, tax) for rate, (net, tax) in sorted(rates.items())]


def render_pdf(invoice: Invoice, *, facturx: bool = False) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=render_html(invoice)).write_pdf()
    if facturx:
        pdf = add_facturx(invoice, pdf)
    return pdf


def facturx_xml(invoice: Invoice) -> bytes:
    """Cross Industry Invoice XML, Factur-X MINIMUM profile."""
    xml = render_to_string(
        "billing/pdf/facturx.xml",
        {
            "invoice": invoice,
            "seller": invoice.seller_snapshot,
            "siren": invoice.seller_snapshot.get("siret", "")[:9],
            "type_code": "381" if invoice.is_credit_note else "380",
            "due": "0.00" if invoice.paid else invoice.total_gross,
        },
    )
    return xml.encode("utf-8")


def add_facturx(invoice: Invoice, pdf: bytes) -> bytes:
    from facturx import generate_from_binary

    return generate_from_binary(
        pdf, facturx_xml(invoice), flavor="factur-x", level="minimum", check_xsd=True
    )
