"""PayFiP (DGFiP card payment for public bodies), SOAP through zeep.

`creerPaiementSecurise` (collectivity number, mode T/X/W, year, reference
`[A-Za-z0-9]{1,30}`, amount in cents, payer e-mail, object, notification and return URLs)
gives an `idOp`; the payer goes to PayFiP with it. A notification or the return only carries
the `idOp`: it is never trusted, the result is read with `recupererDetailPaiementSecurise`
(resultrans P or V paid, R or Z refused, A abandoned; the fault "P5" means still pending;
an idOp lives 15 minutes).

Settings: CIVITAS_PAYFIP = {"wsdl": ..., "numcli": "...", "mode": "T",
"pay_url": "https://www.payfip.gouv.fr/tpa/paiementws.web", "timeout": 10}.
"""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import register
from .base import Notice, NoticeRefused, Outcome, PaymentProvider, ProviderDown, Start

REFERENCE = re.compile(r"^[A-Za-z0-9]{1,30}$")
RESULTS = {
    "P": Outcome.PAID,
    "V": Outcome.PAID,
    "R": Outcome.REFUSED,
    "Z": Outcome.REFUSED,
    "A": Outcome.ABANDONED,
}


def config(payment=None) -> dict:
    conf = {
        "wsdl": "https://www.tipi.budget.gouv.fr/tpa/services/securite?wsdl",
        "pay_url": "https://www.payfip.gouv.fr/tpa/paiementws.web",
        "mode": "T",
        "numcli": "",
        "timeout": 10,
    }
    conf.update(getattr(settings, "CIVITAS_PAYFIP", {}))
    if payment is not None:
        conf.update({k: v for k, v in payment.options.items() if k in ("numcli", "mode")})
    return conf


def _client(conf):
    from zeep import Client
    from zeep.transports import Transport

    t = conf["timeout"]
    return Client(conf["wsdl"], transport=Transport(timeout=t, operation_timeout=t))


@register
class PayFipProvider(PaymentProvider):
    code = "payfip"
    label = _("Card payment (PayFiP)")

    def start(self, payment, *, notify_url, return_url):
        from zeep.exceptions import Fault

        conf = config(payment)
        if not REFERENCE.match(payment.reference):
            raise ValueError("PayFiP references are 1 to 30 letters or digits.")
        try:
            answer = _client(conf).service.creerPaiementSecurise(
                arg0={
                    "exer": str(timezone.localdate().year),
                    "idcoll": conf["numcli"],
                    "mel": payment.payer_email,
                    "montant": str(int(payment.amount * 100)),
                    "objet": (payment.label or payment.reference)[:100],
                    "refdet": payment.reference,
                    "saisie": conf["mode"],
                    "urlnotif": notify_url,
                    "urlredirect": return_url,
                }
            )
        except Fault as exc:
            raise ProviderDown(f"PayFiP refused the payment: {exc.message}") from exc
        except Exception as exc:
            raise ProviderDown(f"PayFiP unreachable: {exc}") from exc
        id_op = answer["idOp"] if not isinstance(answer, str) else answer
        url = f"{conf['pay_url']}?{urlencode({'idop': id_op})}"
        return Start(redirect_url=url, provider_ref=id_op)

    def fetch(self, payment):
        from zeep.exceptions import Fault

        if not payment.provider_ref:
            return None
        conf = config(payment)
        try:
            detail = _client(conf).service.recupererDetailPaiementSecurise(
                arg0={"idOp": payment.provider_ref}
            )
        except Fault as exc:
            if "P5" in (exc.message or "") or "P5" in str(getattr(exc, "code", "")):
                return Notice(payment.reference, Outcome.PENDING, payment.provider_ref)
            raise ProviderDown(f"PayFiP: {exc.message}") from exc
        except Exception as exc:
            raise ProviderDown(f"PayFiP unreachable: {exc}") from exc
        outcome = RESULTS.get(detail["resultrans"], Outcome.PENDING)
        if detail["refdet"] != payment.reference:
            raise NoticeRefused("PayFiP answered for another reference.")
        return Notice(
            reference=payment.reference,
            outcome=outcome,
            provider_ref=payment.provider_ref,
            amount_cents=int(detail["montant"]),
            transaction_id=detail["numauto"] or "",
        )

    def parse_notice(self, request):
        from ..models import Payment

        id_op = request.POST.get("idOp") or request.POST.get("idop") or request.GET.get("idOp")
        if not id_op:
            raise NoticeRefused("No idOp.")
        payment = Payment.objects.filter(provider=self.code, provider_ref=id_op).first()
        if payment is None:
            raise LookupError(id_op)
        notice = self.fetch(payment)  # verification: ask PayFiP, never trust the notice
        return notice
