from datetime import timedelta

from civitas.core.periodic import periodic


@periodic("events.expire_requests", every=timedelta(hours=1))
def expire_requests():
    from .services.meetings import expire_requests as run

    return f"{run()} request(s) expired"


@periodic("events.webhooks_due", every=timedelta(minutes=1))
def webhooks_due():
    from .services.webhooks import due

    return due()
