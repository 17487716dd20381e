"""A representative's agenda and its iCalendar feed."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

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


def _esc(text: str) -> str:
    return (
        str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    out, raw = [], line.encode()
    while len(raw) > 75:
        cut = 75
        while (raw[cut] & 0xC0) == 0x80:  # do not split a UTF-8 character
            cut -= 1
        out.append(raw[:cut].decode())
        raw = b" " + raw[cut:]
    out.append(raw.decode())
    return "\r\n".join(out)


def icalendar(rep, domain="civitas") -> str:
    fmt = "%Y%m%dT%H%M%SZ"
    now = timezone.now().astimezone(dt.UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Civitas//events//FR",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_esc(rep.company.event.name)}",
    ]
    for m in meetings_of(rep):
        other = m.request.other(rep)
        lines += [
            "BEGIN:VEVENT",
            f"UID:meeting-{m.pk}@{domain}",
            f"DTSTAMP:{now:{fmt}}",
            f"DTSTART:{m.slot.start.astimezone(now.tzinfo):{fmt}}",
            f"DTEND:{m.slot.end.astimezone(now.tzinfo):{fmt}}",
            f"SUMMARY:{_esc(f'{other.full_name} ({other.company.name})')}",
            f"LOCATION:{_esc(f'{m.room} – table {m.table_number}')}",
            "END:VEVENT",
        ]
    for em in experts.meetings_of_representative(rep):
        lines += [
            "BEGIN:VEVENT",
            f"UID:expert-meeting-{em.pk}@{domain}",
            f"DTSTAMP:{now:{fmt}}",
            f"DTSTART:{em.start.astimezone(now.tzinfo):{fmt}}",
            f"DTEND:{em.end.astimezone(now.tzinfo):{fmt}}",
            f"SUMMARY:{_esc(f'Expert – {em.expert.full_name}')}",
            f"LOCATION:{_esc(em.expert.place)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
