"""Demo provider: a page of Civitas where the payer clicks "Pay" or "Refuse". For the demo
and the tests; refuse it in production with CIVITAS_PAYMENT_DEMO = False."""

import hashlib
import hmac

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from civitas.core.sites import absolute_url

from . import register
from .base import Notice, NoticeRefused, PaymentProvider, Start


def signature(reference: str, outcome: str) -> str:
    msg = f"{reference}:{outcome}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), msg, hashlib.sha256).hexdigest()


@register
class DemoProvider(PaymentProvider):
    code = "demo"
    label = _("Demo payment (no real money)")

    def start(self, payment, *, notify_url, return_url):
        if not getattr(settings, "CIVITAS_PAYMENT_DEMO", True):
            raise NoticeRefused("The demo provider is switched off.")
        return Start(redirect_url=absolute_url("billing:demo_pay", token=payment.token))

    def parse_notice(self, request):
        reference = request.POST.get("reference", "")
        outcome = request.POST.get("outcome", "")
        given = request.POST.get("signature", "")
        if outcome not in ("paid", "refused") or not hmac.compare_digest(
            given, signature(reference, outcome)
        ):
            raise NoticeRefused("Bad signature.")
        return Notice(reference=reference, outcome=outcome, transaction_id=f"demo-{reference}")
