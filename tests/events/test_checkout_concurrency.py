"""PostgreSQL: a payment notification and the organiser's "mark paid" at the same time
settle the order once (one invoice, one promo use); without the lock both settle."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from civitas.core import locking
from civitas.core.billing.models import Invoice, Seller
from civitas.events.models import EventPayment, Order, PriceCategory, PromoCode
from civitas.events.services import checkout
from tests.events.conftest import make_company, make_event


def _setup():
    event = make_event("course")
    seller = Seller.objects.create(
        name="CCI", siret="13002526500013", address="1", postcode="75001", city="Paris"
    )
    EventPayment.objects.create(event=event, seller=seller, providers=["demo"])
    cat = PriceCategory.objects.create(event=event, name="Entreprise", amount=Decimal("100"))
    PromoCode.objects.create(event=event, code="DIX", kind="amount", value=10)
    company = make_company(event, "Race SA", validated=False)
    order = checkout.open_order(company, cat)
    return checkout.apply_promo(order, "DIX")


def _race(order, locks):
    barrier = threading.Barrier(2)
    errors = []

    def work(n):
        try:
            barrier.wait()
            checkout.settle(Order.objects.get(pk=order.pk), settled_by=f"worker {n}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
    with locking.race_test(locks=locks, after_checks=0.5):
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert not errors, errors
    return Invoice.objects.filter(source=order.key).count(), PromoCode.objects.get().used


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_order_is_invoiced_twice():
    assert _race(_setup(), locks=False) == (2, 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_the_lock_the_order_is_settled_once():
    assert _race(_setup(), locks=True) == (1, 1)
