"""Meetings changed by hand by the organisers: place a confirmed request on a chosen slot,
move a meeting, cancel a meeting.

Every change runs in one transaction that first locks the slot row(s) and both
representatives' rows (services/placement.lock: slots, then people by primary key, the
order of meetings.place_meeting), so a manual change never races a participant's
confirmation or another administrator. The database constraints (one meeting per table,
one live meeting per request) stay the second line of defence.

Cancelling a meeting by hand puts the request back among the confirmed requests waiting for
a place, by default: the two companies agreed to meet and nothing says they changed their
mind (the usual cause is a late party or a room problem), so the organiser can place it
again by hand or with the incremental fill (`cancel_placement`). Closing the request as
well is an explicit choice ("the two parties no longer want to meet"). Whether both people
are free and which table is left: services/placement.py.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal, locking

from ..models import Meeting, MeetingRequest, Representative, Room, Slot
from . import ServiceError, notify, placement, webhooks
from . import meetings as meeting_services

State = MeetingRequest.State


def check_slot(event, slot) -> None:
    if slot.session.day.event_id != event.pk:
        raise ServiceError(_("This slot does not belong to this event."))
    if slot.end <= timezone.now():
        raise ServiceError(
            _("The slot of %(slot)s is over.") % {"slot": placement.slot_label(slot)}
        )


@transaction.atomic
def place_request(
    req: MeetingRequest,
    slot: Slot,
    *,
    room: Room | None = None,
    table: int | None = None,
    publish: bool = True,
    absence_reason: str | None = None,
    actor=None,
    request=None,
) -> Meeting:
    """Place a confirmed request that has no meeting yet. The meeting is locked (the
    automatic scheduling never moves it); published now (both parties told by mail and SMS)
    or kept as a draft until the next publication. `absence_reason`: place it even if one of
    the two people declared not attending the session (the reason is kept on the meeting
    and in the journal); None refuses such a slot."""
    req = meeting_services.lock_request(req)
    event = req.event
    if req.state != State.CONFIRMED:
        raise ServiceError(_("Only a confirmed request can be placed."))
    check_slot(event, slot)
    placement.lock(slots=[slot.pk], people=[req.sender_id, req.recipient_id])
    if req.meetings.filter(state=Meeting.State.SCHEDULED).exists():
        raise ServiceError(_("This request already has a meeting: move it instead."))
    reason = _override_reason(absence_reason)
    absent = placement.check_free(
        [req.sender, req.recipient],
        slot,
        ignore=placement.Ignore.of(request=req),
        for_organiser=True,
        allow_absence=reason is not None,
    )
    room, table = placement.choose_table(event, slot, room, table, hint=req.pk)
    locking.checkpoint()
    meeting = Meeting.objects.create(
        event=event,
        request=req,
        slot=slot,
        room=room,
        table_number=table,
        locked=True,
        published=publish,
        absence_override=reason if absent else "",
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
        details={
            "slot": placement.slot_label(slot),
            "room": str(room),
            "table": table,
            **_override_details(reason, absent),
        },
    )
    return meeting


@transaction.atomic
def book_meeting(
    sender: Representative,
    recipient: Representative,
    slot: Slot,
    *,
    message: str = "",
    publish: bool = True,
    actor=None,
    request=None,
) -> Meeting:
    """An organiser (or a co-organiser) books a meeting between two participants: the
    request is recorded as agreed by both (confirmed), then placed by `place_request`
    (same checks: both free at the slot, a table left, never during a declared absence).
    A request already open between the two is not duplicated: a confirmed one without a
    meeting is placed, any other one refuses."""
    event = sender.company.event
    meeting_services.participant_check(sender, recipient, event)
    open_req = (
        MeetingRequest.objects.filter(
            Q(sender=sender, recipient=recipient) | Q(sender=recipient, recipient=sender),
            state__in=MeetingRequest.OPEN_STATES,
        )
        .order_by("pk")
        .first()
    )
    if open_req is not None and (
        open_req.state != State.CONFIRMED
        or open_req.meetings.filter(state=Meeting.State.SCHEDULED).exists()
    ):
        raise ServiceError(
            _("A request between these two people is already open: see their agendas.")
        )
    if open_req is None:
        now = timezone.now()
        open_req = MeetingRequest.objects.create(
            event=event,
            sender=sender,
            recipient=recipient,
            message=message,
            slot=slot,
            state=State.CONFIRMED,
            answered_at=now,
            confirmed_at=now,
        )
    meeting = place_request(open_req, slot, publish=publish, actor=actor, request=request)
    journal.record(
        "events.meeting_booked",
        request=request,
        actor=actor,
        obj=meeting,
        details={"sender": sender.pk, "recipient": recipient.pk},
    )
    return meeting


def _override_reason(reason: str | None) -> str | None:
    """None: absences refuse the slot; otherwise the (required) reason for overriding."""
    if reason is None:
        return None
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Give the reason for placing the meeting despite an absence."))
    return reason[:300]


def _override_details(reason: str | None, absent) -> dict:
    if not absent:
        return {}
    return {"absence_override": reason, "absent": [rep.full_name for rep in absent]}


@transaction.atomic
def move_meeting(
    meeting: Meeting,
    slot: Slot,
    *,
    room: Room | None = None,
    table: int | None = None,
    absence_reason: str | None = None,
    actor=None,
    request=None,
) -> Meeting:
    """Move a meeting to another slot and/or table. The meeting keeps its identity (the
    calendar feeds update the same entry) and becomes locked. `absence_reason` as in
    place_request."""
    req = meeting_services.lock_request(meeting.request)
    meeting = _lock_meeting(meeting)
    if meeting.state != Meeting.State.SCHEDULED:
        raise ServiceError(_("This meeting is cancelled."))
    event = req.event
    check_slot(event, slot)
    placement.lock(slots={slot.pk, meeting.slot_id}, people=[req.sender_id, req.recipient_id])
    if slot.pk == meeting.slot_id and room is None and table is None:
        raise ServiceError(_("Choose another slot, room or table."))
    if (slot.pk, getattr(room, "pk", None), table) == (
        meeting.slot_id,
        meeting.room_id,
        meeting.table_number,
    ):
        raise ServiceError(_("The meeting is already there."))
    reason = _override_reason(absence_reason)
    absent = placement.check_free(
        [req.sender, req.recipient],
        slot,
        ignore=placement.Ignore.of(request=req, meeting=meeting),
        for_organiser=True,
        allow_absence=reason is not None,
    )
    room, table = placement.choose_table(event, slot, room, table, hint=req.pk, moving=meeting)
    old = {
        "slot": placement.slot_label(meeting.slot),
        "room": str(meeting.room),
        "table": meeting.table_number,
    }
    old_slot = meeting.slot
    previous = Meeting(
        pk=meeting.pk, slot=meeting.slot, room=meeting.room, table_number=meeting.table_number
    )
    meeting.slot, meeting.room, meeting.table_number, meeting.locked = slot, room, table, True
    meeting.absence_override = reason if absent else ""
    meeting.save(update_fields=["slot", "room", "table_number", "locked", "absence_override"])
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
            "to": {"slot": placement.slot_label(slot), "room": str(room), "table": table},
            **_override_details(reason, absent),
        },
    )
    if old_slot.pk != slot.pk:
        _slot_freed(old_slot)
    return meeting


@transaction.atomic
def cancel_placement(
    meeting: Meeting,
    reason: str,
    *,
    close_request: bool = False,
    actor=None,
    request=None,
) -> MeetingRequest:
    """Cancel a meeting by hand: its place is released and the request goes back to
    "confirmed, waiting for a place" unless `close_request` (then it is cancelled too; the
    participants' own cancellation of a request is meetings.cancel_request). Both parties
    are told if the meeting had been published."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the cancellation."))
    req = meeting_services.lock_request(meeting.request)
    meeting = _lock_meeting(meeting)
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
            "slot": placement.slot_label(meeting.slot),
            "reason": reason,
            "request": "cancelled" if close_request else "confirmed",
        },
    )
    _slot_freed(meeting.slot)
    return req


def _lock_meeting(meeting) -> Meeting:
    return locking.lock(
        rows=[Meeting.objects.filter(pk=meeting.pk).select_related("slot", "room__site")]
    )[0]


def _slot_freed(slot) -> None:
    """A meeting left `slot`: the waiting list of that slot may take the place."""
    from . import waitlist

    waitlist.promote(slot)
