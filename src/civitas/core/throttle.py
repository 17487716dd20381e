"""Counting attempts in a store every process shares (the database), to slow down abuse.

    from civitas.core import throttle

    if not throttle.hit("events.register.ip", ip, limit=20, period=timedelta(hours=1)):
        raise ServiceError(_("Too many attempts. Try again later."))

Fixed windows of `period` (aligned on the epoch): at most `limit` attempts of the same value
per window. Only a SHA-256 of the value is stored; rows older than a day after their window
are purged by the periodic job "core.purge_throttle".
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import ThrottleCount
from .periodic import periodic

KEEP = timedelta(days=1)


def _key(scope: str, value: str) -> str:
    return hashlib.sha256(f"{scope}\x00{(value or '').strip().lower()}".encode()).hexdigest()


def _window(now, period: timedelta) -> datetime:
    seconds = max(1, int(period.total_seconds()))
    return datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=UTC)


def hit(scope: str, value: str, *, limit: int, period: timedelta, now=None) -> bool:
    """Count one attempt of `value` under `scope`; True while within `limit` per `period`.

    Run it outside the transaction of the attempt (or before anything can roll it back):
    a refused attempt must still count."""
    key = _key(scope, value)
    start = _window(now or timezone.now(), period)
    rows = ThrottleCount.objects.filter(key=key, window_start=start)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    ThrottleCount.objects.create(key=key, window_start=start, count=1)
            except IntegrityError:  # another process created it first
                rows.update(count=F("count") + 1)
        count = rows.values_list("count", flat=True).get()
    return count <= limit


def reset(scope: str, value: str) -> None:
    ThrottleCount.objects.filter(key=_key(scope, value)).delete()


@periodic("core.purge_throttle", every=timedelta(hours=6))
def purge(now=None):
    cutoff = (now or timezone.now()) - KEEP
    count, _ = ThrottleCount.objects.filter(window_start__lt=cutoff).delete()
    return f"{count} throttle counts removed"
