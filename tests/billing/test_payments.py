"""Payment providers against local servers (PayFiP SOAP, CCI shop HTTP), the demo page,
bank transfers reconciled from CSV; callbacks idempotent and verified."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from civitas.core import locking
from civitas.core.billing import payments, providers
from civitas.core.billing.models import Payment, PaymentNotice
from civitas.core.billing.providers import cci_shop as shop_provider
from civitas.core.billing.providers import demo as demo_provider
from civitas.core.billing.signals import payment_settled
from civitas.core.models import JournalEntry


@pytest.fixture
def settled():
    seen = []

    def receiver(sender, payment, **kwargs):
        seen.append(payment.reference)

    payment_settled.connect(receiver, weak=False, dispatch_uid="tests.settled")
    yield seen
    payment_settled.disconnect(dispatch_uid="tests.settled")


def _payment(provider, amount="120.00", **options):
    return payments.create(
        payable="tests.order:1",
        amount=Decimal(amount),
        provider=provider,
        payer_email="payer@example.org",
        label="Salon 2027",
        options=options,
    )


def test_registry_lists_the_four_providers():
    assert {"demo", "transfer", "payfip", "cci_shop"} <= {c for c, _l in providers.choices()}
    with pytest.raises(LookupError):
        providers.get("nope")


@pytest.mark.django_db
def test_demo_page_pays_once(client, settled, django_capture_on_commit_callbacks):
    payment = _payment("demo")
    start = payments.start(payment)
    assert start.redirect_url.endswith(reverse("billing:demo_pay", args=[payment.token]))
    page = client.get(reverse("billing:demo_pay", args=[payment.token]))
    assert page.status_code == 200 and payment.reference in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("billing:demo_pay", args=[payment.token]), {"outcome": "paid"})
    assert r.status_code == 302
    assert client.get(r.url).status_code == 200  # the return page (no module return URL)
    payment.refresh_from_db()
    assert payment.state == "paid" and payment.settled_by == "demo page"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("billing:demo_pay", args=[payment.token]), {"outcome": "refused"})
    payment.refresh_from_db()
    assert payment.state == "paid" and settled == [payment.reference]


@pytest.mark.django_db
def test_forged_and_unknown_notifications_change_nothing_and_are_journaled(client):
    payment = _payment("demo")
    url = reverse("billing:notify", args=["demo"])
    forged = client.post(
        url, {"reference": payment.reference, "outcome": "paid", "signature": "0" * 64}
    )
    assert forged.status_code == 400
    payment.refresh_from_db()
    assert payment.state == "pending"
    sig = demo_provider.signature("CIVUNKNOWN", "paid")
    unknown = client.post(url, {"reference": "CIVUNKNOWN", "outcome": "paid", "signature": sig})
    assert unknown.status_code == 404
    verdicts = list(PaymentNotice.objects.values_list("verdict", flat=True))
    assert sorted(verdicts) == ["forged", "unknown"]
    assert JournalEntry.objects.filter(action="billing.payment_notice_refused").count() == 1
    good = demo_provider.signature(payment.reference, "paid")
    ok = client.post(url, {"reference": payment.reference, "outcome": "paid", "signature": good})
    assert ok.status_code == 200
    replay = client.post(
        url, {"reference": payment.reference, "outcome": "paid", "signature": good}
    )
    assert replay.status_code == 200
    assert PaymentNotice.objects.filter(verdict="unchanged").count() == 1
    assert client.post(reverse("billing:notify", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_payfip_create_redirect_and_read_result(
    payfip, client, settled, django_capture_on_commit_callbacks
):
    payment = _payment("payfip", "75.50")
    start = payments.start(payment)
    payment.refresh_from_db()
    assert payment.provider_ref == "idop000001"
    assert start.redirect_url == "https://payfip.example/tpa/paiementws.web?idop=idop000001"
    sent = payfip.state.operations["idop000001"]["params"]
    assert sent["montant"] == "7550" and sent["refdet"] == payment.reference
    assert sent["saisie"] == "T" and sent["mel"] == "payer@example.org"
    assert sent["urlnotif"].endswith("/paiement/notification/payfip/")
    assert str(timezone.localdate().year) == sent["exer"]
    # Still pending (P5): the return page changes nothing.
    assert payments.refresh(payment) == "unchanged"
    payfip.state.operations["idop000001"]["result"] = "V"
    url = reverse("billing:notify", args=["payfip"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"idOp": "idop000001"}).status_code == 200
        assert client.post(url, {"idOp": "idop000001"}).status_code == 200  # replay
    payment.refresh_from_db()
    assert payment.state == "paid" and settled == [payment.reference]
    assert client.post(url, {"idOp": "idop999999"}).status_code == 404


@pytest.mark.django_db
def test_payfip_refused_abandoned_and_wrong_amount(payfip):
    codes = {"R": "refused", "Z": "refused", "A": "abandoned"}
    for code, state in codes.items():
        payment = _payment("payfip")
        payments.start(payment)
        payfip.state.operations[payment.provider_ref]["result"] = code
        payments.refresh(payment)
        payment.refresh_from_db()
        assert payment.state == state
    payment = _payment("payfip")
    payments.start(payment)
    payfip.state.operations[payment.provider_ref].update(result="P", montant="1")
    assert payments.refresh(payment) == "forged"
    payment.refresh_from_db()
    assert payment.state == "pending"


@pytest.mark.django_db
def test_payfip_down_leaves_the_payment_pending(payfip):
    payfip.down = True
    payment = _payment("payfip")
    with pytest.raises(providers.ProviderDown):
        payments.start(payment)
    payment.refresh_from_db()
    assert payment.state == "pending" and "unreachable" in payment.last_error
    payfip.down = False
    payments.start(payment)  # the payer tries again: a new idOp
    assert Payment.objects.get(pk=payment.pk).provider_ref


def _result(
    payment,
    *,
    status="paid",
    amount=None,
    when=None,
    store_key="EVT-SALON",
    secret="s3cret-test",  # noqa: S107
):
    when = when or timezone.now()
    amount = int(payment.amount * 100) if amount is None else amount
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><payment-result xmlns="{shop_provider.NS}" '
        f'store_key="{store_key}" reference="{payment.reference}" shop_order_id="SHOP1" '
        f'status="{status}" amount_cents="{amount}" transaction_id="T1" '
        f'timestamp="{when.isoformat()}"/>'
    ).encode()
    return body, {"HTTP_X_CIVITAS_SIGNATURE": shop_provider.sign(body, secret)}


@pytest.mark.django_db
def test_cci_shop_order_and_return_messages(cci_shop, client):
    payment = _payment("cci_shop", store_key="EVT-SALON", mode="test")
    start = payments.start(payment)
    assert start.redirect_url == "https://boutique.example/pay/SHOP1"
    order = cci_shop.orders[0]
    assert order.get("store_key") == "EVT-SALON" and order.get("amount_cents") == "12000"
    assert order.get("reference") == payment.reference
    url = reverse("billing:notify", args=["cci_shop"])
    post = lambda body, headers: client.post(url, body, content_type="application/xml", **headers)  # noqa: E731
    # Forged (other secret), other store, stale, wrong amount: refused, nothing changes.
    assert post(*_result(payment, secret="guess")).status_code == 400
    assert post(*_result(payment, store_key="OTHER")).status_code == 400
    stale = timezone.now() - dt.timedelta(hours=2)
    assert post(*_result(payment, when=stale)).status_code == 400
    assert post(*_result(payment, amount=1)).status_code == 400
    assert post(b"<not-xml", {}).status_code == 400
    assert Payment.objects.get(pk=payment.pk).state == "pending"
    assert post(*_result(payment)).status_code == 200
    assert post(*_result(payment)).status_code == 200  # replayed: unchanged
    assert post(*_result(payment, status="refused")).status_code == 200
    payment.refresh_from_db()
    assert payment.state == "paid" and payment.provider_ref == "SHOP1"
    assert PaymentNotice.objects.filter(verdict="applied").count() == 1
    assert PaymentNotice.objects.filter(verdict="forged").count() == 5


@pytest.mark.django_db
def test_cci_shop_down_or_refusing_leaves_pending(cci_shop):
    cci_shop.down = True
    payment = _payment("cci_shop", store_key="EVT-SALON", mode="test")
    with pytest.raises(providers.ProviderDown):
        payments.start(payment)
    cci_shop.down = False
    cci_shop.secret = "changed"  # the shop refuses our signature
    with pytest.raises(providers.ProviderDown, match="refused"):
        payments.start(payment)
    assert Payment.objects.get(pk=payment.pk).state == "pending"


@pytest.mark.django_db
def test_bank_transfer_reconciled_from_csv(users):
    a = _payment("transfer", "150.00", iban="FR76...")
    b = _payment("transfer", "99.90")
    start = payments.start(a)
    assert a.reference in start.instructions
    csv_text = (
        "Date;Libellé;Montant\n"
        f"01/12/2026;VIR SEPA DUPONT {a.reference};150,00\n"
        f"02/12/2026;VIR {b.reference.lower()};90,00\n"
        "03/12/2026;VIR SANS REF;10,00\n"
        f"04/12/2026;VIR {a.reference};150,00\n"
    )
    result = payments.reconcile_csv(csv_text, user=users["principal"])
    assert result.matched == [a.reference] and result.already == [a.reference]
    assert [n for n, _l, _r in result.unmatched] == [3, 4]
    assert Payment.objects.get(pk=a.pk).state == "paid"
    assert Payment.objects.get(pk=b.pk).state == "pending"
    with pytest.raises(payments.PaymentError, match="amount column"):
        payments.reconcile_csv("a;b\n1;2\n", user=users["principal"])


def _race(payment, locks):
    barrier = threading.Barrier(2)
    verdicts = []

    def work():
        try:
            barrier.wait()
            _p, verdict = payments.apply(
                providers.Notice(payment.reference, "paid"), provider="demo", settled_by="race"
            )
            verdicts.append(verdict)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    with locking.race_test(locks=locks, after_checks=0.5):
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    return sorted(verdicts)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_a_payment_is_settled_twice():
    assert _race(_payment("demo"), locks=False) == ["applied", "applied"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_the_lock_a_payment_is_settled_once():
    assert _race(_payment("demo"), locks=True) == ["applied", "unchanged"]
