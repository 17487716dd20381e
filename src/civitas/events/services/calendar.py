"""The calendar of events and animations (seed 003): past, ongoing, upcoming and planned,
per establishment, theme, kind and period, for the back office (the events the reader's
roles cover) and for the public (published events and their public animations only).

- Establishment: the seller that invoices the event (`EventPayment.seller`, the one the
  "sales per establishment" screen groups by); an event without payment settings has none.
- Theme: a keyword of the event's reference list (`Keyword`, matched on its French label
  across events); an animation has the themes of its event.
- State: planned while the event is not published and not over; else past, ongoing or
  upcoming from the dates (an event's days, an animation's start and end times) around
  `now`. A past event that never was published is past, not planned.

- Period: what a calendar shows when the reader names no dates: from the first day of the
  current month, twelve months ahead; for the "past" state, the twelve months ending with
  the current month. One bound given: the other is twelve months away. The previous and next
  periods have the same length (in whole months when the period is whole months).

One rule per question: `event_state`, `animation_state`, `entries` (the filters),
`period` (the dates shown), `public_entries` (what the public may see). The iCalendar
feeds are built with the icalendar library (never by joining strings)."""

from __future__ import annotations

import calendar as stdcalendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from icalendar import Calendar
from icalendar import Event as VEvent

from ..models import Animation, Event, EventPayment, Keyword
from .agenda import _text

PAST, ONGOING, UPCOMING, PLANNED = "past", "ongoing", "upcoming", "planned"
STATES = [
    (PAST, _("Past")),
    (ONGOING, _("Under way")),
    (UPCOMING, _("Coming")),
    (PLANNED, _("Planned (not published)")),
]
STATE_LABELS = dict(STATES)
KIND_EVENT = "event"
PERIOD_MONTHS = 12
PAGE_SIZE = 50


def kinds():
    return [(KIND_EVENT, _("Event")), *Animation.Kind.choices]


def event_state(event: Event, today: dt.date) -> str:
    if event.end_date < today:
        return PAST
    if not event.is_published:
        return PLANNED
    return ONGOING if event.start_date <= today else UPCOMING


def animation_state(animation: Animation, now: dt.datetime) -> str:
    """`animation.event` is read for its publication."""
    if animation.end < now:
        return PAST
    if not animation.event.is_published:
        return PLANNED
    return ONGOING if animation.start <= now else UPCOMING


@dataclass
class Entry:
    kind: str  # "event" or an Animation.Kind value
    event: Event
    animation: Animation | None
    state: str
    establishment: object | None  # billing.Seller
    # The parent event of a linked operation, when the reader may see it (else None).
    parent: Event | None = None

    @property
    def is_event(self) -> bool:
        return self.animation is None

    @property
    def title(self) -> str:
        return str(self.event) if self.is_event else self.animation.title

    @property
    def kind_label(self) -> str:
        return str(dict(kinds())[self.kind])

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def start_date(self) -> dt.date:
        if self.is_event:
            return self.event.start_date
        return timezone.localtime(self.animation.start).date()

    @property
    def end_date(self) -> dt.date:
        if self.is_event:
            return self.event.end_date
        return timezone.localtime(self.animation.end).date()

    @property
    def month(self) -> dt.date:
        return self.start_date.replace(day=1)

    @property
    def place(self) -> str:
        if self.is_event:
            return self.event.venue
        a = self.animation
        if a.room_id:
            return str(a.room)
        parts = [a.site.name if a.site_id else "", a.room_name]
        return " – ".join(p for p in parts if p) or self.event.venue

    @property
    def invitation_only(self) -> bool:
        return not self.is_event and not self.animation.public

    @property
    def cancelled(self) -> bool:
        return not self.is_event and self.animation.status == Animation.Status.CANCELLED

    def sort_key(self):
        start = dt.time.min if self.is_event else timezone.localtime(self.animation.start).time()
        return (self.start_date, not self.is_event, start, self.event.pk, self.title)


def establishments(events) -> list:
    """The sellers of these events (the establishment filter's choices), by name."""
    sellers = {
        p.seller.pk: p.seller
        for p in EventPayment.objects.filter(event__in=events).select_related("seller")
    }
    return sorted(sellers.values(), key=lambda s: (s.name, s.pk))


def themes(events) -> list[str]:
    """The keywords offered by these events (the theme filter's choices), by label."""
    labels = (
        Keyword.objects.filter(event__in=events, retired=False)
        .values_list("label_fr", flat=True)
        .distinct()
    )
    return sorted(set(labels), key=str.casefold)


def entries(
    events,
    *,
    now: dt.datetime | None = None,
    establishment: int | None = None,
    theme: str = "",
    kind: str = "",
    state: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
    animations=None,
) -> list[Entry]:
    """The events of the queryset `events` (already restricted to what the reader may see)
    and their animations, filtered, in date order. `animations`: a queryset of animations
    to take (default: all those of the events)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    readable = events
    if establishment is not None:
        events = events.filter(payment_settings__seller_id=establishment)
    if theme:
        events = events.filter(
            pk__in=Keyword.objects.filter(label_fr__iexact=theme.strip()).values("event")
        )
    if start:
        events = events.filter(end_date__gte=start)
    if end:
        events = events.filter(start_date__lte=end)
    events = list(events.select_related("parent").order_by())
    by_pk = {e.pk: e for e in events}
    # A linked operation names its parent only where the reader may see that parent.
    parents = set(
        readable.filter(pk__in={e.parent_id for e in events if e.parent_id}).values_list(
            "pk", flat=True
        )
    )
    for e in events:
        e.visible_parent = e.parent if e.parent_id in parents else None
    sellers = {
        p.event_id: p.seller
        for p in EventPayment.objects.filter(event__in=list(by_pk)).select_related("seller")
    }
    out: list[Entry] = []
    if kind in ("", KIND_EVENT):
        out += [
            Entry(KIND_EVENT, e, None, event_state(e, today), sellers.get(e.pk), e.visible_parent)
            for e in events
        ]
    if kind != KIND_EVENT:
        qs = Animation.objects.all() if animations is None else animations
        qs = qs.filter(event__in=list(by_pk)).select_related("site", "room__site")
        if kind:
            qs = qs.filter(kind=kind)
        if start:
            qs = qs.filter(end__date__gte=start)
        if end:
            qs = qs.filter(start__date__lte=end)
        for a in qs.order_by():
            a.event = by_pk[a.event_id]
            out.append(
                Entry(
                    a.kind,
                    a.event,
                    a,
                    animation_state(a, now),
                    sellers.get(a.event_id),
                    a.event.visible_parent,
                )
            )
    if state:
        out = [e for e in out if e.state == state]
    return sorted(out, key=Entry.sort_key)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), on the last day of a shorter month."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last = stdcalendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    default: bool = False  # chosen by the rule, not by the reader

    def _months(self) -> int | None:
        """The number of whole months of the period, None if it is not whole months."""
        after = self.end + dt.timedelta(days=1)
        if self.start.day != 1 or after.day != 1:
            return None
        return (after.year - self.start.year) * 12 + after.month - self.start.month

    def shifted(self, direction: int) -> Period:
        """The previous (-1) or next (+1) period of the same length."""
        months = self._months()
        if months:
            start = add_months(self.start, direction * months)
            return Period(start, add_months(start, months) - dt.timedelta(days=1))
        days = dt.timedelta(days=(self.end - self.start).days + 1)
        return Period(self.start + direction * days, self.end + direction * days)


def period(
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    state: str = "",
    today: dt.date | None = None,
) -> Period:
    """The dates a calendar shows for the dates the reader gave (either may be None)."""
    span = PERIOD_MONTHS
    if start and end:
        return Period(start, end)
    if start:
        return Period(start, add_months(start, span) - dt.timedelta(days=1))
    if end:
        return Period(add_months(end, -span) + dt.timedelta(days=1), end)
    month = (today or timezone.localdate()).replace(day=1)
    if state == PAST:
        start = add_months(month, 1 - span)
        return Period(start, add_months(month, 1) - dt.timedelta(days=1), default=True)
    return Period(month, add_months(month, span) - dt.timedelta(days=1), default=True)


def by_month(items: list[Entry]) -> list[tuple[dt.date, list[Entry]]]:
    """[(first day of the month, entries starting that month)] in date order."""
    months: dict[dt.date, list[Entry]] = {}
    for item in items:
        months.setdefault(item.month, []).append(item)
    return sorted(months.items())


def public_period(start: dt.date | None = None, *, today: dt.date | None = None) -> Period:
    """The period of the public agenda page: twelve months from `start` (default: the
    current month); never before the current month (the page shows no past)."""
    month = (today or timezone.localdate()).replace(day=1)
    start = max(start, month) if start else month
    end = add_months(start, PERIOD_MONTHS) - dt.timedelta(days=1)
    return Period(start, end, default=start == month)


def public_entries(
    *,
    now: dt.datetime | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
):
    """What the public sees: published events (ending on or after `since`, default today,
    and starting by `until`, if given) and their public animations that are not
    cancelled; never invitation-only ones."""
    now = now or timezone.now()
    since = since or timezone.localdate(now)
    animations = Animation.objects.filter(public=True).exclude(status=Animation.Status.CANCELLED)
    return entries(
        Event.objects.filter(is_published=True),
        now=now,
        start=since,
        end=until,
        animations=animations,
    )


COLUMNS = [
    "type",
    "titre",
    "evenement",
    "operation_de",
    "debut",
    "fin",
    "etat",
    "etablissement",
    "lieu",
    "sur_invitation",
    "annulee",
]


def _stamp(value) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def csv_rows(items: list[Entry]):
    for item in items:
        start = item.event.start_date if item.is_event else item.animation.start
        end = item.event.end_date if item.is_event else item.animation.end
        yield [
            item.kind,
            item.title,
            item.event.name,
            item.parent.name if item.parent else "",
            _stamp(start),
            _stamp(end),
            item.state,
            item.establishment.name if item.establishment else "",
            item.place,
            "oui" if item.invitation_only else "non",
            "oui" if item.cancelled else "non",
        ]


def icalendar(items: list[Entry], *, name: str, domain: str = "civitas", url=None) -> bytes:
    """The entries as an iCalendar file: an event is an all-day VEVENT over its days, an
    animation a timed one (UTC); planned entries are TENTATIVE, cancelled ones CANCELLED.
    `url(event)`: the link to put on each entry (None: no link)."""
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", "-//Civitas//events calendar//FR")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _text(name))
    for item in items:
        vevent = VEvent()
        if item.is_event:
            vevent.add("uid", f"event-{item.event.pk}@{domain}")
            vevent.add("dtstart", item.event.start_date)
            # DTEND of an all-day event is the day after the last one (RFC 5545 §3.6.1).
            vevent.add("dtend", item.event.end_date + dt.timedelta(days=1))
        else:
            vevent.add("uid", f"animation-{item.animation.pk}@{domain}")
            vevent.add("dtstart", item.animation.start.astimezone(dt.UTC))
            vevent.add("dtend", item.animation.end.astimezone(dt.UTC))
        vevent.add("dtstamp", stamp)
        summary = item.title if item.is_event else f"{item.title} ({item.event.name})"
        vevent.add("summary", _text(summary))
        vevent.add("categories", [str(item.kind_label)])
        if item.place:
            vevent.add("location", _text(item.place))
        if item.cancelled:
            vevent.add("status", "CANCELLED")
        elif item.state == PLANNED:
            vevent.add("status", "TENTATIVE")
        else:
            vevent.add("status", "CONFIRMED")
        link = url(item.event) if url else None
        if link:
            vevent.add("url", link)
        cal.add_component(vevent)
    return cal.to_ical()
