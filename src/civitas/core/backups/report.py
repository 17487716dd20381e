"""Service report for a period (003 §12.1.6): availability, connections, incidents, backups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from . import catalogue
from .models import ProbeResult


@dataclass
class Incident:
    start: datetime
    end: datetime | None  # None: still going on at the end of the period
    checks: int
    last_error: str

    @property
    def duration(self) -> timedelta | None:
        return self.end - self.start if self.end else None


@dataclass
class ServiceReport:
    start: datetime
    end: datetime
    checks: int = 0
    checks_ok: int = 0
    logins: int = 0
    distinct_users: int = 0
    incidents: list[Incident] = field(default_factory=list)
    backups: list[dict] = field(default_factory=list)

    @property
    def availability(self) -> float | None:
        """Percentage of successful checks; None when nothing was checked."""
        return round(100 * self.checks_ok / self.checks, 3) if self.checks else None

    @property
    def downtime(self) -> timedelta:
        return sum((i.duration or self.end - i.start for i in self.incidents), timedelta())


def month_bounds(month: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return (
        timezone.make_aware(datetime.combine(first, time.min), tz),
        timezone.make_aware(datetime.combine(nxt, time.min), tz),
    )


def build(start: datetime, end: datetime) -> ServiceReport:
    from civitas.core.models import LoginEvent

    report = ServiceReport(start, end)
    results = ProbeResult.objects.filter(at__gte=start, at__lt=end).order_by("at", "id")
    current: Incident | None = None
    for r in results.iterator(chunk_size=5000):
        report.checks += 1
        if r.ok:
            report.checks_ok += 1
            if current is not None:
                current.end = r.at
                current = None
        else:
            if current is None:
                current = Incident(r.at, None, 0, "")
                report.incidents.append(current)
            current.checks += 1
            current.last_error = r.error or str(r.status_code or "")
    logins = LoginEvent.objects.filter(
        kind=LoginEvent.Kind.LOGIN, created_at__gte=start, created_at__lt=end
    )
    report.logins = logins.count()
    report.distinct_users = logins.exclude(user_id=None).values("user_id").distinct().count()
    report.backups = [
        m for m in catalogue.all_backups() if start <= datetime.fromisoformat(m["created_at"]) < end
    ]
    return report
