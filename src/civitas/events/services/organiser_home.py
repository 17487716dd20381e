"""The events section of the back-office home: the events a person manages, coming ones
first, each with what needs action (registrations to validate, confirmed requests to place,
participants' messages to answer), so an organiser starts from their work."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from civitas.core.permissions import has_perm, restrict

from ..models import Event
from . import coorganisers, messaging, moderation
from .scheduling import confirmed_unplaced

SHOWN = 10


@dataclass
class EventRow:
    event: Event
    to_validate: int | None  # None: the person may not validate
    to_place: int | None
    to_answer: int | None

    @property
    def pending(self) -> int:
        return sum(n or 0 for n in (self.to_validate, self.to_place, self.to_answer))


def rows_for(user) -> list[EventRow]:
    today = timezone.localdate()
    events = restrict(Event.objects.all(), user, "events.view_registrations")
    coming = list(events.filter(end_date__gte=today).order_by("start_date")[:SHOWN])
    if len(coming) < SHOWN:
        coming += list(
            events.filter(end_date__lt=today).order_by("-start_date")[: SHOWN - len(coming)]
        )
    rows = []
    for event in coming:
        rows.append(
            EventRow(
                event=event,
                to_validate=sum(moderation.pending_counts(event).values())
                if has_perm(user, "events.validate_registrations", event)
                else None,
                to_place=confirmed_unplaced(event).count()
                if has_perm(user, "events.manage_meetings", event)
                else None,
                to_answer=messaging.organisers_unread_total(event)
                if has_perm(user, "events.manage_messages", event)
                else None,
            )
        )
    return rows


def backoffice_section(request) -> dict | None:
    if not has_perm(request.user, "events.view_registrations"):
        return None
    rows = rows_for(request.user)
    return {
        "rows": rows,
        "spaces": coorganisers.space_rows(request.user),
        "can_create": has_perm(request.user, "events.create_event"),
        "total": restrict(Event.objects.all(), request.user, "events.view_registrations").count(),
    }
