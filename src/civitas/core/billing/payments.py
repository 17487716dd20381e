"""Payments: create, start with a provider, apply what the provider says (once), record by
hand, reconcile bank transfers from a CSV statement, poll pending payments, refunds.

`apply` is the one place a payment changes state: it locks the payment row, so two
notifications of the same payment (a replay, the notification and the return arriving
together) settle it once; `payment_settled` is sent once, after commit. Every notice,
accepted or refused, is kept in `PaymentNotice` and refusals are journaled."""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from civitas.core import journal, locking
from civitas.core.sites import absolute_url

from . import providers
from .models import Payment, PaymentNotice
from .providers import Notice, NoticeRefused, Outcome, ProviderDown
from .signals import payment_failed, payment_settled

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class PaymentError(Exception):
    pass


def new_reference(prefix: str = "CIV") -> str:
    """Letters and digits only (PayFiP's refdet, bank transfer labels), 15 characters."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(12))


def create(
    *,
    payable: str,
    amount: Decimal,
    provider: str,
    payer_email: str = "",
    label: str = "",
    options: dict | None = None,
    return_url: str = "",
) -> Payment:
    providers.get(provider)  # unknown provider: LookupError now, not at the callback
    if amount <= 0:
        raise PaymentError("Nothing to pay.")
    return Payment.objects.create(
        provider=provider,
        reference=new_reference(),
        payable=payable,
        amount=amount,
        payer_email=payer_email,
        label=label[:200],
        options=options or {},
        return_url=return_url,
    )


def start(payment: Payment) -> providers.Start:
    """Ask the provider for a way to pay. ProviderDown leaves the payment pending (the
    error is kept) and is raised again for the caller's message."""
    provider = providers.get(payment.provider)
    try:
        result = provider.start(
            payment,
            notify_url=absolute_url("billing:notify", provider=payment.provider),
            return_url=absolute_url("billing:return", token=payment.token),
        )
    except ProviderDown as exc:
        payment.last_error = str(exc)[:300]
        payment.save(update_fields=["last_error"])
        raise
    payment.provider_ref = result.provider_ref or payment.provider_ref
    payment.redirect_url = result.redirect_url
    payment.last_error = ""
    payment.save(update_fields=["provider_ref", "redirect_url", "last_error"])
    return result


_STATE = {
    Outcome.PAID: Payment.State.PAID,
    Outcome.REFUSED: Payment.State.REFUSED,
    Outcome.ABANDONED: Payment.State.ABANDONED,
}


@transaction.atomic
def apply(notice: Notice, *, provider: str, settled_by: str, raw: str = "") -> tuple:
    """Apply a verified notice. Returns (payment, verdict). A paid payment never changes
    again (except by `refund`); a pending outcome changes nothing."""
    payment = Payment.objects.filter(provider=provider, reference=notice.reference).first()
    if payment is None:
        _notice(provider, None, PaymentNotice.Verdict.UNKNOWN, notice.outcome, raw, "unknown")
        return None, PaymentNotice.Verdict.UNKNOWN
    payment = locking.lock(rows=[Payment.objects.filter(pk=payment.pk)])[0]
    locking.checkpoint()
    if payment.state in (Payment.State.PAID, Payment.State.REFUNDED) or notice.outcome in (
        Outcome.PENDING,
        "",
    ):
        _notice(provider, payment, PaymentNotice.Verdict.UNCHANGED, notice.outcome, raw, "")
        return payment, PaymentNotice.Verdict.UNCHANGED
    if (
        notice.outcome == Outcome.PAID
        and notice.amount_cents is not None
        and notice.amount_cents != int(payment.amount * 100)
    ):
        _notice(provider, payment, PaymentNotice.Verdict.FORGED, notice.outcome, raw, "amount")
        journal.record(
            "billing.payment_notice_refused",
            obj=payment,
            details={"reason": "amount", "amount_cents": notice.amount_cents},
        )
        return payment, PaymentNotice.Verdict.FORGED
    new_state = _STATE[notice.outcome]
    if new_state == payment.state:
        _notice(provider, payment, PaymentNotice.Verdict.UNCHANGED, notice.outcome, raw, "")
        return payment, PaymentNotice.Verdict.UNCHANGED
    payment.state = new_state
    payment.settled_at = timezone.now()
    payment.settled_by = settled_by[:100]
    if notice.provider_ref:
        payment.provider_ref = notice.provider_ref[:100]
    payment.save(update_fields=["state", "settled_at", "settled_by", "provider_ref"])
    _notice(
        provider, payment, PaymentNotice.Verdict.APPLIED, notice.outcome, raw, notice.transaction_id
    )
    signal = payment_settled if new_state == Payment.State.PAID else payment_failed
    transaction.on_commit(lambda: signal.send(sender=Payment, payment=payment))
    return payment, PaymentNotice.Verdict.APPLIED


def _notice(provider, payment, verdict, outcome, raw, detail):
    PaymentNotice.objects.create(
        provider=provider,
        payment=payment,
        verdict=verdict,
        outcome=outcome or "",
        raw=raw[:20000],
        detail=str(detail)[:300],
    )


def receive(provider_code: str, request) -> str:
    """Handle a provider's notification (the callback view). Returns the verdict."""
    raw = request.body.decode("utf-8", "replace") if request.body else request.GET.urlencode()
    provider = providers.get(provider_code)
    try:
        notice = provider.parse_notice(request)
    except LookupError as exc:
        _notice(provider_code, None, PaymentNotice.Verdict.UNKNOWN, "", raw, str(exc))
        journal.record(
            "billing.payment_notice_refused",
            request=request,
            object_type="billing.payment",
            details={"provider": provider_code, "reason": "unknown payment"},
        )
        return PaymentNotice.Verdict.UNKNOWN
    except NoticeRefused as exc:
        _notice(provider_code, None, PaymentNotice.Verdict.FORGED, "", raw, str(exc))
        journal.record(
            "billing.payment_notice_refused",
            request=request,
            object_type="billing.payment",
            details={"provider": provider_code, "reason": str(exc)},
        )
        return PaymentNotice.Verdict.FORGED
    except ProviderDown as exc:
        _notice(provider_code, None, PaymentNotice.Verdict.ERROR, "", raw, str(exc))
        return PaymentNotice.Verdict.ERROR
    _payment, verdict = apply(notice, provider=provider_code, settled_by="notification", raw=raw)
    return verdict


def refresh(payment: Payment) -> str | None:
    """Ask the provider about a pending payment (return page, periodic job)."""
    if payment.state != Payment.State.PENDING:
        return None
    try:
        notice = providers.get(payment.provider).fetch(payment)
    except ProviderDown as exc:
        _notice(payment.provider, payment, PaymentNotice.Verdict.ERROR, "", "", str(exc))
        return PaymentNotice.Verdict.ERROR
    except NoticeRefused as exc:
        _notice(payment.provider, payment, PaymentNotice.Verdict.FORGED, "", "", str(exc))
        return PaymentNotice.Verdict.FORGED
    if notice is None:
        return None
    return apply(notice, provider=payment.provider, settled_by="status read")[1]


def poll_pending(limit: int = 200) -> int:
    settled = 0
    for payment in Payment.objects.filter(state=Payment.State.PENDING).exclude(provider_ref="")[
        :limit
    ]:
        if refresh(payment) == PaymentNotice.Verdict.APPLIED:
            settled += 1
    return settled


def mark_paid(payment: Payment, *, user, request=None, note: str = "") -> str:
    """The organiser records a payment received outside the platform."""
    _p, verdict = apply(
        Notice(payment.reference, Outcome.PAID),
        provider=payment.provider,
        settled_by=f"user:{user.pk}",
        raw=note,
    )
    journal.record(
        "billing.payment_marked_paid",
        request=request,
        obj=payment,
        details={"reference": payment.reference, "verdict": verdict, "note": note},
    )
    return verdict


@transaction.atomic
def refund(payment: Payment, *, user, request=None, note: str = "") -> Payment:
    payment = locking.lock(rows=[Payment.objects.filter(pk=payment.pk)])[0]
    if payment.state != Payment.State.PAID:
        raise PaymentError("Only a paid payment can be refunded.")
    payment.state = Payment.State.REFUNDED
    payment.save(update_fields=["state"])
    journal.record(
        "billing.payment_refunded",
        request=request,
        obj=payment,
        details={"reference": payment.reference, "amount": str(payment.amount), "note": note},
    )
    return payment


@dataclass
class Reconciliation:
    matched: list = field(default_factory=list)  # references marked paid
    already: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)  # (line number, text, reason)


_REF = re.compile(r"CIV[A-Z2-9]{12}")


def reconcile_csv(text: str, *, user, request=None) -> Reconciliation:
    """Bank statement CSV (`;` or `,`), with a header naming an amount column ("montant" or
    "amount") and a label column ("libellé", "libelle", "label"): a line whose label holds
    a payment reference and whose amount equals it marks the transfer paid."""
    result = Reconciliation()
    sample = text[:2000]
    dialect = csv.Sniffer().sniff(sample, delimiters=";,") if sample else csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
    amount_col = next(
        (fields[k] for k in ("montant", "amount", "crédit", "credit") if k in fields), None
    )
    label_col = next((fields[k] for k in ("libellé", "libelle", "label") if k in fields), None)
    if not amount_col or not label_col:
        raise PaymentError("The file needs an amount column and a label column.")
    for n, row in enumerate(reader, start=2):
        label = (row.get(label_col) or "").upper()
        match = _REF.search(label)
        if not match:
            result.unmatched.append((n, label[:80], "no reference"))
            continue
        payment = Payment.objects.filter(reference=match.group(0), provider="transfer").first()
        if payment is None:
            result.unmatched.append((n, label[:80], "unknown reference"))
            continue
        try:
            raw_amount = (row.get(amount_col) or "").replace("\u00a0", "").replace(" ", "")
            amount = Decimal(raw_amount.replace(",", "."))
        except InvalidOperation:
            result.unmatched.append((n, label[:80], "bad amount"))
            continue
        if amount != payment.amount:
            result.unmatched.append((n, label[:80], f"amount {amount} ≠ {payment.amount}"))
            continue
        verdict = mark_paid(payment, user=user, request=request, note=f"CSV line {n}")
        (result.matched if verdict == PaymentNotice.Verdict.APPLIED else result.already).append(
            payment.reference
        )
    return result
