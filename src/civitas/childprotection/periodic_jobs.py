"""Periodic jobs of child protection."""

from datetime import timedelta

from civitas.core.periodic import periodic


@periodic("childprotection.deadline_alerts", every=timedelta(days=1))
def deadline_alerts():
    from .services.deadlines import alert_assigned

    return f"{alert_assigned()} deadline reminder(s) sent"


@periodic("childprotection.retention_purge", every=timedelta(days=1))
def retention_purge():
    from .services.retention import purge

    return f"{purge()} file(s) past their retention removed"
