"""Periodic job: apply the retention rules every day."""

from datetime import timedelta

from civitas.core.periodic import periodic


@periodic("gdpr.purge_expired", every=timedelta(days=1))
def purge_expired():
    from .services import purge_expired as run

    result = run()
    total = sum(v["count"] for v in result["removed"].values())
    msg = f"{total} rows removed or anonymised in {len(result['removed'])} models"
    if result["errors"]:
        msg += "; errors: " + "; ".join(f"{k}: {v}" for k, v in result["errors"].items())
    return msg


@periodic("gdpr.breach_deadlines", every=timedelta(minutes=15))
def breach_deadlines():
    from .breaches import send_due_alerts

    return f"{send_due_alerts()} breach deadline alerts sent"
