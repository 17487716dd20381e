"""Periodic jobs of billing: pending VIES checks asked again; PayFiP payments left pending
read again from the provider."""

from datetime import timedelta

from civitas.core.periodic import periodic


@periodic("billing.recheck_vat", every=timedelta(minutes=15))
def recheck_vat():
    from .vies import recheck_pending

    return f"{recheck_pending()} VAT check(s) answered"


@periodic("billing.poll_pending_payments", every=timedelta(minutes=10))
def poll_pending_payments():
    from .payments import poll_pending

    return f"{poll_pending()} payment(s) settled"
