"""Two workers sending the same messages at once: each is delivered exactly once."""

import threading
from collections import Counter

import pytest
from django.db import connection

from civitas.core.outbox import services
from civitas.core.outbox.models import Message


def _race(ids, workers=4):
    barrier = threading.Barrier(workers)
    errors = []

    def work():
        try:
            barrier.wait()
            services.send_batch(ids)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_send_twice(smtp_server):
    smtp_server.start()
    ids = [
        Message.objects.create(to=f"p{i}@example.org", subject="S", body_text="B").pk
        for i in range(60)
    ]
    _race(ids)
    assert Counter(smtp_server.handler.ids()) == Counter(dict.fromkeys(ids, 1))
    assert set(Message.objects.values_list("state", "attempts")) == {("sent", 1)}
