"""One delivery engine for everything Civitas sends to the outside: e-mails and SMS of the
outbox, webhooks of the modules.

A queue is a model whose rows each hold one thing to send, with these fields:

    state            CharField: the queued, sending, done, retrying and failed states
    attempts         PositiveSmallIntegerField
    next_attempt_at  DateTimeField(null=True)
    claimed_at       DateTimeField(null=True)
    claim_token      CharField(max_length=32)
    last_error       TextField
    created_at       DateTimeField

and a subclass of `DeliveryQueue` that names the model and its settings:

    class HookQueue(DeliveryQueue):
        model = WebhookDelivery
        done_state = "delivered"
        done_at_field = "delivered_at"

        def max_attempts(self):
            return 8

        def enqueue(self, ids):
            deliver_hooks.enqueue(ids)      # the task calls HOOKS.deliver(ids, post)

    HOOKS = HookQueue()

The engine then gives every queue the same life cycle:

- `claim(ids)`: rows due and claimable (queued | retrying) become "sending" and are returned
  to the one caller that won them. On PostgreSQL the rows are first locked with
  SELECT ... FOR UPDATE SKIP LOCKED (a second worker skips them instead of waiting); the
  conditional UPDATE tagged with a fresh token then makes the claim exclusive on every
  database. Each claim counts one attempt.
- `succeed(row)` / `fail(row, error, permanent=False)`: a failure is retried after an
  exponential back-off (`retry_base` seconds, doubled each attempt, capped at `retry_max`)
  until `max_attempts`, then the row is dead-lettered ("failed"); a permanent error
  dead-letters it at once. Failed rows are only sent again by a person (`requeue`).
- `run_due()`: the periodic job: rows left "sending" longer than `stale_after` (a stopped
  worker) are retried, and every due row is handed to `enqueue`.
- `purge()`: deletes delivered and failed rows finished more than `keep_days` ago; waiting
  rows are never deleted.
- `deliver(ids, send)`: claim, call `send(row)` for each, record the outcome. `send` returns
  a dict of extra fields to store, or raises `DeliveryError` (with `permanent` and `fields`)
  or any other exception (a temporary failure).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

INTERRUPTED = "Interrupted while sending (worker stopped?)"


class DeliveryError(Exception):
    """A failed attempt. `permanent`: retrying cannot help (dead letter at once); `fields`:
    extra columns stored with the outcome (status code, answer...)."""

    def __init__(self, message: str, *, permanent: bool = False, fields: dict | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.fields = fields or {}


def error_text(exc) -> str:
    """How an exception is written in `last_error`."""
    if isinstance(exc, DeliveryError):
        return str(exc)[:2000]
    return f"{type(exc).__name__}: {exc}"[:2000]


class DeliveryQueue:
    """The delivery life cycle of one model (see the module docstring)."""

    model: type[models.Model]
    queued_state = "queued"
    sending_state = "sending"
    done_state = "sent"
    retrying_state = "retrying"
    failed_state = "failed"
    done_at_field = "sent_at"
    # select_related() of the rows returned by claim()
    claim_related: tuple[str, ...] = ()
    due_order: tuple[str, ...] = ("next_attempt_at", "pk")

    # --- Settings (override) -----------------------------------------------------------

    def max_attempts(self) -> int:
        return 10

    def retry_base(self) -> int:
        """First retry delay, seconds."""
        return 60

    def retry_max(self) -> int:
        """Longest delay between two attempts, seconds."""
        return 6 * 3600

    def stale_after(self) -> timedelta:
        """A row "sending" for longer was interrupted and is retried."""
        return timedelta(minutes=15)

    def keep_days(self) -> int | None:
        """Finished rows older than this are purged; None keeps them."""
        return None

    def enqueue(self, ids: list[int]) -> None:
        """Hand these ids to a worker (a background task that calls deliver())."""
        raise NotImplementedError

    def retry_scheduled(self, row, next_attempt_at: datetime) -> None:
        """Called after a failure scheduled a new attempt (e.g. enqueue with run_after).
        The periodic run_due() sends due rows anyway."""

    def finished_at(self, row) -> datetime:
        """When a finished row ended (used by purge)."""
        return getattr(row, self.done_at_field, None) or row.created_at

    # --- Life cycle ------------------------------------------------------------------------

    @property
    def claimable(self) -> tuple[str, str]:
        return (self.queued_state, self.retrying_state)

    def backoff(self, attempts: int) -> timedelta:
        seconds = self.retry_base() * (2 ** max(0, attempts - 1))
        return timedelta(seconds=min(seconds, self.retry_max()))

    def _due(self, now) -> Q:
        return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)

    def claim(self, ids: Iterable[int], now=None) -> list:
        """Claim the due, claimable rows among `ids`; returns those this caller won, in the
        order of `ids`."""
        ids = list(ids)
        if not ids:
            return []
        now = now or timezone.now()
        token = uuid.uuid4().hex
        manager = self.model._default_manager
        with transaction.atomic():
            candidates = manager.filter(pk__in=ids, state__in=self.claimable).filter(self._due(now))
            # PostgreSQL: lock the rows, skipping those another worker holds; elsewhere
            # (SQLite) the clause is left out and the conditional UPDATE decides alone.
            locked = list(
                candidates.select_for_update(skip_locked=True)
                .order_by()
                .values_list("pk", flat=True)
            )
            if locked:
                manager.filter(pk__in=locked, state__in=self.claimable).filter(
                    self._due(now)
                ).update(
                    state=self.sending_state,
                    claimed_at=now,
                    claim_token=token,
                    attempts=F("attempts") + 1,
                )
        if not locked:
            return []
        won = manager.filter(claim_token=token, state=self.sending_state)
        if self.claim_related:
            won = won.select_related(*self.claim_related)
        by_pk = {row.pk: row for row in won}
        return [by_pk[pk] for pk in ids if pk in by_pk]

    def succeed(self, row, **fields) -> None:
        now = timezone.now()
        values = {
            "state": self.done_state,
            self.done_at_field: now,
            "next_attempt_at": None,
            "claimed_at": None,
            **fields,
        }
        self.model._default_manager.filter(pk=row.pk, state=self.sending_state).update(**values)
        for name, value in values.items():
            setattr(row, name, value)

    def fail(self, row, error, *, permanent: bool = False, **fields) -> str:
        """Record a failed attempt of a claimed row: retry later, or dead letter. Returns the
        new state."""
        now = timezone.now()
        if permanent or row.attempts >= self.max_attempts():
            state, next_at = self.failed_state, None
        else:
            state, next_at = self.retrying_state, now + self.backoff(row.attempts)
        values = {
            "state": state,
            "last_error": error if isinstance(error, str) else error_text(error),
            "next_attempt_at": next_at,
            "claimed_at": None,
            **fields,
        }
        self.model._default_manager.filter(pk=row.pk, state=self.sending_state).update(**values)
        for name, value in values.items():
            setattr(row, name, value)
        if next_at is not None:
            self.retry_scheduled(row, next_at)
        return state

    def deliver(self, ids: Iterable[int], send: Callable) -> dict:
        """Claim these rows and send each with `send(row)`; returns counts per outcome
        ({"done", "retrying", "failed"})."""
        counts = {"done": 0, "retrying": 0, "failed": 0}
        for row in self.claim(ids):
            try:
                fields = send(row) or {}
            except DeliveryError as exc:
                state = self.fail(row, exc, permanent=exc.permanent, **exc.fields)
            except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
                state = self.fail(row, exc)
            else:
                self.succeed(row, **fields)
                counts["done"] += 1
                continue
            counts["failed" if state == self.failed_state else "retrying"] += 1
        return counts

    def requeue(self, row, *, reset_attempts: bool = False) -> bool:
        """A person sends a failed or waiting row again, now. True if it was requeued."""
        values = {"state": self.retrying_state, "next_attempt_at": timezone.now()}
        if reset_attempts:
            values.update(state=self.queued_state, attempts=0, claimed_at=None)
        return bool(
            self.model._default_manager.filter(
                pk=row.pk, state__in=[self.failed_state, self.retrying_state]
            ).update(**values)
        )

    def recover_stale(self, now=None) -> int:
        now = now or timezone.now()
        return self.model._default_manager.filter(
            state=self.sending_state, claimed_at__lt=now - self.stale_after()
        ).update(
            state=self.retrying_state,
            next_attempt_at=now,
            claimed_at=None,
            last_error=INTERRUPTED,
        )

    def due_ids(self, now=None, limit: int = 10_000) -> list[int]:
        now = now or timezone.now()
        return list(
            self.model._default_manager.filter(state__in=self.claimable)
            .filter(self._due(now))
            .order_by(*self.due_order)
            .values_list("pk", flat=True)[:limit]
        )

    def run_due(self, now=None, limit: int = 10_000) -> tuple[int, int]:
        """Periodic job: recover interrupted sends, enqueue whatever is due.
        Returns (due, interrupted)."""
        now = now or timezone.now()
        stale = self.recover_stale(now)
        ids = self.due_ids(now, limit)
        if ids:
            self.enqueue(ids)
        return len(ids), stale

    def purge(self, now=None, *, chunk: int = 1000) -> int:
        """Delete the rows delivered or dead-lettered more than keep_days() ago. Rows still
        waiting (queued, sending, retrying) are never deleted. Returns the count."""
        days = self.keep_days()
        if days is None:
            return 0
        cutoff = (now or timezone.now()) - timedelta(days=days)
        finished = (self.done_state, self.failed_state)
        manager = self.model._default_manager
        # A row finishes after it was created: an older creation is a necessary condition.
        candidates = manager.filter(state__in=finished, created_at__lt=cutoff)
        ids = [row.pk for row in candidates.iterator() if self.finished_at(row) < cutoff]
        deleted = 0
        for start in range(0, len(ids), chunk):
            deleted += (
                manager.filter(pk__in=ids[start : start + chunk], state__in=finished)
                .delete()[1]
                .get(self.model._meta.label, 0)
            )
        return deleted
