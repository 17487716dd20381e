"""The Django side of the SLA clocks: configuration rows -> calendar and targets, history
rows -> entries, then the pure functions of `clocks`. Nothing here stores a counter."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from civitas.core.calendar import BusinessCalendar

from ..models import SlaTarget, StateChange, SupportCalendar, Ticket
from . import clocks


def build_calendar(config: SupportCalendar) -> BusinessCalendar:
    return BusinessCalendar(
        hours={int(day): [tuple(s) for s in segments] for day, segments in config.hours.items()},
        region=config.region,
        closures=[(date.fromisoformat(a), date.fromisoformat(b)) for a, b in config.closures],
        worked_holidays=config.worked_holidays,
    )


def targets(table_id: int, level: int) -> dict[str, clocks.Target]:
    return {
        t.clock: clocks.Target(t.amount, t.unit)
        for t in SlaTarget.objects.filter(table_id=table_id, level=level)
    }


def entries(rows) -> list[clocks.Entry]:
    """History rows (with their state) as clock entries."""
    return [
        clocks.Entry(
            at=row.at,
            frozen=row.state.frozen,
            taken=row.state.side == "provider" and not row.state.initial,
            workaround=row.workaround,
            resolves=row.state.resolves or row.state.closed,
        )
        for row in rows
    ]


def history(ticket: Ticket) -> list[clocks.Entry]:
    rows = StateChange.objects.filter(ticket=ticket).select_related("state").order_by("at", "id")
    return entries(rows)


def ticket_clocks(ticket: Ticket, now=None, calendar=None) -> list[clocks.ClockStatus]:
    """Each clock of the ticket, computed now from its history and current configuration."""
    now = now or timezone.now()
    calendar = calendar or build_calendar(ticket.calendar)
    level = clocks.effective_level(
        calendar, ticket.level, ticket.opened_at, now, ticket.sla_table.minor_to_major_days
    )
    return clocks.clocks(
        calendar, ticket.opened_at, targets(ticket.sla_table_id, level), history(ticket), now
    )


def refresh(ticket: Ticket, now=None) -> None:
    """Recompute the queue's ordering key from the history (never read as a truth)."""
    value = clocks.next_deadline(ticket_clocks(ticket, now))
    Ticket.objects.filter(pk=ticket.pk).update(next_deadline=value)
    ticket.next_deadline = value


def refresh_all(queryset=None, now=None) -> int:
    """After a calendar or SLA table change: every open ticket's key recomputed."""
    queryset = queryset if queryset is not None else Ticket.objects.filter(state__closed=False)
    calendars: dict[int, BusinessCalendar] = {}
    count = 0
    for ticket in queryset.select_related("calendar", "sla_table"):
        cal = calendars.get(ticket.calendar_id)
        if cal is None:
            cal = calendars[ticket.calendar_id] = build_calendar(ticket.calendar)
        value = clocks.next_deadline(ticket_clocks(ticket, now, cal))
        Ticket.objects.filter(pk=ticket.pk).update(next_deadline=value)
        count += 1
    return count
