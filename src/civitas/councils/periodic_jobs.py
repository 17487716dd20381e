from datetime import timedelta

from civitas.core.periodic import periodic


@periodic("councils.reminders", every=timedelta(minutes=15))
def reminders():
    from .services.sending import send_due_reminders

    return f"{send_due_reminders()} reminder(s) sent"


@periodic("councils.purge", every=timedelta(days=1))
def purge():
    from .services.retention import purge_expired

    return f"{purge_expired()} sitting(s) purged"
