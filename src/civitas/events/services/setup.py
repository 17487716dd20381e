"""Event set-up: creation with its default lists, slot generation."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal

from ..models import CooperationType, Event, Meeting, NaceSection, Sector, Session, Slot
from ..nace import DEFAULT_COOPERATION_TYPES, NACE_SECTIONS
from . import ServiceError, minisite


@transaction.atomic
def create_event(*, actor=None, request=None, **fields) -> Event:
    """Create an event with the NACE sectors and the default cooperation types."""
    fields.setdefault("languages", ["fr", "en"])
    fields.setdefault("public_fields", list(Event.DEFAULT_PUBLIC_FIELDS))
    event = Event.objects.create(**fields)
    seed_lists(event)
    minisite.ensure_minisite(event)
    journal.record("events.event_created", request=request, actor=actor, obj=event)
    return event


def seed_lists(event: Event) -> None:
    sections = list(NaceSection.objects.values_list("code", "label_fr", "label_en"))
    Sector.objects.bulk_create(
        Sector(event=event, code=c, label_fr=fr, label_en=en)
        for c, fr, en in sections or NACE_SECTIONS
    )
    CooperationType.objects.bulk_create(
        CooperationType(event=event, label_fr=fr, label_en=en)
        for fr, en in DEFAULT_COOPERATION_TYPES
    )


def wanted_slots(session: Session) -> list[tuple[datetime, datetime]]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(session.day.date, session.start_time), tz)
    end = timezone.make_aware(datetime.combine(session.day.date, session.end_time), tz)
    step = timedelta(minutes=session.slot_minutes)
    out = []
    while start + step <= end:
        out.append((start, start + step))
        start += step
    return out


@transaction.atomic
def generate_slots(session: Session) -> dict:
    """Make the session's slots match its times and slot length.

    Slots that hold a meeting are never deleted: if the new times would drop one, nothing
    changes and ServiceError lists the slots concerned.
    """
    Session.objects.select_for_update().filter(pk=session.pk).first()
    wanted = wanted_slots(session)
    wanted_set = set(wanted)
    existing = list(session.slots.all())
    to_drop = [s for s in existing if (s.start, s.end) not in wanted_set]
    busy = [s for s in to_drop if Meeting.objects.filter(slot=s).exists()]
    if busy:
        raise ServiceError(
            _(
                "These slots hold meetings and cannot be removed: %(slots)s. "
                "Move or cancel those meetings first."
            )
            % {"slots": ", ".join(str(s) for s in busy)}
        )
    Slot.objects.filter(pk__in=[s.pk for s in to_drop]).delete()
    have = {(s.start, s.end) for s in existing}
    new = [Slot(session=session, start=a, end=b) for a, b in wanted if (a, b) not in have]
    Slot.objects.bulk_create(new)
    return {"created": len(new), "deleted": len(to_drop), "total": len(wanted)}
