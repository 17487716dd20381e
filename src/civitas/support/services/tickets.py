"""Ticket rules: opening, state changes, replies, notes and qualification. The only code
that writes tickets and their history."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal, locking
from civitas.core.outbox import services as outbox
from civitas.core.sites import absolute_url

from ..models import (
    Attachment,
    Correspondent,
    Message,
    SlaTable,
    StateChange,
    SupportCalendar,
    Ticket,
    TicketState,
)
from . import sla

NEW = "new"
CUSTOMER_REPLY = "customer_reply"
CUSTOMER_REMINDER = "customer_reminder"
CLOSED_BY_CUSTOMER = "closed_by_customer"
CUSTOMER_ACTIONS = {
    "reply": CUSTOMER_REPLY,
    "remind": CUSTOMER_REMINDER,
    "close": CLOSED_BY_CUSTOMER,
}


class TicketError(Exception):
    """A refusal with a message for the person."""


def state(code: str) -> TicketState:
    return TicketState.objects.get(code=code)


def reference(ticket: Ticket) -> str:
    """The ticket's signed reference carried by every mail: ``S-2027-00001#1a2b3c4d5e6f``."""
    return f"{ticket.number}#{ticket.reply_token}"


def _token(number: str) -> str:
    key = f"support.reply:{settings.SECRET_KEY}".encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()[:12]


def find_by_reference(number: str, token: str) -> Ticket | None:
    """The ticket a mail reference names, when its token is right."""
    if not hmac.compare_digest(_token(number), token or ""):
        return None
    return Ticket.objects.filter(number=number).first()


def _link(ticket):
    return absolute_url("support:ticket", pk=ticket.pk)


def _context(ticket, name, text="", *, to=None):
    """The placeholders of a ticket's mail to `to` (the state in their language)."""
    return {
        "name": name,
        "ticket": reference(ticket),
        "subject": ticket.subject,
        "text": text,
        "state": ticket.state.label_in(getattr(to, "language", None)),
        "link": _link(ticket),
    }


def _notify_customer(ticket, code, text=""):
    if ticket.requester and ticket.requester.email:
        outbox.send_message(
            code,
            email=ticket.requester,
            context=_context(ticket, ticket.requester.get_full_name(), text, to=ticket.requester),
            scope_type="unit",
            scope_id=ticket.structure.unit_id,
        )


def _notify_agents(ticket, author, text):
    from civitas.core import accounts

    for agent in accounts.holders("support.handle_tickets", ticket):
        if agent.email and agent != author:
            outbox.send_message(
                "support.customer_message",
                email=agent,
                context=_context(ticket, author.get_full_name() if author else "", text, to=agent),
                scope_type="unit",
                scope_id=ticket.structure.unit_id,
            )


def structure_of(user):
    """The structure a customer belongs to (None for somebody not declared)."""
    link = Correspondent.objects.filter(user=user).select_related("structure").first()
    return link.structure if link else None


def _attach(message, files):
    for kind, upload in files:
        Attachment.objects.create(message=message, file=upload, name=upload.name[:200], kind=kind)


@transaction.atomic
def open_ticket(
    *,
    structure,
    requester,
    product,
    service,
    level,
    subject,
    text,
    version=None,
    queue=None,
    files=(),
    now=None,
    request=None,
) -> Ticket:
    now = now or timezone.now()
    if (
        requester is not None
        and not Correspondent.objects.filter(structure=structure, user=requester).exists()
    ):
        raise TicketError(_("Only the declared correspondents of a structure open tickets."))
    table = structure.sla_table or SlaTable.objects.order_by("pk").first()
    calendar = structure.calendar or SupportCalendar.objects.order_by("pk").first()
    if table is None or calendar is None:
        raise TicketError(_("The support desk has no SLA table or calendar configured."))
    locking.lock(names=["support:ticket-number"])
    year = now.year
    prefix = f"S-{year}-"
    last = (
        Ticket.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    number = f"{prefix}{serial:05d}"
    initial = TicketState.objects.filter(initial=True).order_by("order").first()
    ticket = Ticket.objects.create(
        number=number,
        structure=structure,
        queue=queue,
        product=product,
        version=version,
        service=service,
        level=level,
        subject=subject,
        text=text,
        requester=requester,
        state=initial,
        sla_table=table,
        calendar=calendar,
        opened_at=now,
        updated_at=now,
        last_customer_action_at=now,
        reply_token=_token(number),
    )
    StateChange.objects.create(ticket=ticket, at=now, state=initial, by=requester)
    message = Message.objects.create(
        ticket=ticket, kind=Message.Kind.CUSTOMER, author=requester, text=text, created_at=now
    )
    _attach(message, files)
    sla.refresh(ticket, now)
    from . import roadmap

    roadmap.ensure(ticket)
    journal.record("support.ticket_opened", request=request, obj=ticket)
    _notify_customer(ticket, "support.ticket_opened")
    return ticket


def change_state(
    ticket, code, *, by=None, note="", workaround=False, automatic=False, now=None
) -> StateChange:
    """Enter a state: one history row, the ticket's current state, its queue key."""
    now = now or timezone.now()
    new = state(code) if isinstance(code, str) else code
    change = StateChange.objects.create(
        ticket=ticket,
        at=now,
        state=new,
        by=by,
        note=note,
        workaround=workaround,
        automatic=automatic,
    )
    ticket.state = new
    ticket.updated_at = now
    ticket.save(update_fields=["state", "updated_at"])
    sla.refresh(ticket, now)
    if new.resolves or new.closed:
        from . import satisfaction

        satisfaction.ask(ticket, now)
    return change


@transaction.atomic
def customer_message(ticket, author, text, action="reply", *, files=(), by_email=False, now=None):
    """A customer's reply (004 §5.2.3.3): reply, reply and remind, reply and close."""
    if action not in CUSTOMER_ACTIONS:
        raise TicketError(_("Unknown action."))
    if ticket.state.closed and action != "reply":
        raise TicketError(_("This ticket is closed."))
    now = now or timezone.now()
    message = Message.objects.create(
        ticket=ticket,
        kind=Message.Kind.CUSTOMER,
        author=author,
        text=text,
        created_at=now,
        by_email=by_email,
    )
    _attach(message, files)
    ticket.last_customer_action_at = now
    ticket.save(update_fields=["last_customer_action_at"])
    change_state(ticket, CUSTOMER_ACTIONS[action], by=author, now=now)
    _notify_agents(ticket, author, text)
    return message


@transaction.atomic
def agent_reply(
    ticket,
    agent,
    text,
    new_state,
    *,
    workaround=False,
    files=(),
    fixed_in=None,
    minutes=None,
    now=None,
):
    """An agent's answer: mailed to the requester, the ticket enters ``new_state``; the
    version that fixes it and the time spent (deducted from the time book) go with it."""
    now = now or timezone.now()
    if fixed_in is not None and fixed_in.product_id != ticket.product_id:
        raise TicketError(_("This version is not a version of the ticket's product."))
    if minutes:
        from ..models import TimeBook
        from .portal import record_time

        book = TimeBook.objects.filter(structure=ticket.structure).first()
        if book is None:
            raise TicketError(_("This structure has no time book."))
        record_time(book, minutes, on=timezone.localdate(now), ticket=ticket, agent=agent)
    if fixed_in is not None:
        ticket.fixed_in = fixed_in
        ticket.save(update_fields=["fixed_in"])
    message = Message.objects.create(
        ticket=ticket, kind=Message.Kind.REPLY, author=agent, text=text, created_at=now
    )
    _attach(message, files)
    change_state(ticket, new_state, by=agent, workaround=workaround, now=now)
    _notify_customer(ticket, "support.ticket_answered", text)
    return message


def internal_note(ticket, agent, text, now=None):
    now = now or timezone.now()
    return Message.objects.create(
        ticket=ticket, kind=Message.Kind.NOTE, author=agent, text=text, created_at=now
    )


@transaction.atomic
def qualify(
    ticket,
    agent,
    *,
    level,
    service,
    sla_table,
    calendar,
    queue=None,
    reason="",
    request=None,
    now=None,
):
    """Qualification and requalification (004 §4.2, §4.3). The deadlines follow from the
    history with the new settings: every pause is kept. Lowering a level-0 ticket needs a
    reason, mailed to the customer."""
    now = now or timezone.now()
    lowered = ticket.level == 0 and level > 0
    if lowered and not reason.strip():
        raise TicketError(_("Say why a blocking ticket is lowered: the customer is told."))
    before = {
        "level": ticket.level,
        "service": ticket.service,
        "sla_table": ticket.sla_table_id,
        "calendar": ticket.calendar_id,
    }
    ticket.level, ticket.service, ticket.sla_table, ticket.calendar = (
        level,
        service,
        sla_table,
        calendar,
    )
    if queue is not None:
        ticket.queue = queue
    ticket.updated_at = now
    ticket.save()
    after = {
        "level": ticket.level,
        "service": ticket.service,
        "sla_table": ticket.sla_table_id,
        "calendar": ticket.calendar_id,
    }
    Message.objects.create(
        ticket=ticket,
        kind=Message.Kind.NOTE,
        author=agent,
        text=_("Requalified: %(before)s → %(after)s. %(reason)s")
        % {"before": before, "after": after, "reason": reason},
        created_at=now,
    )
    sla.refresh(ticket, now)
    from . import roadmap

    roadmap.ensure(ticket)
    journal.record(
        "support.ticket_qualified",
        request=request,
        obj=ticket,
        details={"before": before, "after": after, "reason": reason},
    )
    if lowered:
        _notify_customer(ticket, "support.level_lowered", reason)
    return ticket
