"""Background jobs of the outbox (Django tasks API)."""

from django_tasks import task


@task()
def send_messages(ids: list[int]) -> dict:
    """Send these messages (one SMTP connection for the whole batch)."""
    from .services import send_batch

    return send_batch(ids)


@task()
def prepare_mailing(mailing_id: int) -> int:
    """Create one message per recipient of a mailing, spread over time by its rate."""
    from .services import prepare_mailing as prepare

    return prepare(mailing_id)
