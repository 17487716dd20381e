"""Waiting lists per slot, for the requests that book a slot (booking modes "slots" and
"both": Event.books_slots).

A request both parties agreed on (state "accepted") names a slot whose tables are all taken,
or where one of the two already has a meeting: either party can put it on the waiting list
of that slot. When a meeting at that slot is cancelled or moved away, the first compatible
entry (both people free and attending, a table left: services/placement.py) takes the
place: the meeting is placed, the request confirmed, both parties told by mail and SMS.
Entries expire when the slot starts. The position is the order of arrival among the
entries still waiting.

Promotion goes through meetings.place_meeting, which locks the slot row and both people's
rows: two promotions for the last table never both succeed (tests/events/test_waitlist.py).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal

from ..models import Meeting, MeetingRequest, SlotWaitlistEntry
from . import ServiceError, notify, placement
from . import meetings as meeting_services

State = SlotWaitlistEntry.State


@transaction.atomic
def join(req: MeetingRequest, by) -> SlotWaitlistEntry:
    req = meeting_services.lock_request(req)
    if by.pk not in (req.sender_id, req.recipient_id):
        raise ServiceError(_("You are not a party to this meeting."))
    if not req.event.books_slots or req.slot is None:
        raise ServiceError(_("Waiting lists exist for requests that name a slot."))
    if req.state != MeetingRequest.State.ACCEPTED:
        raise ServiceError(
            _("Only a request accepted by both parties can wait for a place at its slot.")
        )
    slot = req.slot
    if slot.start <= timezone.now():
        raise ServiceError(_("This slot has already started."))
    if req.waitlist_entries.filter(state=State.WAITING).exists():
        raise ServiceError(_("This request is already on the waiting list."))
    ignore = placement.Ignore.of(request=req)
    found = placement.slot_clashes([req.sender, req.recipient], slot, ignore=ignore)
    absent = next((c for c in found if c.kind == placement.ABSENT), None)
    if absent is not None:
        rep = req.sender if absent.rep_id == req.sender_id else req.recipient
        raise ServiceError(_("%(name)s does not attend this session.") % {"name": rep.full_name})
    if any(c.rep_id == by.pk for c in found):
        raise ServiceError(
            _("You already have a meeting at this slot: cancel it first if you prefer this one.")
        )
    if not found and placement.tables_left(slot) > 0:
        raise ServiceError(
            _("A place is free at this slot: confirm the meeting instead of waiting.")
        )
    return SlotWaitlistEntry.objects.create(event=req.event, slot=slot, request=req, joined_by=by)


@transaction.atomic
def leave(entry: SlotWaitlistEntry, by) -> SlotWaitlistEntry:
    entry = SlotWaitlistEntry.objects.select_for_update().select_related("request").get(pk=entry.pk)
    if by.pk not in (entry.request.sender_id, entry.request.recipient_id):
        raise ServiceError(_("You are not a party to this meeting."))
    if entry.state != State.WAITING:
        raise ServiceError(_("This entry is no longer on the waiting list."))
    entry.state = State.LEFT
    entry.ended_at = timezone.now()
    entry.save(update_fields=["state", "ended_at"])
    return entry


def waiting(slot):
    return SlotWaitlistEntry.objects.filter(
        slot=slot, state=State.WAITING, request__state=MeetingRequest.State.ACCEPTED
    ).order_by("created_at", "pk")


def position(entry: SlotWaitlistEntry) -> int | None:
    if entry.state != State.WAITING:
        return None
    ahead = (
        waiting(entry.slot_id)
        .filter(
            Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, pk__lt=entry.pk)
        )
        .count()
    )
    return ahead + 1


def _close(entry, state) -> None:
    entry.state = state
    entry.ended_at = timezone.now()
    entry.save(update_fields=["state", "ended_at"])


@transaction.atomic
def promote_entry(entry: SlotWaitlistEntry) -> Meeting | None:
    """Place this entry's meeting at its slot now. Raises ServiceError (nothing changed)
    if one of the two is busy or absent or no table is left; returns None (and closes the
    entry) if the request no longer waits for that slot."""
    entry = SlotWaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.state != State.WAITING:
        return None
    req = meeting_services.lock_request(entry.request)
    slot = req.slot
    if req.state != MeetingRequest.State.ACCEPTED or slot is None or slot.pk != entry.slot_id:
        _close(entry, State.CLOSED)
        return None
    if slot.start <= timezone.now():
        _close(entry, State.EXPIRED)
        return None
    meeting = meeting_services.place_meeting(req, slot)
    req.state = MeetingRequest.State.CONFIRMED
    req.confirmed_at = timezone.now()
    req.expires_at = None
    req.save(update_fields=["state", "confirmed_at", "expires_at"])
    entry.meeting = meeting
    entry.state = State.PLACED
    entry.ended_at = timezone.now()
    entry.save(update_fields=["meeting", "state", "ended_at"])
    for rep in (req.sender, req.recipient):
        notify.tell(rep, "events.waitlist_promoted", other=req.other(rep), meeting=meeting)
    return meeting


def promote(slot) -> list[Meeting]:
    """A place may have freed at `slot`: give it to the first compatible waiting entries.
    Each attempt runs in its own savepoint, so a refusal never undoes the caller's change."""
    if slot.start <= timezone.now():
        expire()
        return []
    placed = []
    for entry in list(waiting(slot)):
        if placement.tables_left(slot) <= 0:
            break
        try:
            with transaction.atomic():
                meeting = promote_entry(entry)
        except ServiceError:
            continue  # one of the two is busy or absent at that slot: the next one
        if meeting is not None:
            placed.append(meeting)
    return placed


def expire(now=None) -> int:
    """Entries whose slot has started expire; both parties are told by mail."""
    now = now or timezone.now()
    count = 0
    ids = list(
        SlotWaitlistEntry.objects.filter(state=State.WAITING, slot__start__lte=now).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            entry = (
                SlotWaitlistEntry.objects.select_for_update(of=("self",))
                .filter(pk=pk, state=State.WAITING)
                .select_related(
                    "slot", "request__sender__company__event", "request__recipient__company"
                )
                .first()
            )
            if entry is None:
                continue
            _close(entry, State.EXPIRED)
            req = entry.request
            if req.state == MeetingRequest.State.ACCEPTED:
                when = {"when": f"{timezone.localtime(entry.slot.start):%d/%m/%Y %H:%M}"}
                for rep in (req.sender, req.recipient):
                    notify.tell(
                        rep, "events.waitlist_expired", other=req.other(rep), sms=False, extra=when
                    )
            count += 1
    return count


def slot_label(slot) -> str:
    start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
    return f"{start:%d/%m/%Y %H:%M}–{end:%H:%M}"


@transaction.atomic
def remove(entry: SlotWaitlistEntry, *, reason: str = "", request=None) -> SlotWaitlistEntry:
    """An organiser takes an entry off its waiting list. No message template fits this case
    (waitlist_expired says the slot has started): the parties see the new state in their
    area, nobody is mailed. Journaled with the optional reason."""
    entry = (
        SlotWaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("slot", "request")
        .get(pk=entry.pk)
    )
    if entry.state != State.WAITING:
        raise ServiceError(_("This entry is no longer on the waiting list."))
    _close(entry, State.REMOVED)
    journal.record(
        "events.waitlist_entry_removed",
        request=request,
        obj=entry,
        details={
            "slot": slot_label(entry.slot),
            "request": entry.request_id,
            "reason": reason,
        },
    )
    return entry
