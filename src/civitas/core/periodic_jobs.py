"""Core periodic jobs."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .periodic import periodic


@periodic("core.purge_login_journal", every=timedelta(days=1))
def purge_login_journal():
    from . import journal
    from .models import LoginEvent

    cutoff = timezone.now() - timedelta(days=settings.CIVITAS_LOGIN_JOURNAL_RETENTION_DAYS)
    count, _ = LoginEvent.objects.filter(created_at__lt=cutoff).delete()
    journal.record("purge.login_journal", details={"deleted": count, "before": cutoff.isoformat()})
    return f"{count} login events older than {cutoff:%Y-%m-%d} deleted"


@periodic("core.reap_interrupted_jobs", every=timedelta(minutes=5))
def reap_interrupted_jobs():
    from . import jobs

    return f"{jobs.reap_interrupted()} interrupted background jobs marked as failed"
