"""Periodic job: send what is due (retries, throttled mailings, lost tasks)."""

from datetime import timedelta

from civitas.core.periodic import periodic


@periodic("outbox.retry_due", every=timedelta(minutes=1))
def retry_due():
    from .services import send_due

    return send_due()
