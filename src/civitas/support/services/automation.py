"""Periodic rules: automatic transitions after days without customer action (journaled)
and alerts before a deadline lapses, then escalation, sent within business hours only."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from civitas.core import accounts, journal
from civitas.core.outbox import services as outbox

from ..models import SlaAlert, Ticket, TicketState
from . import sla
from .tickets import _context, change_state

WARNING_SHARE = 0.25  # alert when a quarter of the allowed open time is left


def auto_transitions(now=None) -> int:
    """Tickets waiting in a state with an automatic follow-up (004 §5.2.4.1: "Traité ..."
    after 20 days without customer action) move on; each move is journaled."""
    now = now or timezone.now()
    moved = 0
    for waiting in TicketState.objects.filter(auto_next__isnull=False).select_related("auto_next"):
        limit = now - timedelta(days=waiting.auto_after_days)
        candidates = (
            Ticket.objects.filter(state=waiting, last_customer_action_at__lte=limit)
            .annotate(entered=Max("history__at"))
            .filter(entered__lte=limit)
        )
        for ticket in candidates:
            with transaction.atomic():
                change_state(
                    ticket,
                    waiting.auto_next,
                    automatic=True,
                    note=f"{waiting.auto_after_days} days without customer action",
                    now=now,
                )
                journal.record(
                    "support.auto_transition",
                    obj=ticket,
                    details={"from": waiting.code, "to": waiting.auto_next.code},
                )
            moved += 1
    return moved


def _open_now(calendar, now) -> bool:
    return any(a <= now < b for a, b in calendar.open_intervals(now))


def alerts(now=None) -> int:
    """Warn the agents when a clock is close to lapsing, escalate when it lapsed. Outside
    business hours nothing is sent (the next run inside them sends it), unless the ticket is
    level 0 under a table that asks for alerts at any time."""
    now = now or timezone.now()
    sent = 0
    calendars = {}
    tickets = Ticket.objects.filter(
        state__closed=False, next_deadline__isnull=False
    ).select_related("calendar", "sla_table", "structure", "state")
    for ticket in tickets:
        cal = calendars.get(ticket.calendar_id)
        if cal is None:
            cal = calendars[ticket.calendar_id] = sla.build_calendar(ticket.calendar)
        if not _open_now(cal, now) and not (ticket.level == 0 and ticket.sla_table.alerts_any_time):
            continue
        for status in sla.ticket_clocks(ticket, now, cal):
            if status.met_at is not None or status.remaining is None or status.paused_since:
                continue
            allowed = sla.clocks.target_open_time(cal, ticket.opened_at, status.target)
            if status.remaining <= timedelta(0):
                kind = SlaAlert.Kind.ESCALATION
            elif status.remaining <= allowed * WARNING_SHARE:
                kind = SlaAlert.Kind.WARNING
            else:
                continue
            _, created = SlaAlert.objects.get_or_create(
                ticket=ticket, clock=status.clock, kind=kind, defaults={"sent_at": now}
            )
            if not created:
                continue
            codename = "support.handle_tickets" if kind == "warning" else "support.view_reports"
            text = f"{status.clock}: {status.due:%d/%m/%Y %H:%M}" if status.due else status.clock
            for agent in accounts.holders(codename, ticket):
                if agent.email:
                    outbox.send_message(
                        "support.deadline_alert",
                        email=agent,
                        context=_context(ticket, agent.get_full_name(), text, to=agent),
                        scope_type="unit",
                        scope_id=ticket.structure.unit_id,
                    )
            journal.record(f"support.sla_{kind}", obj=ticket, details={"clock": status.clock})
            sent += 1
    return sent
