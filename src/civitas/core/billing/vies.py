"""VIES checks over SOAP (zeep), stored as a trace (`VatCheck`).

`check(number, country)` asks `checkVatApprox` with the seller's own VAT number as the
requester, so VIES returns a consultation number (requestIdentifier), the proof of the
check. VIES down (network error, timeout, MS_UNAVAILABLE, SERVICE_UNAVAILABLE...): the check
is PENDING and `recheck_pending()` (periodic job) asks again; the answer sends the signal
`vat_check_resolved` so the module holding the order can go on.

Settings: `CIVITAS_VIES_WSDL` (the Commission's WSDL by default), `CIVITAS_VIES_TIMEOUT`
(seconds, 10), `CIVITAS_VAT_NUMBER` (requester: the body's own VAT number; else the first
seller's).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone

from . import vat
from .models import Seller, VatCheck
from .signals import vat_check_resolved

log = logging.getLogger(__name__)

DEFAULT_WSDL = "https://ec.europa.eu/taxation_customs/vies/checkVatService.wsdl"
# Faults meaning "the answer is no" rather than "ask again later".
_INVALID_FAULTS = {"INVALID_INPUT", "INVALID_REQUESTER_INFO"}
MAX_ATTEMPTS = 200


def _client():
    from zeep import Client
    from zeep.plugins import HistoryPlugin
    from zeep.transports import Transport

    history = HistoryPlugin()
    timeout = getattr(settings, "CIVITAS_VIES_TIMEOUT", 10)
    transport = Transport(timeout=timeout, operation_timeout=timeout)
    wsdl = getattr(settings, "CIVITAS_VIES_WSDL", DEFAULT_WSDL)
    return Client(wsdl, transport=transport, plugins=[history]), history


def _envelope(item):
    from lxml import etree

    if not item:
        return ""
    return etree.tostring(item["envelope"], encoding="unicode", pretty_print=True)


def requester_number() -> str:
    number = getattr(settings, "CIVITAS_VAT_NUMBER", "")
    if not number:
        seller = Seller.objects.exclude(vat_number="").order_by("pk").first()
        number = seller.vat_number if seller else ""
    return vat.normalise_vat_number(number)


def check(number: str, country: str) -> VatCheck:
    """Check `number` (format first, then VIES) and store the trace. A format error gives
    an INVALID check without asking VIES."""
    compact = vat.normalise_vat_number(number)
    row = VatCheck(vat_number=compact, country=country.upper(), status=VatCheck.Status.PENDING)
    try:
        vat.check_format(compact, country)
    except ValueError as exc:
        row.status = VatCheck.Status.INVALID
        row.error = str(exc)
        row.checked_at = timezone.now()
        row.save()
        return row
    row.requester_vat_number = requester_number()
    row.save()
    _ask(row)
    return row


def _ask(row: VatCheck) -> None:
    """One VIES call for a stored check; updates the row (status, trace)."""
    from zeep.exceptions import Fault

    row.attempts += 1
    history = None
    try:
        client, history = _client()
        kwargs = {"countryCode": row.vat_number[:2], "vatNumber": row.vat_number[2:]}
        if row.requester_vat_number:
            kwargs["requesterCountryCode"] = row.requester_vat_number[:2]
            kwargs["requesterVatNumber"] = row.requester_vat_number[2:]
        answer = client.service.checkVatApprox(**kwargs)
    except Fault as exc:
        code = (exc.message or "").strip()
        row.error = code[:300]
        if code in _INVALID_FAULTS:
            row.status = VatCheck.Status.INVALID
            row.checked_at = timezone.now()
    except Exception as exc:  # network, timeout, bad answer: VIES is down for us
        log.warning("VIES unreachable for %s: %s", row.vat_number, exc)
        row.error = f"{type(exc).__name__}: {exc}"[:300]
    else:
        row.error = ""
        row.status = VatCheck.Status.VALID if answer["valid"] else VatCheck.Status.INVALID
        row.consultation_number = answer["requestIdentifier"] or ""
        row.trader_name = answer["traderName"] or ""
        row.trader_address = answer["traderAddress"] or ""
        row.checked_at = timezone.now()
    if history is not None:
        row.request = _envelope(history.last_sent)
        row.answer = _envelope(history.last_received)
    row.save()


def recheck_pending(limit: int = 100) -> int:
    """Ask VIES again for pending checks; returns how many got an answer."""
    resolved = 0
    ids = list(
        VatCheck.objects.filter(status=VatCheck.Status.PENDING, attempts__lt=MAX_ATTEMPTS)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        # No transaction around the network call: two runners asking twice do no harm,
        # and receivers of `vat_check_resolved` are idempotent.
        row = VatCheck.objects.filter(pk=pk, status=VatCheck.Status.PENDING).first()
        if row is None:
            continue
        _ask(row)
        if row.status != VatCheck.Status.PENDING:
            resolved += 1
            vat_check_resolved.send(sender=VatCheck, check=row)
    return resolved
