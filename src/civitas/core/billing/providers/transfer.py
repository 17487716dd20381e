"""Bank transfer: the payer is given the seller's IBAN and the payment's reference; the
organiser reconciles by hand or with the bank's CSV statement (`payments.reconcile_csv`)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import register
from .base import PaymentProvider, Start


@register
class TransferProvider(PaymentProvider):
    code = "transfer"
    label = _("Bank transfer")
    redirects = False

    def start(self, payment, *, notify_url, return_url):
        iban = payment.options.get("iban", "")
        text = gettext(
            "Transfer %(amount)s € to IBAN %(iban)s with the reference %(reference)s."
        ) % {"amount": payment.amount, "iban": iban or "—", "reference": payment.reference}
        return Start(instructions=text)
