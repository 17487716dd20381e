from datetime import timedelta

from civitas.core.periodic import periodic


@periodic("events.expire_requests", every=timedelta(hours=1))
def expire_requests():
    from .services.meetings import expire_requests as run

    return f"{run()} request(s) expired"
