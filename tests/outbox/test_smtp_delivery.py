"""Delivery through a real SMTP server (aiosmtpd): outage, resumption, exactly once."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from civitas.core import periodic
from civitas.core.outbox import services
from civitas.core.outbox.models import Message

pytestmark = pytest.mark.django_db


def run_retry_job():
    return periodic.run_due(force=True, only="outbox.retry_due")


def time_passes():
    """The back-off delay elapses."""
    Message.objects.filter(next_attempt_at__isnull=False).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_outage_then_each_message_delivered_exactly_once(
    smtp_server, django_capture_on_commit_callbacks
):
    # The server is down: messages are queued, the send task fails, they wait.
    with django_capture_on_commit_callbacks(execute=True):
        sent = [
            services.queue_email(f"person{i}@example.org", f"Confirmation {i}", f"Hello {i}")
            for i in range(7)
        ]
    for msg in sent:
        msg.refresh_from_db()
        assert msg.state == Message.State.RETRYING
        assert msg.attempts == 1
        assert "Connection refused" in msg.last_error or "Errno" in msg.last_error
        assert msg.next_attempt_at > timezone.now()
    assert smtp_server.handler.messages == []

    # Still down at the next retry: still waiting, one more attempt recorded.
    time_passes()
    assert run_retry_job() == [("outbox.retry_due", "ok")]
    assert set(Message.objects.values_list("state", flat=True)) == {"retrying"}
    assert set(Message.objects.values_list("attempts", flat=True)) == {2}

    # A retry job before the back-off delay has elapsed sends nothing.
    smtp_server.start()
    run_retry_job()
    assert smtp_server.handler.messages == []

    # The server is back and the delay has passed: everything goes out.
    time_passes()
    run_retry_job()
    assert set(Message.objects.values_list("state", flat=True)) == {"sent"}
    # Later runs (and a duplicate task for the same ids) send nothing again.
    run_retry_job()
    services.send_batch([m.pk for m in sent])
    time_passes()
    run_retry_job()

    counts = Counter(smtp_server.handler.ids())
    assert counts == Counter({m.pk: 1 for m in sent})
    received = {m["rcpt"][0]: m["msg"] for m in smtp_server.handler.messages}
    assert received["person3@example.org"]["Subject"] == "Confirmation 3"
    assert received["person3@example.org"].get_payload().strip() == "Hello 3"
    for msg in Message.objects.all():
        assert msg.sent_at is not None
        assert msg.attempts == 3


def test_one_transaction_uses_one_connection_per_batch(
    smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.CIVITAS_OUTBOX_BATCH_SIZE = 10
    smtp_server.start()
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(25):
            services.queue_email(f"p{i}@example.org", "Subject", "Body")
    assert len(smtp_server.handler.messages) == 25
    assert smtp_server.handler.sessions == 3  # 10 + 10 + 5
    assert Message.objects.filter(state="sent").count() == 25


def test_nothing_is_sent_before_commit_or_after_rollback(
    smtp_server, django_capture_on_commit_callbacks
):
    from django.db import transaction

    smtp_server.start()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.queue_email("rolled@example.org", "Lost", "Lost")
                raise RuntimeError("business rule failed")
        except RuntimeError:
            pass
        kept = services.queue_email("kept@example.org", "Kept", "Kept")
    assert [m["rcpt"] for m in smtp_server.handler.messages] == [["kept@example.org"]]
    assert list(Message.objects.values_list("pk", flat=True)) == [kept.pk]


def test_permanent_refusal_fails_without_retry(smtp_server, django_capture_on_commit_callbacks):
    class Refusing(type(smtp_server.handler)):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.startswith("unknown"):
                return "550 No such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    smtp_server.handler = Refusing()
    smtp_server.start()
    with django_capture_on_commit_callbacks(execute=True):
        bad = services.queue_email("unknown@example.org", "S", "B")
        good = services.queue_email("known@example.org", "S", "B")
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.state == "failed"
    assert "550" in bad.last_error
    assert bad.next_attempt_at is None
    assert good.state == "sent"


def test_cc_admins_and_headers(smtp_server, django_capture_on_commit_callbacks, settings):
    settings.CIVITAS_OUTBOX_ADMIN_CC = ["admin1@example.org", "admin2@example.org"]
    smtp_server.start()
    with django_capture_on_commit_callbacks(execute=True):
        msg = services.queue_email("p@example.org", "S", "B", cc_admins=True)
    assert msg.cc == "admin1@example.org, admin2@example.org"
    (received,) = smtp_server.handler.messages
    assert sorted(received["rcpt"]) == ["admin1@example.org", "admin2@example.org", "p@example.org"]
    assert received["msg"]["Cc"] == "admin1@example.org, admin2@example.org"
