"""The one locking helper: row locks and named (advisory) locks for state changes that race.

A service that checks something and then writes ("is the last table free?", "is the quota
reached?") takes its locks first, inside its transaction, then checks, then writes::

    from civitas.core import locking

    @transaction.atomic
    def book(slot, people):
        locking.lock(rows=[Slot.objects.filter(pk=slot.pk), people_queryset],
                     names=[f"events.slot:{slot.pk}"])
        ...checks...
        locking.checkpoint()   # tests widen the race window here
        ...writes...

- Row locks are ``SELECT ... FOR UPDATE`` on PostgreSQL, taken in primary-key order (one
  query per queryset, querysets in the order given), so two transactions taking the same
  rows never deadlock. Lock the rows in the same order everywhere (for example the slot,
  then the people).
- Named locks are PostgreSQL transaction-scoped advisory locks
  (``pg_advisory_xact_lock``) keyed by a stable 64-bit hash of the name, for a thing that
  has no row to lock (an invoice number series, "the event's schedule"). They are released
  at the end of the transaction.
- On SQLite both are no-ops and still correct: the settings open every transaction with
  ``BEGIN IMMEDIATE`` (``transaction_mode``), so one writer at a time holds the database
  from the start of its transaction; a second writer waits (busy timeout) and then sees the
  first one's rows.

Every call must run inside ``transaction.atomic()``: a lock outside a transaction would be
released at once, so ``lock`` refuses to run in autocommit mode.

Tests prove a race exists without the locks, then that the locks prevent it, through the
one test hook ``race_test`` (see tests/events/test_concurrency.py).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.db import connections, transaction
from django.db.models import QuerySet

__all__ = ["advisory_key", "checkpoint", "lock", "race_test"]

# The test hook's state: module-wide (not thread-local) because the race tests run the
# competing service calls in threads.
_enabled = True
_after_checks: Callable[[], None] | None = None


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (the same in every process and release)."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock(
    *,
    rows: Iterable[QuerySet] = (),
    names: Iterable[str] = (),
    using: str = "default",
) -> list:
    """Lock these rows (each queryset in primary-key order) and these names until the end of
    the current transaction. Returns the locked rows (a list per queryset, flattened)."""
    if not transaction.get_connection(using).in_atomic_block:
        raise RuntimeError("locking.lock() must run inside transaction.atomic().")
    if not _enabled:
        return [obj for qs in rows for obj in qs]
    connection = connections[using]
    locked = []
    if connection.vendor == "postgresql":
        keys = sorted({advisory_key(name) for name in names})
        if keys:
            with connection.cursor() as cur:
                for key in keys:  # in key order: two transactions never wait on each other
                    cur.execute("SELECT pg_advisory_xact_lock(%s)", [key])
    for qs in rows:
        if not qs.query.order_by:
            qs = qs.order_by("pk")
        # `of=("self",)`: only this model's rows, even when select_related joins others.
        locked.extend(qs.select_for_update(of=("self",)))
    return locked


def checkpoint() -> None:
    """Mark the point between a service's checks and its writes. Does nothing, except under
    `race_test`, which runs its hook there (a pause) to widen the race window."""
    if _after_checks is not None:
        _after_checks()


@contextmanager
def race_test(*, locks: bool = True, after_checks: float | Callable[[], None] = 0.5):
    """The test hook: inside this block every `checkpoint()` pauses (`after_checks` seconds,
    or calls it), and with ``locks=False`` every `lock()` becomes a plain read, so a test
    can first show the race the locks prevent. For tests only; not thread-safe to nest."""
    global _enabled, _after_checks
    hook = after_checks if callable(after_checks) else (lambda: time.sleep(after_checks))
    previous = (_enabled, _after_checks)
    _enabled, _after_checks = locks, hook
    try:
        yield
    finally:
        _enabled, _after_checks = previous
