"""The chamber's online shop (external order module), XML over HTTP. The messages are
defined in docs/admin/evenements-paiement.md ("Boutique en ligne de la CCI").

- Order: POST {url}/orders, body `<order>` (namespace urn:civitas:cci-shop:1) with the
  event's `store_key`, our reference, amount in cents, buyer, label, notification and
  return URLs; header `X-Civitas-Signature: sha256=<HMAC-SHA256 of the body with the
  mode's secret>`. Answer `<order-accepted shop_order_id=".." payment_url=".."/>` or
  `<order-refused reason=".."/>`.
- Return message: the shop POSTs `<payment-result>` (store_key, reference, shop_order_id,
  status paid|refused|cancelled, amount_cents, transaction_id, timestamp) to the
  notification URL, signed the same way. A bad signature, another store_key, another
  amount or a timestamp more than CIVITAS_CCI_SHOP["max_age"] seconds (900) away is
  refused; a replay of a known result changes nothing (payments.apply).

Settings: CIVITAS_CCI_SHOP = {"test": {"url": ..., "secret": ...},
"production": {"url": ..., "secret": ...}, "timeout": 10, "max_age": 900};
per payment options: {"store_key": ..., "mode": "test"|"production"}.
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import register
from .base import Notice, NoticeRefused, Outcome, PaymentProvider, ProviderDown, Start

NS = "urn:civitas:cci-shop:1"
STATUSES = {"paid": Outcome.PAID, "refused": Outcome.REFUSED, "cancelled": Outcome.ABANDONED}


def _conf():
    return getattr(settings, "CIVITAS_CCI_SHOP", {})


def _mode_conf(mode):
    conf = _conf().get(mode or "test")
    if not conf:
        raise ProviderDown(f"No settings for the CCI shop in mode {mode!r}.")
    return conf


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def order_xml(payment, *, notify_url, return_url) -> bytes:
    from xml.etree.ElementTree import Element, SubElement, tostring

    root = Element(
        "order",
        {
            "xmlns": NS,
            "store_key": payment.options.get("store_key", ""),
            "reference": payment.reference,
            "currency": payment.currency,
            "amount_cents": str(int(payment.amount * 100)),
        },
    )
    SubElement(root, "buyer", {"email": payment.payer_email})
    SubElement(root, "label").text = payment.label
    SubElement(root, "notify_url").text = notify_url
    SubElement(root, "return_url").text = return_url
    return tostring(root, encoding="utf-8", xml_declaration=True)


def _parse(body: bytes):
    from defusedxml.ElementTree import fromstring

    root = fromstring(body)
    tag = root.tag.split("}", 1)[-1]
    return tag, root


@register
class CciShopProvider(PaymentProvider):
    code = "cci_shop"
    label = _("CCI online shop")

    def start(self, payment, *, notify_url, return_url):
        import requests

        conf = _mode_conf(payment.options.get("mode"))
        body = order_xml(payment, notify_url=notify_url, return_url=return_url)
        try:
            response = requests.post(
                conf["url"].rstrip("/") + "/orders",
                data=body,
                headers={
                    "Content-Type": "application/xml",
                    "X-Civitas-Signature": sign(body, conf["secret"]),
                },
                timeout=_conf().get("timeout", 10),
            )
            tag, root = _parse(response.content)
        except Exception as exc:
            raise ProviderDown(f"CCI shop unreachable: {exc}") from exc
        if tag == "order-accepted" and response.status_code in (200, 201):
            return Start(
                redirect_url=root.get("payment_url", ""),
                provider_ref=root.get("shop_order_id", ""),
            )
        raise ProviderDown(
            f"CCI shop refused the order: {root.get('reason', response.status_code)}"
        )

    def parse_notice(self, request):
        from ..models import Payment

        body = request.body
        try:
            tag, root = _parse(body)
        except Exception as exc:
            raise NoticeRefused("Unreadable XML.") from exc
        if tag != "payment-result":
            raise NoticeRefused("Not a payment result.")
        reference = root.get("reference", "")
        payment = Payment.objects.filter(provider=self.code, reference=reference).first()
        if payment is None:
            raise LookupError(reference)
        conf = _mode_conf(payment.options.get("mode"))
        given = request.headers.get("X-Civitas-Signature", "")
        if not hmac.compare_digest(given, sign(body, conf["secret"])):
            raise NoticeRefused("Bad signature.")
        if root.get("store_key") != payment.options.get("store_key"):
            raise NoticeRefused("Another store_key.")
        try:
            stamp = dt.datetime.fromisoformat(root.get("timestamp", "").replace("Z", "+00:00"))
            amount = int(root.get("amount_cents", ""))
        except ValueError as exc:
            raise NoticeRefused("Bad timestamp or amount.") from exc
        if stamp.tzinfo is None or abs((timezone.now() - stamp).total_seconds()) > _conf().get(
            "max_age", 900
        ):
            raise NoticeRefused("Stale or future timestamp.")
        status = root.get("status", "")
        if status not in STATUSES:
            raise NoticeRefused("Unknown status.")
        if status == "paid" and amount != int(payment.amount * 100):
            raise NoticeRefused("Amount differs from the order.")
        return Notice(
            reference=reference,
            outcome=STATUSES[status],
            provider_ref=root.get("shop_order_id", ""),
            amount_cents=amount,
            transaction_id=root.get("transaction_id", ""),
        )
