"""The event dashboard: figures computed from the live data at each request (never a stored
copy that can go stale), each table also drawn as a chart by static/events/dashboard.js."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import (
    Checkin,
    Company,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    Representative,
    Room,
    Slot,
)


def registrations_over_time(event) -> list[tuple]:
    """[(date, new registrations, cumulative)]."""
    rows = (
        Company.objects.filter(event=event)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    total, out = 0, []
    for r in rows:
        total += r["n"]
        out.append((r["day"], r["n"], total))
    return out


def statuses(event) -> dict:
    counts = dict(Company.objects.filter(event=event).values_list("status").annotate(n=Count("pk")))
    return {s: counts.get(s, 0) for s in Company.Status.values}


def meetings(event) -> dict:
    req = MeetingRequest.objects.filter(event=event)
    placed = Meeting.objects.filter(event=event, state=Meeting.State.SCHEDULED)
    outcomes = dict(
        MeetingOutcome.objects.filter(meeting__in=placed)
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    return {
        "requested": req.count(),
        "accepted": req.filter(
            state__in=[MeetingRequest.State.ACCEPTED, MeetingRequest.State.CONFIRMED]
        ).count(),
        "placed": placed.count(),
        "held": outcomes.get(MeetingOutcome.State.HELD, 0),
        "no_show": outcomes.get(MeetingOutcome.State.NO_SHOW, 0),
    }


def companies_without_meeting(event):
    with_meeting = Meeting.objects.filter(event=event, state=Meeting.State.SCHEDULED)
    ids = set(with_meeting.values_list("request__sender__company_id", flat=True)) | set(
        with_meeting.values_list("request__recipient__company_id", flat=True)
    )
    return (
        Company.objects.filter(event=event, status=Company.Status.VALIDATED)
        .exclude(pk__in=ids)
        .order_by("name")
    )


def table_occupancy(event) -> list[tuple]:
    """[(slot, meetings, tables, percent)] per slot."""
    tables = sum(Room.objects.filter(site__event=event).values_list("tables", flat=True))
    slots = (
        Slot.objects.filter(session__day__event=event)
        .annotate(n=Count("meetings", filter=Q(meetings__state=Meeting.State.SCHEDULED)))
        .order_by("start")
    )
    return [(s, s.n, tables, round(100 * s.n / tables) if tables else 0) for s in slots]


def attendance(event) -> dict:
    registered = Representative.objects.filter(
        company__event=event, company__status=Company.Status.VALIDATED
    ).count()
    present = (
        Checkin.objects.filter(checkin_list__event=event, direction=Checkin.Direction.ENTRY)
        .values("representative_id")
        .distinct()
        .count()
    )
    return {
        "registered": registered,
        "present": present,
        "rate": round(100 * present / registered) if registered else 0,
    }


def by_sector_and_country(event) -> tuple[list, list]:
    companies = Company.objects.filter(event=event, status=Company.Status.VALIDATED)
    sectors = Counter(
        str(c.sector) if c.sector else "—" for c in companies.select_related("sector")
    )
    from django_countries import countries as names

    countries = Counter(names.name(c) or c for c in companies.values_list("country", flat=True))
    return sorted(sectors.items(), key=lambda x: -x[1]), sorted(
        countries.items(), key=lambda x: -x[1]
    )


def summary(event) -> dict:
    m = meetings(event)
    sectors, countries = by_sector_and_country(event)
    return {
        "generated_at": timezone.now(),
        "registrations": registrations_over_time(event),
        "statuses": statuses(event),
        "meetings": m,
        "placement_rate": round(100 * m["placed"] / m["accepted"]) if m["accepted"] else 0,
        "without_meeting": list(companies_without_meeting(event)),
        "occupancy": table_occupancy(event),
        "attendance": attendance(event),
        "sectors": sectors,
        "countries": countries,
    }
