"""A representative's agenda and its iCalendar feed."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Event, vText

from ..models import Meeting
from . import experts


def meetings_of(rep, *, published_only=True):
    qs = (
        Meeting.objects.filter(state=Meeting.State.SCHEDULED)
        .filter(Q(request__sender=rep) | Q(request__recipient=rep))
        .select_related(
            "slot__session__day",
            "room__site",
            "request__sender__company",
            "request__recipient__company",
        )
        .order_by("slot__start")
    )
    if published_only:
        qs = qs.filter(published=True)
    return qs


def by_day(rep, *, published_only=True):
    """[(date, [(meeting, other representative)])]"""
    days: dict = {}
    for m in meetings_of(rep, published_only=published_only):
        other = m.request.other(rep)
        days.setdefault(timezone.localtime(m.slot.start).date(), []).append((m, other))
    # Expert meetings (m.is_expert_meeting, other = the expert) are always published.
    for em in experts.meetings_of_representative(rep):
        days.setdefault(timezone.localtime(em.start).date(), []).append((em, em.expert))
    for items in days.values():
        items.sort(key=lambda pair: getattr(pair[0], "start", None) or pair[0].slot.start)
    return sorted(days.items())


def _text(value) -> vText:
    """A TEXT value: the library escapes backslashes, ";", "," and every line break
    (CR, LF, CRLF) and folds long lines (RFC 5545 §3.3.11, §3.1)."""
    return vText(str(value))


def icalendar(rep, domain="civitas") -> str:
    """The representative's published meetings (with companies and experts) as an
    iCalendar feed, built with the icalendar library so no name can add a line."""
    now = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", "-//Civitas//events//FR")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _text(rep.company.event.name))

    def add_event(uid, start, end, summary, location):
        vevent = Event()
        vevent.add("uid", f"{uid}@{domain}")
        vevent.add("dtstamp", now)
        vevent.add("dtstart", start.astimezone(dt.UTC))
        vevent.add("dtend", end.astimezone(dt.UTC))
        vevent.add("summary", _text(summary))
        vevent.add("location", _text(location))
        cal.add_component(vevent)

    for m in meetings_of(rep):
        other = m.request.other(rep)
        add_event(
            f"meeting-{m.pk}",
            m.slot.start,
            m.slot.end,
            f"{other.full_name} ({other.company.name})",
            f"{m.room} – table {m.table_number}",
        )
    for em in experts.meetings_of_representative(rep):
        add_event(
            f"expert-meeting-{em.pk}",
            em.start,
            em.end,
            f"Expert – {em.expert.full_name}",
            em.expert.place,
        )
    return cal.to_ical().decode()
