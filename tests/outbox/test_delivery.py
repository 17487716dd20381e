"""The core delivery engine (civitas.core.delivery) on the outbox's messages: claim,
back-off, dead letter, requeue, purge; row locks with SKIP LOCKED on PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from civitas.core import periodic
from civitas.core.delivery import DeliveryError, DeliveryQueue
from civitas.core.outbox import services
from civitas.core.outbox.models import Message

pytestmark = pytest.mark.django_db


class Queue(DeliveryQueue):
    model = Message

    def max_attempts(self):
        return 3

    def retry_base(self):
        return 10

    def keep_days(self):
        return 30

    def enqueue(self, ids):
        self.enqueued = list(ids)


def _msg(**fields):
    return Message.objects.create(to="a@example.org", subject="S", body_text="B", **fields)


def test_deliver_retries_with_backoff_then_dead_letters():
    queue, msg = Queue(), _msg()
    calls = []

    def send(row):
        calls.append(row.attempts)
        raise OSError("down")

    delays = []
    for _ in range(3):
        before = timezone.now()
        counts = queue.deliver([msg.pk], send)
        msg.refresh_from_db()
        if msg.next_attempt_at:
            delays.append(round((msg.next_attempt_at - before).total_seconds()))
        Message.objects.filter(pk=msg.pk).update(next_attempt_at=timezone.now())
    assert calls == [1, 2, 3] and delays == [10, 20]
    assert counts == {"done": 0, "retrying": 0, "failed": 1}
    assert msg.state == "failed" and msg.last_error == "OSError: down"
    # A dead letter is not claimed again by itself; a person requeues it.
    assert queue.claim([msg.pk]) == []
    assert queue.requeue(msg, reset_attempts=True)
    assert queue.deliver([msg.pk], lambda row: {"provider_id": "ok-1"})["done"] == 1
    msg.refresh_from_db()
    assert (msg.state, msg.attempts, msg.provider_id) == ("sent", 1, "ok-1") and msg.sent_at


def test_permanent_error_dead_letters_at_once_with_its_fields():
    queue, msg = Queue(), _msg()

    def send(row):
        raise DeliveryError("refused", permanent=True, fields={"provider_id": "x"})

    assert queue.deliver([msg.pk], send)["failed"] == 1
    msg.refresh_from_db()
    assert (msg.state, msg.attempts, msg.last_error, msg.provider_id) == (
        "failed",
        1,
        "refused",
        "x",
    )


def test_run_due_recovers_interrupted_and_enqueues_due_rows():
    queue = Queue()
    now = timezone.now()
    stale = _msg(state="sending", claimed_at=now - timedelta(hours=1))
    due = _msg(next_attempt_at=now - timedelta(seconds=1))
    _msg(state="retrying", next_attempt_at=now + timedelta(hours=1))  # not yet
    _msg(state="sent")
    assert queue.run_due(now) == (2, 1)
    assert sorted(queue.enqueued) == sorted([stale.pk, due.pk])
    stale.refresh_from_db()
    assert stale.state == "retrying" and "Interrupted" in stale.last_error


def test_purge_keeps_waiting_rows(settings):
    queue = Queue()
    now = timezone.now()
    old, recent = now - timedelta(days=40), now - timedelta(days=5)
    ids = {}
    for name, state, created, sent in [
        ("old_sent", "sent", old, old),
        ("late_sent", "sent", old, recent),
        ("old_failed", "failed", old, None),
        ("old_retrying", "retrying", old, None),
        ("old_queued", "queued", old, None),
        ("recent_sent", "sent", recent, recent),
    ]:
        ids[name] = _msg(state=state, created_at=created, sent_at=sent).pk
    assert queue.purge(now) == 2
    left = set(Message.objects.values_list("pk", flat=True))
    assert left == {ids[n] for n in ("late_sent", "old_retrying", "old_queued", "recent_sent")}
    # The outbox keeps everything unless CIVITAS_OUTBOX_KEEP_DAYS is set (retention rules
    # of the register of processing apply); then its daily job purges.
    assert services.purge_finished(now) == 0
    settings.CIVITAS_OUTBOX_KEEP_DAYS = 1
    periodic.run_due(force=True, only="outbox.purge_finished")
    assert set(Message.objects.values_list("pk", flat=True)) == {
        ids["old_retrying"],
        ids["old_queued"],
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_claim_skips_rows_locked_by_another_worker():
    """A worker holding a row lock (FOR UPDATE) does not block another claim, which skips
    that row at once and takes the others."""
    queue = Queue()
    locked, free = _msg(), _msg()
    holding, release, result = threading.Event(), threading.Event(), {}

    def other_worker():
        try:
            with transaction.atomic():
                list(Message.objects.select_for_update().filter(pk=locked.pk))
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert holding.wait(10)
        started = timezone.now()
        result["won"] = [m.pk for m in queue.claim([locked.pk, free.pk])]
        waited = timezone.now() - started
    finally:
        release.set()
        thread.join()
    assert result["won"] == [free.pk] and waited < timedelta(seconds=5)
    assert [m.pk for m in queue.claim([locked.pk])] == [locked.pk]  # free again afterwards
