"""The event dashboard: figures computed from the live data at each request (never a stored
copy that can go stale), each table also drawn as a chart by static/events/dashboard.js."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy

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
from . import operations


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


# --- Registrations against the forecast ----------------------------------------------------

FORECAST_FIELDS = ("forecast_registrations", "forecast_date")


def registered_companies(event) -> int:
    """Companies counted against the forecast: every registration not rejected."""
    return Company.objects.filter(event=event).exclude(status=Company.Status.REJECTED).count()


def fill_rate(event, *, today=None) -> dict | None:
    """The registrations against the organiser's forecast (None without a forecast):
    {"forecast", "registered", "rate" (%), "alert_date", "below" (at or after the alert
    date and under the forecast), "alerted_at"}."""
    forecast = event.forecast_registrations
    if not forecast:
        return None
    today = today or timezone.localdate()
    registered = registered_companies(event)
    due = event.forecast_date is not None and event.forecast_date <= today
    return {
        "forecast": forecast,
        "registered": registered,
        "rate": round(100 * registered / forecast),
        "alert_date": event.forecast_date,
        "below": due and registered < forecast,
        "alerted_at": event.forecast_alerted_at,
    }


def rearm_forecast_alert(event, changed_fields) -> None:
    """A new forecast or alert date gives a new alert (call before saving the event)."""
    if set(FORECAST_FIELDS) & set(changed_fields):
        event.forecast_alerted_at = None


def register_templates():
    from civitas.core.outbox import templates

    from . import notify

    templates.register(
        "events.event_fill_alert",
        gettext_lazy("Events: registrations below the forecast (to the organisers)"),
        placeholders={
            **notify.P_EVENT,
            "registered": gettext_lazy("Registered companies"),
            "forecast": gettext_lazy("Forecast of registered companies"),
            "rate": gettext_lazy("Fill rate (%)"),
        },
        default_subject={
            "fr": "Inscriptions sous la prévision : {{ event }}",
            "en": "Registrations below the forecast: {{ event }}",
        },
        default_body={
            "fr": "Bonjour,\n\n« {{ event }} » compte {{ registered }} entreprises inscrites "
            "pour une prévision de {{ forecast }} ({{ rate }} %).\n\n{{ organisation }}",
            "en": "Hello,\n\n“{{ event }}” has {{ registered }} registered companies "
            "for a forecast of {{ forecast }} ({{ rate }} %).\n\n{{ organisation }}",
        },
    )


def forecast_alerts(*, today=None) -> int:
    """Periodic job: once an event's alert date has come, mail its organisers when its
    registrations are below the forecast, once (the event keeps when it was sent)."""
    from django.db import transaction

    from civitas.core import accounts, locking
    from civitas.core.outbox import services as outbox

    from ..models import Event
    from . import notify

    sent = 0
    due = Event.objects.filter(
        forecast_registrations__isnull=False,
        forecast_date__isnull=False,
        forecast_date__lte=today or timezone.localdate(),
        forecast_alerted_at__isnull=True,
    )
    for event_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            # The row lock makes two runs of the job send one alert, not two.
            locking.lock(rows=[Event.objects.filter(pk=event_id)])
            event = Event.objects.get(pk=event_id)
            if event.forecast_alerted_at is not None:
                continue
            rate = fill_rate(event, today=today)
            if rate is None or not rate["below"]:
                continue
            locking.checkpoint()  # tests widen the race window here
            addresses = {u.email for u in accounts.holders("events.manage_event", event) if u.email}
            if event.organiser_email:
                addresses.add(event.organiser_email)
            for address in sorted(addresses):
                outbox.send_message(
                    "events.event_fill_alert",
                    email=address,
                    context={
                        "event": event.name,
                        "event_url": notify.event_url(event),
                        "registered": rate["registered"],
                        "forecast": rate["forecast"],
                        "rate": rate["rate"],
                    },
                    scope_type="event",
                    scope_id=event.pk,
                )
            event.forecast_alerted_at = timezone.now()
            event.save(update_fields=["forecast_alerted_at"])
            sent += 1
    return sent


def summary(event, user=None) -> dict:
    """Every figure of the dashboard; `user` limits the linked operations shown to those
    whose registrations that person may see."""
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
        "fill_rate": fill_rate(event),
        "operations": operations.figures(event, user),
        "sectors": sectors,
        "countries": countries,
    }
