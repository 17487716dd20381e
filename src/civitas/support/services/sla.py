"""The Django side of the SLA clocks: configuration rows -> calendar and targets, history
rows -> entries, then the pure functions of `clocks`. Nothing here stores a counter."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from civitas.core.calendar import BusinessCalendar

from ..models import SlaTable, SlaTarget, StateChange, SupportCalendar, Ticket
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


def refresh_all(queryset=None, now=None, chunk=2000) -> int:
    """After a calendar or SLA table change: every open ticket's queue key recomputed from
    its history, in chunks (one query for the tickets, one for their histories)."""
    from ..models import TicketState

    now = now or timezone.now()
    queryset = queryset if queryset is not None else Ticket.objects.filter(state__closed=False)
    states = {s.pk: s for s in TicketState.objects.all()}
    calendars: dict[int, BusinessCalendar] = {
        c.pk: build_calendar(c) for c in SupportCalendar.objects.all()
    }
    target_cache: dict[tuple[int, int], dict] = {}
    minor_days = dict(SlaTable.objects.values_list("pk", "minor_to_major_days"))
    count = 0
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        rows: dict[int, list] = {pk: [] for pk in part}
        for change in (
            StateChange.objects.filter(ticket_id__in=part)
            .only("ticket_id", "at", "state_id", "workaround")
            .order_by("ticket_id", "at", "id")
        ):
            change.state = states[change.state_id]
            rows[change.ticket_id].append(change)
        updated = []
        for ticket in Ticket.objects.filter(pk__in=part).only(
            "pk", "level", "opened_at", "calendar_id", "sla_table_id"
        ):
            cal = calendars[ticket.calendar_id]
            level = clocks.effective_level(
                cal, ticket.level, ticket.opened_at, now, minor_days[ticket.sla_table_id]
            )
            key = (ticket.sla_table_id, level)
            if key not in target_cache:
                target_cache[key] = targets(*key)
            statuses = clocks.clocks(
                cal, ticket.opened_at, target_cache[key], entries(rows[ticket.pk]), now
            )
            ticket.next_deadline = clocks.next_deadline(statuses)
            updated.append(ticket)
        Ticket.objects.bulk_update(updated, ["next_deadline"])
        count += len(updated)
    return count
