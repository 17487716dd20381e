"""Prices, promo codes, basket and checkout of a registration, with core billing: VAT by
buyer (VIES through the local SOAP server), payment with the demo provider, invoice,
validation, refund with a credit note."""

import datetime as dt
from decimal import Decimal

import pytest

from civitas.core.billing import invoices, payments
from civitas.core.billing.models import Invoice, Payment
from civitas.events.models import Company, EventPayment, Order, PriceCategory, PromoCode
from civitas.events.services import checkout
from tests.billing.conftest import seller, vies  # noqa: F401 (fixtures)
from tests.events.conftest import make_company

TODAY = dt.date(2027, 1, 15)


@pytest.fixture
def priced(event, seller):  # noqa: F811
    EventPayment.objects.create(event=event, seller=seller, providers=["demo", "transfer"])
    company = PriceCategory.objects.create(
        event=event,
        name="Entreprise",
        amount=Decimal("200.00"),
        early_amount=Decimal("150.00"),
        early_until=TODAY,
    )
    student = PriceCategory.objects.create(event=event, name="Étudiant", amount=Decimal("20.00"))
    internal = PriceCategory.objects.create(
        event=event, name="CCI", amount=Decimal("200.00"), is_internal=True
    )
    return {"company": company, "student": student, "internal": internal}


def test_early_price_until_its_date_then_normal_internal_free(priced):
    cat = priced["company"]
    assert checkout.price_of(cat, TODAY) == Decimal("150.00")
    assert checkout.price_of(cat, TODAY + dt.timedelta(days=1)) == Decimal("200.00")
    assert checkout.price_of(priced["internal"], TODAY) == 0


def test_promo_codes_say_why_they_do_not_apply(event, priced):
    company = make_company(event, "Alpha", validated=False)
    order = checkout.open_order(company, priced["company"])
    PromoCode.objects.create(
        event=event, code="OLD", kind="amount", value=10, valid_until=dt.date(2020, 1, 1)
    )
    PromoCode.objects.create(
        event=event, code="SOON", kind="amount", value=10, valid_from=dt.date(2099, 1, 1)
    )
    PromoCode.objects.create(event=event, code="USED", kind="amount", value=10, max_uses=1, used=1)
    stud = PromoCode.objects.create(event=event, code="STUD", kind="percent", value=50)
    stud.categories.set([priced["student"]])
    for code, reason in [
        ("NOPE", "does not exist"),
        ("OLD", "expired"),
        ("SOON", "valid from"),
        ("USED", "as many times"),
        ("STUD", "not for the audience"),
    ]:
        with pytest.raises(checkout.CheckoutError, match=reason):
            checkout.apply_promo(order, code)
    PromoCode.objects.create(event=event, code="HALF", kind="percent", value=50)
    order = checkout.apply_promo(order, "half")
    early = checkout.price_of(priced["company"]) == Decimal("150.00")
    assert order.total_net == (Decimal("75.00") if early else Decimal("100.00"))
    assert order.total_gross == order.total_net * Decimal("1.2")
    order = checkout.remove_line(order, checkout.PROMO_LINE)
    assert order.total_gross == (Decimal("180.00") if early else Decimal("240.00"))
    with pytest.raises(checkout.CheckoutError, match="cannot be removed"):
        checkout.remove_line(order, checkout.REGISTRATION_LINE)


def test_line_sources_add_removable_items(event, priced):
    def workshops(registration):
        return [invoices.Line("Atelier export", Decimal("30.00"), code="workshop:1")]

    checkout.register_line_source(workshops)
    try:
        company = make_company(event, "Beta", validated=False)
        order = checkout.open_order(company, priced["student"])
        assert order.total_net == Decimal("50.00")
        order = checkout.remove_line(order, "workshop:1")
        assert order.total_net == Decimal("20.00")
        order = checkout.restore_line(order, "workshop:1")
        assert order.total_net == Decimal("50.00")
    finally:
        checkout._sources.remove(workshops)


def test_paid_with_the_demo_provider_invoiced_and_validated(
    event, priced, django_capture_on_commit_callbacks
):
    company = make_company(event, "Gamma", validated=False)
    order = checkout.open_order(company, priced["student"])
    start = checkout.pay(order, "demo")
    assert "/paiement/demo/" in start.redirect_url
    payment = Payment.objects.get(payable=order.key)
    assert payment.amount == Decimal("24.00")
    with django_capture_on_commit_callbacks(execute=True):
        payments.apply(
            checkout.providers.Notice(payment.reference, "paid"), provider="demo", settled_by="t"
        )
    order.refresh_from_db()
    company.refresh_from_db()
    assert order.status == "paid" and company.status == Company.Status.VALIDATED
    invoice = Invoice.objects.get(source=order.key)
    assert invoice.paid and invoice.total_gross == Decimal("24.00")
    # A second settlement (organiser clicks too) changes nothing.
    checkout.settle(order, settled_by="again")
    assert Invoice.objects.filter(source=order.key).count() == 1
    note = checkout.refund(order, user=None, reason="Désistement")
    assert note.refers_to == invoice and note.total_gross == Decimal("-24.00")
    assert Order.objects.get(pk=order.pk).status == "refunded"
    assert Payment.objects.get(pk=payment.pk).state == "refunded"


def test_internal_participant_pays_nothing_and_is_validated(event, priced):
    company = make_company(event, "CCI Interne", validated=False)
    order = checkout.open_order(company, priced["internal"])
    assert order.total_gross == 0
    checkout.pay(order, "demo")
    order.refresh_from_db()
    assert order.status == "paid" and not Invoice.objects.filter(source=order.key).exists()
    assert Company.objects.get(pk=company.pk).status == Company.Status.VALIDATED


def test_eu_business_reverse_charge_and_pending_when_vies_is_down(
    event,
    priced,
    vies,  # noqa: F811
):
    company = make_company(event, "ACME GmbH", validated=False, country="DE")
    Company.objects.filter(pk=company.pk).update(vat_number="DE136695976")
    company.refresh_from_db()
    vies.down = True
    order = checkout.open_order(company, priced["student"])
    assert order.status == "vat_pending" and order.total_vat == 0
    with pytest.raises(checkout.CheckoutError, match="being checked"):
        checkout.pay(order, "demo")
    vies.down = False
    from civitas.core.billing import vies as vies_service

    assert vies_service.recheck_pending() == 1
    order.refresh_from_db()
    assert order.status == "open" and order.total_gross == Decimal("20.00")
    checkout.mark_paid(order, user=None)
    invoice = Invoice.objects.get(source=order.key)
    assert invoice.vat_mention == "Autoliquidation" and invoice.buyer_vat_number == "DE136695976"
    assert invoice.vat_check.consultation_number


def test_non_eu_buyer_is_exempt(event, priced):
    company = make_company(event, "Acme Inc", validated=False, country="US")
    order = checkout.open_order(company, priced["student"])
    assert order.total_gross == Decimal("20.00")
    checkout.mark_paid(order, user=None)
    invoice = Invoice.objects.get(source=order.key)
    assert "259-1°" in invoice.vat_mention and invoice.total_vat == 0


def test_unpaid_orders_are_reminded_after_the_delay(event, priced):
    from civitas.core.outbox.models import Message

    company = make_company(event, "Lent", validated=False)
    order = checkout.open_order(company, priced["student"])
    assert checkout.send_unpaid_reminders() == 0  # too early
    later = order.created_at + dt.timedelta(days=8)
    before = Message.objects.count()
    assert checkout.send_unpaid_reminders(now=later) == 1
    assert Message.objects.count() == before + 1  # one representative
    assert checkout.send_unpaid_reminders(now=later) == 0  # once per delay
    assert checkout.send_unpaid_reminders(now=later + dt.timedelta(days=8)) == 1
    checkout.mark_paid(order, user=None)
    assert checkout.send_unpaid_reminders(now=later + dt.timedelta(days=30)) == 0


def test_batch_settlement_reports_progress_and_numbers_follow(event, priced, users):
    from civitas.core import jobs
    from civitas.core.models import JobProgress

    orders = [
        checkout.open_order(make_company(event, f"Lot {i}", validated=False), priced["student"])
        for i in range(3)
    ]
    job = jobs.create("t", "t", owner=users["principal"])
    assert checkout.settle_many([o.pk for o in orders], progress_id=job.pk) == 3
    assert checkout.settle_many([o.pk for o in orders]) == 0  # already paid
    numbers = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert numbers == [1, 2, 3]
    assert JobProgress.objects.get(pk=job.pk).fraction == 1


def test_price_per_meeting_beyond_those_included(event, priced):
    from civitas.events.models import Meeting, MeetingRequest, Room, Slot

    cat = priced["student"]
    cat.meeting_amount, cat.included_meetings = Decimal("15.00"), 1
    cat.save()
    buyer = make_company(event, "Bavard", validated=True, reps=1)
    rep = buyer.representatives.first()
    room = Room.objects.filter(site__event=event).first()
    for i, slot in enumerate(Slot.objects.filter(session__day__event=event)[:3]):
        other = make_company(event, f"Autre {i}", validated=True).representatives.first()
        request = MeetingRequest.objects.create(
            event=event, sender=rep, recipient=other, state=MeetingRequest.State.CONFIRMED
        )
        Meeting.objects.create(
            event=event, request=request, slot=slot, room=room, table_number=i + 1
        )
    order = checkout.open_order(buyer, cat)
    assert checkout.extra_meetings(order) == 2
    assert order.total_net == Decimal("50.00")  # 20 + 2 × 15
    with pytest.raises(checkout.CheckoutError):
        checkout.remove_line(order, checkout.MEETINGS_LINE)


def test_price_per_meeting_type_expert_meetings_priced_apart(event, priced):
    """Seed 003 §5.2, "une tarification en fonction du type de rendez-vous": a meeting with an
    expert has its own price, beside the price per business meeting."""
    from civitas.events.models import Expert, ExpertMeeting

    cat = priced["student"]
    cat.expert_meeting_amount = Decimal("40.00")
    cat.save()
    buyer = make_company(event, "Curieux", validated=True, reps=2)
    one, two = buyer.representatives.all()
    expert = Expert.objects.create(
        event=event, first_name="Eve", last_name="Expert", email="eve@x.example"
    )
    start = dt.datetime(2027, 3, 10, 9, tzinfo=dt.UTC)
    for i, (rep, state) in enumerate(((one, "scheduled"), (two, "scheduled"), (two, "candidate"))):
        ExpertMeeting.objects.create(
            event=event,
            expert=expert,
            representative=rep,
            state=state,
            start=start + dt.timedelta(minutes=30 * i),
        )
    other = make_company(event, "Autre", validated=True, reps=1).representatives.first()
    ExpertMeeting.objects.create(
        event=event,
        expert=expert,
        representative=other,
        state="scheduled",
        start=start + dt.timedelta(hours=3),
    )
    order = checkout.open_order(buyer, cat)
    assert checkout.expert_meetings(order) == 2  # scheduled ones of this company only
    line = next(x for x in checkout.basket(order) if x.code == checkout.EXPERT_MEETINGS_LINE)
    assert (line.unit_price, line.quantity) == (Decimal("40.00"), Decimal("2"))
    assert order.total_net == Decimal("100.00")  # 20 + 2 × 40
    with pytest.raises(checkout.CheckoutError):
        checkout.remove_line(order, checkout.EXPERT_MEETINGS_LINE)
    # Internal participants pay for no meeting type.
    internal = checkout.open_order(
        make_company(event, "Maison", validated=True), priced["internal"]
    )
    assert checkout.expert_meetings(internal) == 0


def test_paying_twice_reuses_the_payment_and_a_second_settlement_is_journaled(
    event, priced, django_capture_on_commit_callbacks
):
    from civitas.core.models import JournalEntry

    company = make_company(event, "Double", validated=False)
    order = checkout.open_order(company, priced["student"])
    checkout.pay(order, "demo")
    checkout.pay(order, "demo")
    assert Payment.objects.filter(payable=order.key).count() == 1
    checkout.pay(order, "transfer")
    first, second = Payment.objects.filter(payable=order.key).order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        payments.apply(
            checkout.providers.Notice(first.reference, "paid"), provider="demo", settled_by="t"
        )
    with django_capture_on_commit_callbacks(execute=True):
        payments.apply(
            checkout.providers.Notice(second.reference, "paid"),
            provider="transfer",
            settled_by="t",
        )
    assert Invoice.objects.filter(source=order.key).count() == 1
    assert JournalEntry.objects.filter(action="events.order_paid_twice").count() == 1


def test_paid_animations_go_into_the_basket_and_can_be_taken_out(event, priced):
    from civitas.events.models import AnimationRegistration
    from tests.events.animation_helpers import make_animation

    company = make_company(event, "Gamma", validated=False)
    rep = company.representatives.get()
    paid = make_animation(event, "Atelier douanes", price=Decimal("45.00"))
    free = make_animation(event, "Conférence", price=None)
    seat = AnimationRegistration.objects.create(animation=paid, representative=rep)
    AnimationRegistration.objects.create(animation=free, representative=rep)
    order = checkout.open_order(company, priced["student"])
    codes = {line.code: line for line in checkout.basket(order)}
    assert f"animation:{seat.pk}" in codes
    assert codes[f"animation:{seat.pk}"].unit_price == Decimal("45.00")
    assert order.total_net == Decimal("65.00")  # 20 (student) + 45; the free one adds nothing
    order = checkout.remove_line(order, f"animation:{seat.pk}")
    assert order.total_net == Decimal("20.00")
