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


def refresh_all(queryset=None, now=None, chunk=5000) -> int:
    """After a calendar or SLA table change: every open ticket's queue key recomputed from
    its history, in chunks (one query for the tickets, one for their histories, one batch
    of updates)."""
    from django.db import connection, transaction

    from ..models import TicketState

    now = now or timezone.now()
    queryset = queryset if queryset is not None else Ticket.objects.filter(state__closed=False)
    flags = {
        s.pk: (s.frozen, s.side == "provider" and not s.initial, s.resolves or s.closed)
        for s in TicketState.objects.all()
    }
    calendars: dict[int, BusinessCalendar] = {
        c.pk: build_calendar(c) for c in SupportCalendar.objects.all()
    }
    target_cache: dict[tuple[int, int], dict] = {}
    minor_days = dict(SlaTable.objects.values_list("pk", "minor_to_major_days"))
    rows = list(
        queryset.order_by("pk").values_list(
            "pk", "level", "opened_at", "calendar_id", "sla_table_id"
        )
    )
    update = "UPDATE support_ticket SET next_deadline = %s WHERE id = %s"
    bulk = (
        "UPDATE support_ticket AS t SET next_deadline = v.due"
        " FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, due) WHERE t.id = v.id"
    )
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        history: dict[int, list[clocks.Entry]] = {row[0]: [] for row in part}
        for ticket_id, at, state_id, workaround in (
            StateChange.objects.filter(ticket_id__in=list(history))
            .order_by("ticket_id", "at", "id")
            .values_list("ticket_id", "at", "state_id", "workaround")
        ):
            frozen, taken, resolves = flags[state_id]
            history[ticket_id].append(clocks.Entry(at, frozen, taken, workaround, resolves))
        values = []
        for pk, level, opened_at, calendar_id, table_id in part:
            cal = calendars[calendar_id]
            level = clocks.effective_level(cal, level, opened_at, now, minor_days[table_id])
            key = (table_id, level)
            if key not in target_cache:
                target_cache[key] = targets(*key)
            values.append((clocks.next_due(cal, opened_at, target_cache[key], history[pk]), pk))
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # one statement for the whole chunk
                cursor.execute(
                    bulk,
                    [[pk for _due, pk in values], [due for due, _pk in values]],
                )
            else:
                cursor.executemany(update, values)
    return len(rows)
