"""Periodic jobs: send what is due (retries, throttled mailings, lost tasks); purge old
messages when CIVITAS_OUTBOX_KEEP_DAYS is set."""

from datetime import timedelta

from civitas.core.periodic import periodic


@periodic("outbox.retry_due", every=timedelta(minutes=1))
def retry_due():
    from .services import send_due

    return send_due()


@periodic("outbox.resume_stalled_mailings", every=timedelta(minutes=5))
def resume_stalled_mailings():
    from .services import resume_stalled_mailings as resume

    return f"{resume()} stalled mailing(s) taken up again"


@periodic("outbox.purge_finished", every=timedelta(days=1))
def purge_finished():
    from .services import purge_finished as purge

    return f"{purge()} finished message(s) deleted"
