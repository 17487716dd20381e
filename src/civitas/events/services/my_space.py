"""What "Mon espace" shows of the events module: the person's events and what waits for them.

One row per event where the person represents a company (rejected companies left out), with
the actions waiting: requests received to answer, accepted requests of theirs to confirm,
unread messages. Counted with one query per event, whatever the number of requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from ..models import Company, Event, MeetingRequest, Representative
from . import messaging

State = MeetingRequest.State


@dataclass
class EventRow:
    event: Event
    representative: Representative
    to_answer: int
    to_confirm: int
    unread: int

    @property
    def pending(self) -> int:
        return self.to_answer + self.to_confirm + self.unread

    @property
    def past(self) -> bool:
        return self.event.end_date < timezone.localdate()


def rows_for(user) -> list[EventRow]:
    """The person's events, coming ones first (nearest first), then past ones."""
    if not user.is_authenticated:
        return []
    reps = (
        Representative.objects.filter(user=user)
        .exclude(company__status=Company.Status.REJECTED)
        .select_related("company__event")
        .annotate(
            to_answer=Count("received_requests", filter=Q(received_requests__state=State.PENDING)),
        )
    )
    rows = []
    for rep in reps:
        to_confirm = MeetingRequest.objects.filter(sender=rep, state=State.ACCEPTED).count()
        rows.append(
            EventRow(
                event=rep.company.event,
                representative=rep,
                to_answer=rep.to_answer,
                to_confirm=to_confirm,
                unread=messaging.unread_count(rep),
            )
        )
    today = timezone.localdate()

    def start(row):
        return row.event.start_date

    coming = sorted((r for r in rows if r.event.end_date >= today), key=start)
    past = sorted((r for r in rows if r.event.end_date < today), key=start, reverse=True)
    rows = coming + past
    return rows


def area_section(request) -> dict | None:
    """Context of the events section of "Mon espace" (None: the person has no event)."""
    rows = rows_for(request.user)
    if not rows:
        return None
    return {"rows": rows, "pending": sum(r.pending for r in rows)}
