from datetime import timedelta

from civitas.core.periodic import periodic


@periodic("events.expire_requests", every=timedelta(hours=1))
def expire_requests():
    from .services.meetings import expire_requests as run

    return f"{run()} request(s) expired"


@periodic("events.purge_conversations", every=timedelta(days=1))
def purge_conversations():
    from .services.messaging import purge_old_conversations

    return f"{purge_old_conversations()} conversation(s) of past events deleted"


@periodic("events.expire_waitlist", every=timedelta(minutes=5))
def expire_waitlist():
    from .services.waitlist import expire

    return f"{expire()} waiting list entr(y/ies) expired"


@periodic("events.webhooks_due", every=timedelta(minutes=1))
def webhooks_due():
    from .services.webhooks import due

    return due()


@periodic("events.purge_webhook_deliveries", every=timedelta(days=1))
def purge_webhook_deliveries():
    from .services.webhooks import purge_finished

    return f"{purge_finished()} finished webhook deliver(y/ies) deleted"


@periodic("events.expire_animation_offers", every=timedelta(minutes=5))
def expire_animation_offers():
    from .services.animations import expire_offers

    return f"{expire_offers()} animation seat offer(s) expired"


@periodic("events.animation_fill_alerts", every=timedelta(hours=6))
def animation_fill_alerts():
    from .services.animations import fill_alerts

    return f"{fill_alerts()} fill-rate alert(s) sent"


@periodic("events.event_fill_alerts", every=timedelta(hours=6))
def event_fill_alerts():
    from .services.dashboard import forecast_alerts

    return f"{forecast_alerts()} registration forecast alert(s) sent"


@periodic("events.send_reminders", every=timedelta(minutes=5))
def send_reminders():
    from .services.reminders import run_due

    return f"{run_due()} reminder(s) sent"


@periodic("events.send_surveys", every=timedelta(minutes=15))
def send_surveys():
    from .services.feedback import send_due

    return f"{send_due()} survey message(s) sent"


@periodic("events.unpaid_reminders", every=timedelta(days=1))
def unpaid_reminders():
    from .services.checkout import send_unpaid_reminders

    return f"{send_unpaid_reminders()} unpaid order(s) reminded"


@periodic("events.resume_agenda_links", every=timedelta(minutes=5))
def resume_agenda_links():
    from .services.agenda_pdf import resume_stalled_links

    return f"{resume_stalled_links()} stalled agenda links mailing(s) taken up again"
