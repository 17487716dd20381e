"""Meetings changed by hand by the organisers: place a confirmed request on a chosen slot,
move a meeting, cancel a meeting.

Every change runs in one transaction that first locks the slot row(s) and both
representatives' rows (the same order as meetings.place_meeting: slot, then people by
primary key), so a manual change never races a participant's confirmation or another
administrator. The database constraints (one meeting per table, one live meeting per
request) stay the second line of defence.

Cancelling a meeting by hand puts the request back among the confirmed requests waiting for
a place, by default: the two companies agreed to meet and nothing says they changed their
mind (the usual cause is a late party or a room problem), so the organiser can place it
again by hand or with the incremental fill. Closing the request as well is an explicit
choice ("the two parties no longer want to meet").
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal

from ..models import Meeting, MeetingRequest, Representative, Room, Slot
from . import ServiceError, notify, webhooks
from . import meetings as meeting_services

State = MeetingRequest.State


def _slot_label(slot) -> str:
    local = timezone.localtime(slot.start)
    return f"{local:%d/%m/%Y %H:%M}"


def lock(slot_ids, rep_ids) -> None:
    """Lock slots then people, each in primary-key order (no deadlock with place_meeting)."""
    if not meeting_services.LOCKING:
        return
    list(Slot.objects.select_for_update().filter(pk__in=sorted(slot_ids)).order_by("pk"))
    list(Representative.objects.select_for_update().filter(pk__in=rep_ids).order_by("pk"))


def check_slot(event, slot) -> None:
    if slot.session.day.event_id != event.pk:
        raise ServiceError(_("This slot does not belong to this event."))
    if slot.end <= timezone.now():
        raise ServiceError(_("The slot of %(slot)s is over.") % {"slot": _slot_label(slot)})


def check_people(req, slot, *, exclude_meeting=None) -> None:
    """Both people attend the slot's session and have no other meeting at that slot."""
    reps = [req.sender, req.recipient]
    for rep in reps:
        if rep.absent_sessions.filter(pk=slot.session_id).exists():
            raise ServiceError(
                _("%(name)s does not attend the session %(session)s.")
                % {"name": rep.full_name, "session": slot.session.name}
            )
    busy = (
        Meeting.objects.filter(slot=slot, state=Meeting.State.SCHEDULED)
        .filter(
            Q(request__sender_id__in=[r.pk for r in reps])
            | Q(request__recipient_id__in=[r.pk for r in reps])
        )
        .exclude(request=req)
        .select_related("request__sender__company", "request__recipient__company")
    )
    if exclude_meeting is not None:
        busy = busy.exclude(pk=exclude_meeting.pk)
    for other in busy:
        for rep in reps:
            if rep.pk in (other.request.sender_id, other.request.recipient_id):
                with_whom = other.request.other(rep)
                raise ServiceError(
                    _("%(name)s already has a meeting at %(slot)s (with %(other)s).")
                    % {
                        "name": rep.full_name,
                        "slot": _slot_label(slot),
                        "other": f"{with_whom.full_name}, {with_whom.company.name}",
                    }
                )


def choose_table(event, slot, room=None, table=None, *, hint=0, exclude_meeting=None):
    """(room, table): the one asked for if free, else the first free table (of `room`)."""
    taken_qs = Meeting.objects.filter(slot=slot, state=Meeting.State.SCHEDULED)
    if exclude_meeting is not None:
        taken_qs = taken_qs.exclude(pk=exclude_meeting.pk)
    taken = set(taken_qs.values_list("room_id", "table_number"))
    if table is not None and room is None:
        raise ServiceError(_("Choose the room of this table."))
    if room is not None:
        if room.site.event_id != event.pk:
            raise ServiceError(_("This room does not belong to this event."))
        if table is not None:
            if not 1 <= table <= room.tables:
                raise ServiceError(
                    _("%(room)s has tables 1 to %(n)s.") % {"room": room, "n": room.tables}
                )
            if (room.pk, table) in taken:
                raise ServiceError(
                    _("Table %(table)s of %(room)s is already taken at %(slot)s.")
                    % {"table": table, "room": room, "slot": _slot_label(slot)}
                )
            return room, table
        for n in range(1, room.tables + 1):
            if (room.pk, n) not in taken:
                return room, n
        raise ServiceError(
            _("No table is left in %(room)s at %(slot)s.")
            % {"room": room, "slot": _slot_label(slot)}
        )
    if exclude_meeting is None:
        return meeting_services._free_table(slot, event, hint)
    # Moving within the same slot: never hand back the meeting's own table.
    tables = [
        (r, n)
        for r in Room.objects.filter(site__event=event).order_by("site__name", "name", "pk")
        for n in range(1, r.tables + 1)
    ]
    for r, n in tables:
        if (r.pk, n) not in taken and (r.pk, n) != (
            exclude_meeting.room_id,
            exclude_meeting.table_number,
        ):
            return r, n
    raise ServiceError(_("No table is left at %(slot)s.") % {"slot": _slot_label(slot)})


def _locked_request(req) -> MeetingRequest:
    return meeting_services._lock_request(req)


@transaction.atomic
def place_request(
    req: MeetingRequest,
    slot: Slot,
    *,
    room: Room | None = None,
    table: int | None = None,
    publish: bool = True,
    actor=None,
    request=None,
) -> Meeting:
    """Place a confirmed request that has no meeting yet. The meeting is locked (the
    automatic scheduling never moves it); published now (both parties told by mail and SMS)
    or kept as a draft until the next publication."""
    req = _locked_request(req)
    event = req.event
    if req.state != State.CONFIRMED:
        raise ServiceError(_("Only a confirmed request can be placed."))
    check_slot(event, slot)
    lock([slot.pk], [req.sender_id, req.recipient_id])
    if req.meetings.filter(state=Meeting.State.SCHEDULED).exists():
        raise ServiceError(_("This request already has a meeting: move it instead."))
    check_people(req, slot)
    meeting_services._check_slot_free([req.sender_id, req.recipient_id], slot, req)
    room, table = choose_table(event, slot, room, table, hint=req.pk)
    if meeting_services._after_checks is not None:
        meeting_services._after_checks()
    meeting = Meeting.objects.create(
        event=event,
        request=req,
        slot=slot,
        room=room,
        table_number=table,
        locked=True,
        published=publish,
    )
    if publish:
        for rep in (req.sender, req.recipient):
            notify.tell(rep, "events.meeting_scheduled", other=req.other(rep), meeting=meeting)
        webhooks.meetings_scheduled(event, [meeting])
    journal.record(
        "events.meeting_placed",
        request=request,
        actor=actor,
        obj=meeting,
        details={"slot": _slot_label(slot), "room": str(room), "table": table},
    )
    return meeting


@transaction.atomic
def move_meeting(
    meeting: Meeting,
    slot: Slot,
    *,
    room: Room | None = None,
    table: int | None = None,
    actor=None,
    request=None,
) -> Meeting:
    """Move a meeting to another slot and/or table. The meeting keeps its identity (the
    calendar feeds update the same entry) and becomes locked."""
    req = _locked_request(meeting.request)
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("slot", "room__site")
        .get(pk=meeting.pk)
    )
    if meeting.state != Meeting.State.SCHEDULED:
        raise ServiceError(_("This meeting is cancelled."))
    event = req.event
    check_slot(event, slot)
    lock({slot.pk, meeting.slot_id}, [req.sender_id, req.recipient_id])
    if slot.pk == meeting.slot_id and room is None and table is None:
        raise ServiceError(_("Choose another slot, room or table."))
    if (slot.pk, getattr(room, "pk", None), table) == (
        meeting.slot_id,
        meeting.room_id,
        meeting.table_number,
    ):
        raise ServiceError(_("The meeting is already there."))
    check_people(req, slot, exclude_meeting=meeting)
    room, table = choose_table(
        event,
        slot,
        room,
        table,
        hint=req.pk,
        exclude_meeting=meeting if slot.pk == meeting.slot_id else None,
    )
    old = {
        "slot": _slot_label(meeting.slot),
        "room": str(meeting.room),
        "table": meeting.table_number,
    }
    old_slot = meeting.slot
    previous = Meeting(
        pk=meeting.pk, slot=meeting.slot, room=meeting.room, table_number=meeting.table_number
    )
    meeting.slot, meeting.room, meeting.table_number, meeting.locked = slot, room, table, True
    meeting.save(update_fields=["slot", "room", "table_number", "locked"])
    if meeting.published:
        webhooks.meeting_moved(meeting, previous)
        for rep in (req.sender, req.recipient):
            notify.tell(rep, "events.meeting_moved", other=req.other(rep), meeting=meeting)
    journal.record(
        "events.meeting_moved",
        request=request,
        actor=actor,
        obj=meeting,
        details={
            "from": old,
            "to": {"slot": _slot_label(slot), "room": str(room), "table": table},
        },
    )
    if old_slot.pk != slot.pk:
        _slot_freed(old_slot)
    return meeting


@transaction.atomic
def cancel_meeting(
    meeting: Meeting,
    reason: str,
    *,
    close_request: bool = False,
    actor=None,
    request=None,
) -> MeetingRequest:
    """Cancel a meeting by hand. The request goes back to "confirmed, waiting for a place"
    unless `close_request` (then it is cancelled). Both parties are told if the meeting had
    been published."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the cancellation."))
    req = _locked_request(meeting.request)
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("slot", "room__site")
        .get(pk=meeting.pk)
    )
    if meeting.state != Meeting.State.SCHEDULED:
        raise ServiceError(_("This meeting is already cancelled."))
    meeting.state = Meeting.State.CANCELLED
    meeting.save(update_fields=["state"])
    if meeting.published:
        webhooks.meeting_cancelled(meeting)
    if close_request:
        req.state = State.CANCELLED
        req.cancelled_by = None
        req.reason = reason[:300]
        req.save(update_fields=["state", "cancelled_by", "reason"])
    if meeting.published:
        for rep in (req.sender, req.recipient):
            notify.tell(
                rep,
                "events.meeting_cancelled_by_organiser",
                other=req.other(rep),
                meeting=meeting,
                extra={"reason": reason, "replan": "" if close_request else "1"},
            )
    journal.record(
        "events.meeting_cancelled",
        request=request,
        actor=actor,
        obj=req,
        details={
            "meeting": meeting.pk,
            "slot": _slot_label(meeting.slot),
            "reason": reason,
            "request": "cancelled" if close_request else "confirmed",
        },
    )
    _slot_freed(meeting.slot)
    return req


def _slot_freed(slot) -> None:
    """A meeting left `slot`: the waiting list of that slot may take the place."""
    from . import waitlist

    waitlist.promote(slot)
