"""Prices, promo codes and checkout of a registration (the company's order).

- The basket is the registration's price line (audience price, early price until a date,
  internal audiences pay nothing) plus the lines of every registered source
  (`register_line_source(func)`, `func(registration) -> list[Line]`: the workshops of the
  animations module will add theirs), minus the lines the buyer removed, plus the promo
  code's discount.
- VAT is decided by core billing from the buyer (the company): French rate, reverse charge
  after a valid VIES check, export; VIES down puts the order in "VAT check pending" and
  nothing can be paid until the periodic job has the answer.
- Paid (by a provider or marked paid by the organiser): the invoice is issued, the
  registration validated. A refund issues a credit note.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal, locking
from civitas.core.billing import invoices, payments, providers, vat, vies
from civitas.core.billing.invoices import Line
from civitas.core.billing.models import Invoice, Payment, VatCheck
from civitas.core.billing.signals import payment_settled, vat_check_resolved

from ..models import Company, Order, PriceCategory, PromoCode
from ..models.pricing import EventPayment

REGISTRATION_LINE = "registration"
PROMO_LINE = "promo"
MEETINGS_LINE = "meetings"
EXPERT_MEETINGS_LINE = "expert_meetings"
FIXED_LINES = (REGISTRATION_LINE, MEETINGS_LINE, EXPERT_MEETINGS_LINE)
_sources: list = []


class CheckoutError(Exception):
    """A message for the person (promo code that does not apply, nothing to pay...)."""


def register_line_source(func) -> None:
    """Add lines to every basket: `func(registration: Company) -> list[Line]`; give each
    line a stable `code` so the buyer can remove it."""
    if func not in _sources:
        _sources.append(func)


def price_of(category: PriceCategory, on: dt.date | None = None) -> Decimal:
    """The audience's price before VAT on that day: the early price until its date
    (included), then the normal price; an internal audience pays nothing."""
    if category.is_internal:
        return Decimal("0.00")
    on = on or timezone.localdate()
    if category.early_amount is not None and category.early_until and on <= category.early_until:
        return category.early_amount
    return category.amount


def extra_meetings(order: Order) -> int:
    """Scheduled meetings of the company beyond those its price includes (price per number
    of meetings); 0 when the audience has no price per meeting or is internal."""
    from django.db.models import Q

    from ..models import Meeting

    category = order.category
    if category.is_internal or not category.meeting_amount:
        return 0
    company = order.company_id
    count = (
        Meeting.objects.filter(event=order.event_id, state=Meeting.State.SCHEDULED)
        .filter(Q(request__sender__company=company) | Q(request__recipient__company=company))
        .count()
    )
    return max(0, count - category.included_meetings)


def expert_meetings(order: Order) -> int:
    """Meetings scheduled with an expert for the company's people (price per meeting type);
    0 when the audience has no price per expert meeting or is internal."""
    from ..models import ExpertMeeting

    category = order.category
    if category.is_internal or not category.expert_meeting_amount:
        return 0
    return ExpertMeeting.objects.filter(
        event=order.event_id,
        representative__company=order.company_id,
        state=ExpertMeeting.State.SCHEDULED,
    ).count()


def buyer_of(company: Company) -> vat.Buyer:
    address = "\n".join(
        x for x in (company.address, f"{company.postcode} {company.city}".strip()) if x
    )
    email = company.email or next((r.email for r in company.representatives.all() if r.email), "")
    return vat.Buyer(
        name=company.name,
        country=(company.country.code or "FR").upper(),
        is_business=True,
        vat_number=company.vat_number,
        address=address,
        email=email,
    )


def all_lines(order: Order, on: dt.date | None = None) -> list[Line]:
    """Every line the basket may hold (removed ones included), promo excluded."""
    category = order.category
    label = _("Registration: %(event)s (%(audience)s)") % {
        "event": order.event.name,
        "audience": category.name,
    }
    lines = [
        Line(label, price_of(category, on), Decimal("1"), category.vat_rate, REGISTRATION_LINE)
    ]
    extra = extra_meetings(order)
    if extra:
        lines.append(
            Line(
                _("Meetings beyond the %(n)s included") % {"n": category.included_meetings},
                category.meeting_amount,
                Decimal(extra),
                category.vat_rate,
                MEETINGS_LINE,
            )
        )
    experts = expert_meetings(order)
    if experts:
        lines.append(
            Line(
                _("Meetings with experts"),
                category.expert_meeting_amount,
                Decimal(experts),
                category.vat_rate,
                EXPERT_MEETINGS_LINE,
            )
        )
    for source in _sources:
        lines.extend(source(order.company))
    return lines


def basket(order: Order, on: dt.date | None = None) -> list[Line]:
    lines = [
        line
        for line in all_lines(order, on)
        if line.code in FIXED_LINES or line.code not in order.removed
    ]
    if order.promo_id:
        discount = promo_discount(order.promo, lines)
        if discount:
            lines.append(
                Line(
                    _("Promo code %(code)s") % {"code": order.promo.code},
                    -discount,
                    Decimal("1"),
                    order.category.vat_rate,
                    PROMO_LINE,
                )
            )
    return lines


def promo_discount(promo: PromoCode, lines: list[Line]) -> Decimal:
    """Discount before VAT on the registration line (never more than it)."""
    base = sum(
        (vat.round_money(x.unit_price * x.quantity) for x in lines if x.code == REGISTRATION_LINE),
        Decimal("0.00"),
    )
    if promo.kind == PromoCode.Kind.PERCENT:
        off = vat.round_money(base * promo.value / 100)
    else:
        off = promo.value
    return min(off, base)


def promo_refusal(promo: PromoCode | None, order: Order, on: dt.date | None = None) -> str:
    """Why this code does not apply ("" when it does)."""
    on = on or timezone.localdate()
    if promo is None:
        return _("This promo code does not exist for this event.")
    if promo.valid_from and on < promo.valid_from:
        return _("This promo code is valid from %(date)s.") % {"date": promo.valid_from}
    if promo.valid_until and on > promo.valid_until:
        return _("This promo code expired on %(date)s.") % {"date": promo.valid_until}
    if promo.max_uses is not None and promo.used >= promo.max_uses:
        return _("This promo code has been used as many times as allowed.")
    allowed = list(promo.categories.all())
    if allowed and order.category not in allowed:
        return _("This promo code is not for the audience %(audience)s.") % {
            "audience": order.category.name
        }
    if order.category.is_internal or price_of(order.category, on) == 0:
        return _("There is nothing to discount: your registration is free.")
    return ""


def apply_promo(order: Order, code: str) -> Order:
    code = (code or "").strip()
    promo = PromoCode.objects.filter(event=order.event, code__iexact=code).first()
    reason = promo_refusal(promo, order)
    if reason:
        raise CheckoutError(reason)
    order.promo = promo
    order.save(update_fields=["promo"])
    return refresh_totals(order)


def remove_line(order: Order, code: str) -> Order:
    if code in FIXED_LINES:
        raise CheckoutError(_("The registration itself cannot be removed from the basket."))
    if code == PROMO_LINE:
        order.promo = None
        order.save(update_fields=["promo"])
    elif code in {line.code for line in all_lines(order)} and code not in order.removed:
        order.removed = [*order.removed, code]
        order.save(update_fields=["removed"])
    return refresh_totals(order)


def restore_line(order: Order, code: str) -> Order:
    order.removed = [c for c in order.removed if c != code]
    order.save(update_fields=["removed"])
    return refresh_totals(order)


def decision(order: Order) -> vat.Decision:
    return vat.decide(buyer_of(order.company), order.vat_check)


def totals(order: Order):
    d = decision(order)
    if d.pending:
        # Shown before VAT only; nothing can be paid until VIES answers.
        return d, invoices.compute(basket(order), vat.Decision(vat.Treatment.EXPORT))
    return d, invoices.compute(basket(order), d)


def refresh_totals(order: Order) -> Order:
    d, t = totals(order)
    order.total_net, order.total_vat, order.total_gross = t.net, t.vat, t.gross
    fields = ["total_net", "total_vat", "total_gross"]
    if order.status in (Order.Status.OPEN, Order.Status.VAT_PENDING):
        order.status = Order.Status.VAT_PENDING if d.pending else Order.Status.OPEN
        fields.append("status")
    order.save(update_fields=fields)
    return order


def open_order(company: Company, category: PriceCategory, *, language: str = "fr") -> Order:
    """The company's order (created on first call), with its VAT check when the buyer is an
    EU business: a VIES answer is asked once per VAT number."""
    order, created = Order.objects.get_or_create(
        company=company,
        defaults={"event": company.event, "category": category, "language": language},
    )
    if not created and order.status == Order.Status.OPEN and order.category_id != category.pk:
        order.category = category
        order.save(update_fields=["category"])
    ensure_vat_check(order)
    return refresh_totals(order)


def ensure_vat_check(order: Order) -> None:
    buyer = buyer_of(order.company)
    if not vat.needs_vies(buyer):
        return
    number = vat.normalise_vat_number(buyer.vat_number)
    if order.vat_check and order.vat_check.vat_number == number:
        return
    order.vat_check = vies.check(number, buyer.country)
    order.save(update_fields=["vat_check"])


def on_vat_check_resolved(sender, check, **kwargs):
    for order in Order.objects.filter(vat_check=check, status=Order.Status.VAT_PENDING):
        refresh_totals(order)


# --- Payment -------------------------------------------------------------------------------


def settings_of(event) -> EventPayment | None:
    return EventPayment.objects.filter(event=event).select_related("seller").first()


def pay(order: Order, provider: str, *, return_url: str = "") -> providers.Start:
    """Start paying the order with `provider` (one of the event's). A provider that is down
    leaves the order open (ProviderDown raised); a free basket is validated at once."""
    conf = settings_of(order.event)
    if conf is None:
        raise CheckoutError(_("Payment is not set up for this event yet."))
    order = refresh_totals(order)
    if order.status == Order.Status.VAT_PENDING:
        raise CheckoutError(
            _(
                "Your VAT number is being checked with the EU's VIES service; "
                "you can pay as soon as it answers."
            )
        )
    if order.status != Order.Status.OPEN:
        raise CheckoutError(_("This order is not open for payment."))
    if order.total_gross <= 0:
        settle(order, settled_by="free")
        return providers.Start()
    if provider not in conf.providers:
        raise CheckoutError(_("Choose one of the payment methods offered."))
    # A second click on "Pay" with the same method goes on with the same payment: one
    # order never has two live payments of one method (never paid twice by accident).
    pending = Payment.objects.filter(
        payable=order.key,
        provider=provider,
        state=Payment.State.PENDING,
        amount=order.total_gross,
    ).first()
    if pending is not None:
        return payments.start(pending)
    payment = payments.create(
        payable=order.key,
        amount=order.total_gross,
        provider=provider,
        payer_email=buyer_of(order.company).email,
        label=order.event.name,
        options={"store_key": conf.store_key, "mode": conf.shop_mode, "iban": conf.seller.iban},
        return_url=return_url,
    )
    return payments.start(payment)


def order_of(payable: str) -> Order | None:
    prefix = "events.order:"
    if not payable.startswith(prefix):
        return None
    pk = payable[len(prefix) :]
    return Order.objects.filter(pk=int(pk)).first() if pk.isdecimal() else None


def on_payment_settled(sender, payment, **kwargs):
    order = order_of(payment.payable)
    if order is None:
        return
    if order.status in (Order.Status.PAID, Order.Status.REFUNDED):
        # Paid through another method meanwhile: the organiser refunds this one.
        journal.record(
            "events.order_paid_twice",
            obj=order,
            details={"payment": payment.reference, "amount": str(payment.amount)},
        )
        return
    settle(order, settled_by=f"payment {payment.reference}")


@transaction.atomic
def settle(order: Order, *, settled_by: str, actor=None, request=None) -> Order:
    """The order is paid: count the promo use, issue the invoice, validate the
    registration. Idempotent (a second settlement changes nothing)."""
    from . import registration

    order = locking.lock(rows=[Order.objects.filter(pk=order.pk)])[0]
    if order.status == Order.Status.PAID:
        return order
    d, t = totals(order)
    locking.checkpoint()
    order.status = Order.Status.PAID
    order.paid_at = timezone.now()
    order.save(update_fields=["status", "paid_at"])
    if order.promo_id:
        locking.lock(rows=[PromoCode.objects.filter(pk=order.promo_id)])
        promo = PromoCode.objects.get(pk=order.promo_id)
        promo.used += 1
        promo.save(update_fields=["used"])
    conf = settings_of(order.event)
    if conf is not None and t.gross > 0:
        invoices.issue(
            conf.seller,
            buyer_of(order.company),
            basket(order),
            d,
            source=order.key,
            language=order.language,
            vat_check=order.vat_check if d.treatment == vat.Treatment.REVERSE_CHARGE else None,
            paid=True,
        )
    journal.record(
        "events.order_paid",
        request=request,
        actor=actor,
        obj=order,
        details={"by": settled_by, "gross": str(t.gross)},
    )
    if order.company.status != Company.Status.VALIDATED:
        registration.validate_registration(order.company, actor=actor, request=request)
    return order


def mark_paid(order: Order, *, user, request=None, note: str = "") -> Order:
    """The organiser records a payment received outside the platform."""
    pending = Payment.objects.filter(payable=order.key, state=Payment.State.PENDING).first()
    if pending is not None and user is not None:
        payments.mark_paid(pending, user=user, request=request, note=note)
    by = f"user:{user.pk}" if user is not None else "organiser"
    return settle(order, settled_by=by, actor=user, request=request)


def order_invoices(order: Order):
    return Invoice.objects.filter(source=order.key).order_by("created_at")


@transaction.atomic
def refund(order: Order, *, user, reason: str, request=None) -> Invoice | None:
    """Record a refund: a credit note for the invoice, the payment marked refunded."""
    order = locking.lock(rows=[Order.objects.filter(pk=order.pk)])[0]
    if order.status != Order.Status.PAID:
        raise CheckoutError(_("Only a paid order can be refunded."))
    note = None
    invoice = order_invoices(order).filter(kind=Invoice.Kind.INVOICE).last()
    if invoice is not None:
        note = invoices.credit_note(invoice, reason=reason or _("Refund"))
    for payment in Payment.objects.filter(payable=order.key, state=Payment.State.PAID):
        payments.refund(payment, user=user, request=request, note=reason)
    order.status = Order.Status.REFUNDED
    order.save(update_fields=["status"])
    journal.record("events.order_refunded", request=request, obj=order, details={"reason": reason})
    return note


def unpaid_orders(older_than_days: int | None = None):
    qs = Order.objects.filter(status=Order.Status.OPEN, total_gross__gt=0)
    if older_than_days is not None:
        qs = qs.filter(created_at__lte=timezone.now() - dt.timedelta(days=older_than_days))
    return qs


# --- Check-in: unpaid registrations --------------------------------------------------------

# An order still due: not paid, not cancelled or refunded, with something to pay.
DUE = (Order.Status.OPEN, Order.Status.VAT_PENDING)


def unpaid_company_ids(event) -> set[int]:
    """The companies of an event whose order is due and not paid, when the event sells its
    registrations and refuses unpaid people at the entrance (its payment settings); a free
    event (no payment settings, nothing to pay) has none."""
    conf = EventPayment.objects.filter(event=event).first()
    if conf is None or not conf.checkin_refuse_unpaid:
        return set()
    return set(
        Order.objects.filter(event=event, status__in=DUE, total_gross__gt=0).values_list(
            "company_id", flat=True
        )
    )


def unpaid_message() -> str:
    return _("Unpaid registration: see the reception desk")


def checkin_refusal(lst, rep) -> str | None:
    """The check-in check: an entry of a person whose company has not paid is refused."""
    if rep.company_id in unpaid_company_ids(lst.event):
        return unpaid_message()
    return None


def checkin_refusals(lst) -> dict[int, str]:
    """The same check for a whole check-in list: {rep_id: message}."""
    from ..models import Representative

    companies = unpaid_company_ids(lst.event)
    if not companies:
        return {}
    message = unpaid_message()
    reps = Representative.objects.filter(company_id__in=companies).values_list("pk", flat=True)
    return dict.fromkeys(reps, message)


def register_checkin():
    """Called from EventsConfig.ready(): unpaid people are sent to the reception desk."""
    from . import checkin

    checkin.register_check(checkin_refusal, refusals=checkin_refusals)


def connect_signals():
    payment_settled.connect(on_payment_settled, dispatch_uid="events.checkout.paid")
    vat_check_resolved.connect(on_vat_check_resolved, dispatch_uid="events.checkout.vat")


__all__ = [
    "CheckoutError",
    "Line",
    "VatCheck",
    "apply_promo",
    "basket",
    "open_order",
    "pay",
    "price_of",
    "refund",
    "register_line_source",
    "remove_line",
    "settle",
]


# --- Unpaid reminders ----------------------------------------------------------------------


def register_templates():
    from civitas.core.outbox import templates

    templates.register(
        "events.unpaid_reminder",
        _("Events: registration fee not paid yet"),
        placeholders={
            "event": _("Event"),
            "name": _("Name"),
            "company": _("Company"),
            "amount": _("Amount due (incl. VAT)"),
            "checkout_url": _("Payment page"),
        },
        default_subject={
            "fr": "Inscription à régler : {{ event }}",
            "en": "Registration fee to pay: {{ event }}",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\nL'inscription de {{ company }} à {{ event }} "
            "attend son règlement ({{ amount }} € TTC). Elle sera validée dès le paiement :\n"
            "{{ checkout_url }}\n\nSi vous avez déjà payé par virement, ne tenez pas compte "
            "de ce message.",
            "en": "Hello {{ name }},\n\nThe registration of {{ company }} for {{ event }} "
            "is waiting for its payment ({{ amount }} € incl. VAT). It is validated as soon "
            "as it is paid:\n{{ checkout_url }}\n\nIf you have already paid by bank transfer, "
            "please ignore this message.",
        },
    )


def send_unpaid_reminders(now=None) -> int:
    """One reminder per unpaid order, `reminder_days` after it was opened, then every
    `reminder_days` days."""
    from civitas.core.sites import absolute_url

    from . import notify

    now = now or timezone.now()
    sent = 0
    for conf in EventPayment.objects.select_related("event"):
        delay = dt.timedelta(days=conf.reminder_days or 7)
        due = (
            unpaid_orders()
            .filter(event=conf.event, created_at__lte=now - delay)
            .filter(models_q_not_reminded_since(now - delay))
            .select_related("company", "event")
        )
        for order in due:
            for rep in order.company.representatives.all():
                notify.tell(
                    rep,
                    "events.unpaid_reminder",
                    sms=False,
                    extra={
                        "company": order.company.name,
                        "amount": str(order.total_gross),
                        "checkout_url": absolute_url("events:area_checkout", slug=order.event.slug),
                    },
                )
            order.reminded_at = now
            order.save(update_fields=["reminded_at"])
            sent += 1
    return sent


def models_q_not_reminded_since(when):
    from django.db.models import Q

    return Q(reminded_at__isnull=True) | Q(reminded_at__lte=when)


def settle_many(order_ids: list[int], *, progress_id=None, settled_by: str = "batch") -> int:
    """Settle many orders (invoices issued), reporting progress: the background job behind
    bulk payment records (a bank statement, a shop's daily file)."""
    from civitas.core import jobs

    done = 0
    total = len(order_ids) or 1
    for i, pk in enumerate(order_ids, start=1):
        order = Order.objects.filter(pk=pk).first()
        if order is not None and order.status != Order.Status.PAID:
            settle(order, settled_by=settled_by)
            done += 1
        if progress_id and (i % 50 == 0 or i == total):
            jobs.update(progress_id, i / total, f"{i}/{total}")
    return done
