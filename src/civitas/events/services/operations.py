"""Linked operations (seed 003 §9): one event split into operations at different places.
An operation points to its parent event (one level); each keeps its own site, days, sessions
and registrations. This file answers "which events belong together" and gives the figures
per operation and overall."""

from __future__ import annotations

from django.db.models import Count, Q

from ..models import Company, Event, Meeting


def family(event: Event, *, public: bool = False) -> list[Event]:
    """The parent and all its operations (this event included), parent first, then by
    date; [] for an event that is linked to nothing. `public`: published events only."""
    root_id = event.parent_id or event.pk
    qs = Event.objects.filter(Q(pk=root_id) | Q(parent_id=root_id))
    if public:
        qs = qs.filter(is_published=True)
    events = sorted(qs, key=lambda e: (e.pk != root_id, e.start_date, e.name))
    return events if len(events) > 1 or (events and events[0].pk != event.pk) else []


def others(event: Event, *, public: bool = True) -> list[Event]:
    """The other events of the family (for the mini-site)."""
    return [e for e in family(event, public=public) if e.pk != event.pk]


def figures(event: Event, user=None) -> dict | None:
    """Per event of the family: registered and validated companies and placed meetings, and
    the total; None for an event linked to nothing. With `user`, only the events whose
    registrations that person may see (the total is theirs)."""
    events = family(event)
    if not events:
        return None
    if user is not None:
        from civitas.core import permissions

        allowed = set(
            permissions.restrict(
                Event.objects.filter(pk__in=[e.pk for e in events]),
                user,
                "events.view_registrations",
            ).values_list("pk", flat=True)
        )
        events = [e for e in events if e.pk in allowed or e.pk == event.pk]
    ids = [e.pk for e in events]
    companies = {
        row["event"]: row
        for row in Company.objects.filter(event__in=ids)
        .exclude(status=Company.Status.REJECTED)
        .values("event")
        .annotate(
            registered=Count("pk"),
            validated=Count("pk", filter=Q(status=Company.Status.VALIDATED)),
        )
    }
    meetings = dict(
        Meeting.objects.filter(event__in=ids, state=Meeting.State.SCHEDULED)
        .values("event")
        .annotate(n=Count("pk"))
        .values_list("event", "n")
    )
    rows = []
    for e in events:
        c = companies.get(e.pk, {})
        rows.append(
            {
                "event": e,
                "is_parent": e.parent_id is None,
                "registered": c.get("registered", 0),
                "validated": c.get("validated", 0),
                "meetings": meetings.get(e.pk, 0),
            }
        )
    total = {k: sum(r[k] for r in rows) for k in ("registered", "validated", "meetings")}
    return {"rows": rows, "total": total}
