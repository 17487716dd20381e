"""Sales figures and exports of an event: amounts collected (to pay back to the CCI),
lists of orders, invoices and credit notes, payments per period, and the monthly DES
statement (Déclaration européenne de services) of EU buyers under reverse charge.

DES CSV (docs/export-format.md): no header, one line per buyer's VAT number:
`line number;amount in whole euros (excl. VAT, credit notes deducted);buyer's VAT number`,
the layout of the customs' DES import file."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum

from civitas.core.billing.models import Invoice, Payment
from civitas.core.billing.vat import REVERSE_CHARGE

from ..models import Order

ORDER_COLUMNS = [
    "commande",
    "entreprise",
    "pays",
    "numero_tva",
    "public",
    "code_promo",
    "statut",
    "total_ht",
    "tva",
    "total_ttc",
    "creee_le",
    "payee_le",
]
INVOICE_COLUMNS = [
    "numero",
    "type",
    "date",
    "client",
    "pays",
    "numero_tva_client",
    "mention_tva",
    "total_ht",
    "tva",
    "total_ttc",
    "facture_d_origine",
    "payee",
]
PAYMENT_COLUMNS = [
    "reference",
    "moyen",
    "montant",
    "etat",
    "creee_le",
    "reglee_le",
    "reference_prestataire",
]


def _keys(event):
    return [
        f"events.order:{pk}"
        for pk in Order.objects.filter(event=event).values_list("pk", flat=True)
    ]


def filter_period(qs, period, field):
    if period.get("start"):
        qs = qs.filter(
            **{f"{field}__date__gte" if field.endswith("_at") else f"{field}__gte": period["start"]}
        )
    if period.get("end"):
        qs = qs.filter(
            **{f"{field}__date__lte" if field.endswith("_at") else f"{field}__lte": period["end"]}
        )
    return qs


def collected(event) -> dict:
    """Amounts received for the event, per payment method, refunds deducted."""
    keys = _keys(event)
    rows = (
        Payment.objects.filter(payable__in=keys)
        .filter(Q(state=Payment.State.PAID) | Q(state=Payment.State.REFUNDED))
        .values("provider", "state")
        .annotate(total=Sum("amount"))
    )
    per = defaultdict(lambda: {"paid": Decimal("0.00"), "refunded": Decimal("0.00")})
    for row in rows:
        # A refunded payment was received, then paid back.
        per[row["provider"]]["paid"] += row["total"]
        if row["state"] == Payment.State.REFUNDED:
            per[row["provider"]]["refunded"] += row["total"]
    total = sum((v["paid"] - v["refunded"] for v in per.values()), Decimal("0.00"))
    return {"per_method": dict(per), "net": total}


def order_rows(event, period):
    qs = filter_period(
        Order.objects.filter(event=event).select_related("company", "category", "promo"),
        period,
        "created_at",
    )
    if period.get("status"):
        qs = qs.filter(status=period["status"])
    for o in qs.order_by("pk"):
        yield [
            o.pk,
            o.company.name,
            o.company.country.code,
            o.company.vat_number,
            o.category.name,
            o.promo.code if o.promo else "",
            o.status,
            o.total_net,
            o.total_vat,
            o.total_gross,
            o.created_at.date().isoformat(),
            o.paid_at.date().isoformat() if o.paid_at else "",
        ]


def invoices_of(event):
    return Invoice.objects.filter(source__in=_keys(event))


def invoice_rows(event, period):
    qs = filter_period(invoices_of(event).select_related("refers_to"), period, "issued_on")
    for i in qs.order_by("issued_on", "number"):
        yield [
            i.number,
            i.kind,
            i.issued_on.isoformat(),
            i.buyer_name,
            i.buyer_country,
            i.buyer_vat_number,
            i.vat_mention,
            i.total_net,
            i.total_vat,
            i.total_gross,
            i.refers_to.number if i.refers_to else "",
            "oui" if i.paid else "non",
        ]


def payment_rows(event, period):
    qs = filter_period(Payment.objects.filter(payable__in=_keys(event)), period, "created_at")
    for p in qs.order_by("created_at"):
        yield [
            p.reference,
            p.provider,
            p.amount,
            p.state,
            p.created_at.isoformat(),
            p.settled_at.isoformat() if p.settled_at else "",
            p.provider_ref,
        ]


def des_totals(event, month_first: dt.date) -> dict:
    """{buyer VAT number: amount excl. VAT} for the month's reverse-charge invoices and
    credit notes."""
    nxt = (month_first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    qs = invoices_of(event).filter(
        vat_mention=REVERSE_CHARGE, issued_on__gte=month_first, issued_on__lt=nxt
    )
    totals: dict = defaultdict(lambda: Decimal("0.00"))
    for number, net in qs.values_list("buyer_vat_number", "total_net"):
        totals[number] += net
    return dict(sorted(totals.items()))


def des_rows(event, month_first: dt.date):
    for n, (number, net) in enumerate(des_totals(event, month_first).items(), start=1):
        yield [n, int(net.quantize(Decimal("1"), rounding=ROUND_HALF_UP)), number]


def des_months(event):
    """The months that have reverse-charge invoices, for the on-screen summary."""
    months = sorted(
        {
            d.replace(day=1)
            for d in invoices_of(event)
            .filter(vat_mention=REVERSE_CHARGE)
            .values_list("issued_on", flat=True)
        }
    )
    return [(m, des_totals(event, m)) for m in months]


SELLER_COLUMNS = [
    "etablissement",
    "siret",
    "evenement",
    "factures",
    "avoirs",
    "total_ht",
    "tva",
    "total_ttc",
]


def per_seller(events, period) -> list[dict]:
    """Sales per selling establishment (the seller that issued the invoices) across the
    given events: invoices and credit notes (negative) issued in the period, one row per
    establishment and event, establishments in name order. `events` is already restricted to
    what the reader may see."""
    events = {e.pk: e for e in events}
    key_event = {
        f"events.order:{pk}": event_id
        for pk, event_id in Order.objects.filter(event__in=list(events)).values_list("pk", "event")
    }
    qs = filter_period(
        Invoice.objects.filter(source__in=list(key_event)).select_related("seller"),
        period,
        "issued_on",
    ).only("seller", "kind", "source", "total_net", "total_vat", "total_gross")
    rows: dict[tuple[int, int], dict] = {}
    zero = Decimal("0.00")
    for inv in qs:
        event = events[key_event[inv.source]]
        row = rows.setdefault(
            (inv.seller_id, event.pk),
            {
                "seller": inv.seller,
                "event": event,
                "invoices": 0,
                "credit_notes": 0,
                "net": zero,
                "vat": zero,
                "gross": zero,
            },
        )
        row["credit_notes" if inv.kind == Invoice.Kind.CREDIT_NOTE else "invoices"] += 1
        row["net"] += inv.total_net
        row["vat"] += inv.total_vat
        row["gross"] += inv.total_gross
    return sorted(
        rows.values(), key=lambda r: (r["seller"].name, r["seller"].pk, r["event"].start_date)
    )


def seller_totals(rows: list[dict]) -> list[dict]:
    """One total per establishment over the rows of `per_seller`."""
    out: dict[int, dict] = {}
    for r in rows:
        t = out.setdefault(
            r["seller"].pk,
            {"seller": r["seller"], "events": 0, "invoices": 0, "credit_notes": 0}
            | {"net": Decimal("0.00"), "vat": Decimal("0.00"), "gross": Decimal("0.00")},
        )
        t["events"] += 1
        for k in ("invoices", "credit_notes", "net", "vat", "gross"):
            t[k] += r[k]
    return list(out.values())


def seller_rows(rows: list[dict]):
    for r in rows:
        yield [
            r["seller"].name,
            r["seller"].siret,
            r["event"].name,
            r["invoices"],
            r["credit_notes"],
            r["net"],
            r["vat"],
            r["gross"],
        ]
