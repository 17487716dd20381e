"""Periodic jobs: modules register them; `manage.py runperiodic` runs the ones due."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    func: Callable[[], str | None]


_jobs: dict[str, PeriodicJob] = {}


def periodic(name: str, every: timedelta):
    def decorator(func):
        _jobs[name] = PeriodicJob(name, every, func)
        return func

    return decorator


def jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda j: j.name)


def run_due(now=None, force: bool = False, only: str | None = None) -> list[tuple[str, str]]:
    """Run each due job once. Claiming a job is a row-locked update, so several schedulers
    on several machines never run the same job twice in one period."""
    from .models import PeriodicRun

    now = now or timezone.now()
    ran = []
    for job in jobs():
        if only and job.name != only:
            continue
        with transaction.atomic():
            run, _ = PeriodicRun.objects.select_for_update().get_or_create(name=job.name)
            if not force and run.last_started and run.last_started + job.every > now:
                continue
            run.last_started = now
            run.last_status = "running"
            run.save()
        try:
            message = job.func() or ""
            status = "ok"
        except Exception as exc:  # a failing job must not stop the others
            logger.exception("periodic job %s failed", job.name)
            message, status = f"{type(exc).__name__}: {exc}", "error"
        PeriodicRun.objects.filter(pk=run.pk).update(
            last_finished=timezone.now(), last_status=status, last_message=message[:2000]
        )
        ran.append((job.name, status))
    return ran
