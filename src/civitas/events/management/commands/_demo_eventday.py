"""Demo of the event day (called by load_events_demo through add_features): check-in lists,
a few check-ins, a badge design, a reminder schedule, and the reception role for the demo
event manager (gestionnaire@demo.civitas.fr) so the check-in screen can be tried."""

from __future__ import annotations

from civitas.core import accounts, modules
from civitas.core.models import Role
from civitas.events.models import SCOPE_EVENT, BadgeDesign, Event, ReminderRule, Representative
from civitas.events.services import checkin

MANAGER_EMAIL = "gestionnaire@demo.civitas.fr"


def add_event_day(event: Event, done: list[str]) -> None:
    if checkin.ensure_lists(event):
        done.append("check-in lists")
        lst = event.checkin_lists.get(kind="event")
        for rep in Representative.objects.filter(company__event=event).order_by("pk")[:5]:
            checkin.check_in(lst, rep, device="démo", client_id=f"demo-{rep.pk}")
    if not BadgeDesign.objects.filter(event=event).exists():
        BadgeDesign.objects.create(event=event, footer="Rencontres d'affaires CCI")
        done.append("badge design")
    if not event.reminder_rules.exists():
        ReminderRule.objects.create(event=event, about="event", minutes_before=2 * 1440)
        ReminderRule.objects.create(
            event=event,
            about="meeting",
            minutes_before=30,
            channel="both",
            quiet_from="21:00",
            quiet_until="08:00",
        )
        ReminderRule.objects.create(
            event=event, about="expert_meeting", minutes_before=1440, audience="both"
        )
        done.append("reminders")
    user = accounts.find(MANAGER_EMAIL)
    if user is not None:
        modules.ensure_roles(["events"])
        role = Role.objects.filter(code="event_reception").first()
        if role is not None:
            _assignment, created = accounts.grant(user, role, (SCOPE_EVENT, event.pk))
            if created:
                done.append("event reception")
