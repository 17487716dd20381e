"""Ticket services: the clocks read from the history, requalification keeps pauses,
automatic transitions and alerts with the clock moved."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from civitas.core.models import JournalEntry
from civitas.core.outbox.models import Message as OutMessage
from civitas.support.models import SlaAlert, SlaTable, StateChange
from civitas.support.services import automation, sla, tickets

PARIS = ZoneInfo("Europe/Paris")


def at(day, hour, minute=0, month=3):
    return datetime(2027, month, day, hour, minute, tzinfo=PARIS)


def by_clock(ticket, now):
    return {s.clock: s for s in sla.ticket_clocks(ticket, now)}


@pytest.mark.django_db
def test_open_ticket_numbers_and_history(desk, open_ticket):
    first = open_ticket(now=at(5, 10))
    second = open_ticket(now=at(5, 11))
    assert first.number == "S-2027-00001"
    assert second.number == "S-2027-00002"
    assert first.state.code == "new"
    assert StateChange.objects.filter(ticket=first).count() == 1
    # Level 1 of 004 §4.3: take charge 8 business hours -> Monday 11:00.
    assert first.next_deadline == at(8, 11)
    assert OutMessage.objects.filter(to=desk["user"].email).exists()


@pytest.mark.django_db
def test_only_declared_correspondents_open_tickets(desk, open_ticket):
    with pytest.raises(tickets.TicketError):
        open_ticket(user=desk["agent"])


@pytest.mark.django_db
def test_requalification_mid_pause_keeps_the_pause(desk, open_ticket):
    ticket = open_ticket(level=1, now=at(5, 10))
    tickets.agent_reply(
        ticket, desk["agent"], "Pouvez-vous préciser ?", "to_qualify_customer", now=at(5, 11)
    )
    clocks = by_clock(ticket, at(8, 10))
    assert clocks["take_charge"].met_at == at(5, 11)
    assert clocks["fix"].due is None  # paused
    assert clocks["fix"].paused_since == at(5, 11)
    # Raised to level 0 during the pause, then the customer answers Monday 14:00.
    tickets.qualify(
        ticket,
        desk["agent"],
        level=0,
        service=ticket.service,
        sla_table=ticket.sla_table,
        calendar=ticket.calendar,
        now=at(8, 10),
    )
    tickets.customer_message(ticket, desk["user"], "Voici la capture.", now=at(8, 14))
    clocks = by_clock(ticket, at(8, 15))
    # Workaround 8 h: 1 h before the pause, 7 h from Monday 14:00 -> Tuesday 12:00.
    assert clocks["workaround"].due == at(9, 12)
    # Then another SLA table (004 §2.7: level 0 restore 8 h): the same pause is kept.
    tickets.qualify(
        ticket,
        desk["agent"],
        level=0,
        service=ticket.service,
        sla_table=SlaTable.objects.get(code="004-2-5-2"),
        calendar=ticket.calendar,
        now=at(8, 15),
    )
    # Hosted component down: restore 4 h: 1 h + Monday 14:00-17:00.
    assert by_clock(ticket, at(8, 15))["workaround"].due == at(8, 17)


@pytest.mark.django_db
def test_lowering_level_zero_needs_a_reason_and_tells_the_customer(desk, open_ticket):
    ticket = open_ticket(level=0, now=at(5, 10))
    kwargs = {
        "level": 2,
        "service": ticket.service,
        "sla_table": ticket.sla_table,
        "calendar": ticket.calendar,
    }
    with pytest.raises(tickets.TicketError):
        tickets.qualify(ticket, desk["agent"], **kwargs, now=at(5, 11))
    before = OutMessage.objects.filter(to=desk["user"].email).count()
    tickets.qualify(ticket, desk["agent"], **kwargs, reason="Contournement possible", now=at(5, 11))
    mails = OutMessage.objects.filter(to=desk["user"].email).order_by("pk")
    assert mails.count() == before + 1
    assert "Contournement possible" in mails.last().body_text


@pytest.mark.django_db
def test_automatic_transition_after_twenty_days_is_journaled(desk, open_ticket):
    ticket = open_ticket(level=2, now=at(1, 10))
    tickets.agent_reply(
        ticket, desk["agent"], "Corrigé en 4.3", "bug_fixed_in_version", now=at(2, 10)
    )
    assert automation.auto_transitions(now=at(21, 10)) == 0  # 19 days only
    assert automation.auto_transitions(now=at(22, 11)) == 1
    ticket.refresh_from_db()
    assert ticket.state.code == "done_bug_fixed"
    last = StateChange.objects.filter(ticket=ticket).last()
    assert last.automatic
    assert JournalEntry.objects.filter(action="support.auto_transition").count() == 1
    assert automation.auto_transitions(now=at(30, 11)) == 0  # closed states do not move


@pytest.mark.django_db
def test_customer_reply_restarts_the_twenty_days(desk, open_ticket):
    ticket = open_ticket(level=2, now=at(1, 10))
    tickets.agent_reply(ticket, desk["agent"], "Précisez", "to_qualify_customer", now=at(2, 10))
    tickets.customer_message(ticket, desk["user"], "Voilà", now=at(10, 10))
    tickets.change_state(ticket, "to_qualify_customer", by=desk["agent"], now=at(11, 10))
    assert automation.auto_transitions(now=at(23, 10)) == 0
    assert automation.auto_transitions(now=at(31, 11)) == 1


@pytest.mark.django_db
def test_alerts_only_within_business_hours(desk, open_ticket):
    ticket = open_ticket(level=1, now=at(5, 9))  # take charge 8 h: Monday 10:00
    # Friday 17:00: 2 h of 8 left -> warning; but on Saturday nothing is sent.
    assert automation.alerts(now=at(6, 10)) == 0
    assert automation.alerts(now=at(5, 17)) == 1
    assert automation.alerts(now=at(5, 17, 30)) == 0  # sent once
    assert automation.alerts(now=at(8, 10, 30)) == 1  # lapsed: escalation on Monday
    kinds = set(SlaAlert.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == {"warning", "escalation"}
    assert OutMessage.objects.filter(to=desk["agent"].email, subject__contains="Échéance").exists()


@pytest.mark.django_db
def test_calendar_change_recomputes_every_queue_key_and_keeps_pauses(desk, open_ticket):
    ticket = open_ticket(level=1, now=at(25, 16))  # Thursday before Easter
    tickets.agent_reply(ticket, desk["agent"], "Précisez", "to_qualify_customer", now=at(25, 17))
    tickets.customer_message(ticket, desk["user"], "Voilà", now=at(29, 10))
    ticket.refresh_from_db()
    # Workaround 24 h in France: 1 h before the pause, 23 h from Tuesday 30 March 9:00.
    before = ticket.next_deadline
    calendar = desk["calendar"]
    calendar.region = "67"  # Alsace-Moselle: same hours, Good Friday off (inside the pause)
    calendar.closures = [["2027-03-30", "2027-03-30"]]  # and a closure on Tuesday
    calendar.save()
    assert sla.refresh_all(now=at(29, 11)) == 1
    ticket.refresh_from_db()
    assert ticket.next_deadline == sla.clocks.next_deadline(sla.ticket_clocks(ticket, at(29, 11)))
    assert ticket.next_deadline > before  # one business day later, the pause still counted


@pytest.mark.django_db
def test_agent_reply_records_fix_version_and_time_spent(desk, open_ticket):
    from datetime import date

    from civitas.support.models import Product, TimeBook, Version

    ticket = open_ticket(now=at(1, 10))
    with pytest.raises(tickets.TicketError):  # no time book yet: nothing is changed
        tickets.agent_reply(ticket, desk["agent"], "Fait", "in_progress", minutes=30)
    ticket.refresh_from_db()
    assert ticket.state.code == "new"
    book = TimeBook.objects.create(
        structure=desk["structure"], hours_bought=2, starts_on=date(2027, 1, 1)
    )
    other = Version.objects.create(product=Product.objects.create(name="Autre"), number="1")
    with pytest.raises(tickets.TicketError):
        tickets.agent_reply(ticket, desk["agent"], "Fait", "bug_fixed_in_version", fixed_in=other)
    tickets.agent_reply(
        ticket,
        desk["agent"],
        "Corrigé",
        "bug_fixed_in_version",
        fixed_in=desk["version"],
        minutes=45,
        now=at(2, 10),
    )
    ticket.refresh_from_db()
    assert ticket.fixed_in == desk["version"]
    assert book.entries.get().minutes == 45 and book.entries.get().ticket == ticket
