"""The one locking helper (civitas.core.locking): named advisory locks, row locks, the test
hook. The race without the lock is shown first, on PostgreSQL."""

import threading

import pytest
from django.db import connection, transaction

from civitas.core import locking


def test_advisory_keys_are_stable_signed_64_bit():
    key = locking.advisory_key("events.slot:1")
    assert key == locking.advisory_key("events.slot:1") != locking.advisory_key("events.slot:2")
    assert -(2**63) <= key < 2**63
    # Fixed for ever: a key that changed between releases would not exclude an old worker.
    assert locking.advisory_key("civitas") == locking.advisory_key("civitas")


@pytest.mark.django_db(transaction=True)
def test_lock_needs_a_transaction_and_returns_the_rows(django_user_model):
    user = django_user_model.objects.create(email="lock@example.org")
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        locking.lock(rows=[django_user_model.objects.all()])
    with transaction.atomic():
        assert locking.lock(rows=[django_user_model.objects.filter(pk=user.pk)]) == [user]
        locking.lock(names=["anything"])  # a no-op on SQLite, a real lock on PostgreSQL


def _counter_race(locks: bool) -> int:
    """Two workers each read a counter, wait, and write it plus one, under a named lock."""
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS locking_counter (n integer)")
        cur.execute("DELETE FROM locking_counter")
        cur.execute("INSERT INTO locking_counter VALUES (0)")
    barrier = threading.Barrier(2)
    errors = []

    def work():
        try:
            barrier.wait()
            with transaction.atomic():
                locking.lock(names=["tests.counter"])
                with connection.cursor() as cur:
                    cur.execute("SELECT n FROM locking_counter")
                    n = cur.fetchone()[0]
                    locking.checkpoint()
                    cur.execute("UPDATE locking_counter SET n = %s", [n + 1])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    with locking.race_test(locks=locks, after_checks=0.5):
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert not errors
    with connection.cursor() as cur:
        cur.execute("SELECT n FROM locking_counter")
        n = cur.fetchone()[0]
        cur.execute("DROP TABLE locking_counter")
    return n


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_named_lock_an_update_is_lost():
    assert _counter_race(locks=False) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_named_lock_serialises_the_workers():
    assert _counter_race(locks=True) == 2
