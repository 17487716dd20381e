from datetime import timedelta

from civitas.core.periodic import periodic


@periodic("support.auto_transitions", every=timedelta(hours=1))
def auto_transitions():
    from .services.automation import auto_transitions as run

    return f"{run()} ticket(s) moved automatically"


@periodic("support.sla_alerts", every=timedelta(minutes=10))
def sla_alerts():
    from .services.automation import alerts

    return f"{alerts()} SLA alert(s) sent"


@periodic("support.quarter_reports", every=timedelta(hours=6))
def quarter_reports():
    from .services.reports import mail_quarter_reports

    return f"{mail_quarter_reports()} quarter report(s) mailed"
