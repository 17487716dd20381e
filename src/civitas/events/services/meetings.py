"""Meeting requests with mutual acceptance, direct placement, cancellation, expiry.

A asks B (pending) -> B accepts (accepted) or declines -> A confirms (confirmed). Two ways,
per request, as the event's booking mode allows (Event.books_slots / takes_requests; the
default mode "both" leaves the choice to the sender, 003 §4.2.2):
- slot booking: the request names a free slot and confirming places the meeting there at a
  free table (a taken slot has a waiting list: services/waitlist.py);
- request: no slot; the sender may state preferred sessions; once confirmed it waits for the
  organisers' scheduling (automatic run or manual placement), which treats the meetings
  already booked on slots as fixed.

Placing a meeting is race-free: `place_meeting` locks the slot row and both
representatives' rows (services/placement.lock: slots then people, in primary-key order, so
two transactions never deadlock) before it asks services/placement.py whether both are free
and which table is left. The table constraint in the database is a second line of defence.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal, locking

from ..models import Company, Event, Meeting, MeetingRequest, Representative, Slot
from . import ServiceError, notify, placement, webhooks

State = MeetingRequest.State


def _expiry(event: Event):
    return timezone.now() + timedelta(days=event.request_expiry_days)


def lock_request(req) -> MeetingRequest:
    """The request's row, locked until the end of the transaction, with its parties."""
    return locking.lock(
        rows=[
            MeetingRequest.objects.filter(pk=req.pk).select_related(
                "event", "sender__company", "recipient__company", "slot"
            )
        ]
    )[0]


def place_meeting(req: MeetingRequest, slot: Slot, *, locked=False, published=True) -> Meeting:
    """Put the request in `slot` at a free table (call inside a transaction)."""
    placement.lock(slots=[slot.pk], people=[req.sender_id, req.recipient_id])
    placement.check_free([req.sender, req.recipient], slot, ignore=placement.Ignore.of(request=req))
    room, table = placement.choose_table(req.event, slot, hint=req.pk)
    locking.checkpoint()
    previous = Meeting.objects.filter(request=req, state=Meeting.State.SCHEDULED).first()
    Meeting.objects.filter(request=req, state=Meeting.State.SCHEDULED).update(
        state=Meeting.State.CANCELLED
    )
    meeting = Meeting.objects.create(
        event=req.event,
        request=req,
        slot=slot,
        room=room,
        table_number=table,
        locked=locked,
        published=published,
    )
    if previous is not None and previous.published and published:
        webhooks.meeting_moved(meeting, previous)
    elif published:
        webhooks.meetings_scheduled(req.event, [meeting])
    return meeting


def participant_check(sender: Representative, recipient: Representative, event: Event):
    for rep in (sender, recipient):
        if rep.company.event_id != event.pk:
            raise ServiceError(_("Both people must take part in this event."))
        if rep.company.status != Company.Status.VALIDATED:
            raise ServiceError(
                _("%(company)s is not validated yet.") % {"company": rep.company.name}
            )
    if sender.company_id == recipient.company_id:
        raise ServiceError(_("You cannot ask for a meeting with your own company."))
    if recipient.moderation != "validated":
        raise ServiceError(
            _("%(name)s is awaiting the organisers' validation: no meeting can be asked yet.")
            % {"name": recipient.full_name}
        )


@transaction.atomic
def send_request(
    sender: Representative,
    recipient: Representative,
    message="",
    slot=None,
    *,
    preferred_sessions=(),
):
    """Ask `recipient` for a meeting: at `slot` (slot booking) or, without a slot, at a time
    the scheduling finds, preferably in `preferred_sessions`."""
    event = sender.company.event
    participant_check(sender, recipient, event)
    already = MeetingRequest.objects.filter(
        Q(sender=sender, recipient=recipient) | Q(sender=recipient, recipient=sender),
        state__in=MeetingRequest.OPEN_STATES,
    )
    if already.exists():
        raise ServiceError(_("A request between you two is already open."))
    if slot is not None and not event.books_slots:
        slot = None  # this event takes requests only: the scheduling places them
    if slot is None and not event.takes_requests:
        raise ServiceError(_("Choose a slot for this meeting."))
    preferred = []
    if slot is not None:
        if slot.get_event().pk != event.pk:
            raise ServiceError(_("Choose a slot for this meeting."))
        placement.check_free([sender, recipient], slot)
    else:
        preferred = list(preferred_sessions)
        if any(s.get_event().pk != event.pk for s in preferred):
            raise ServiceError(_("These sessions do not belong to this event."))
    req = MeetingRequest.objects.create(
        event=event,
        sender=sender,
        recipient=recipient,
        message=message,
        slot=slot,
        expires_at=_expiry(event),
    )
    if preferred:
        req.preferred_sessions.set(preferred)
    notify.tell(recipient, "events.request_received", other=sender)
    return req


@transaction.atomic
def accept_request(req: MeetingRequest, by: Representative) -> MeetingRequest:
    req = lock_request(req)
    if by.pk != req.recipient_id:
        raise ServiceError(_("Only the person asked can accept this request."))
    if req.state != State.PENDING:
        raise ServiceError(_("This request is no longer waiting for an answer."))
    if req.slot_id:
        placement.check_free(
            [req.sender, req.recipient], req.slot, ignore=placement.Ignore.of(request=req)
        )
    req.state = State.ACCEPTED
    req.answered_at = timezone.now()
    req.expires_at = _expiry(req.event)
    req.save(update_fields=["state", "answered_at", "expires_at"])
    notify.tell(req.sender, "events.request_accepted", other=req.recipient)
    return req


@transaction.atomic
def decline_request(req: MeetingRequest, by: Representative, reason="") -> MeetingRequest:
    req = lock_request(req)
    if by.pk != req.recipient_id:
        raise ServiceError(_("Only the person asked can decline this request."))
    if req.state != State.PENDING:
        raise ServiceError(_("This request is no longer waiting for an answer."))
    req.state = State.DECLINED
    req.answered_at = timezone.now()
    req.reason = reason[:300]
    req.save(update_fields=["state", "answered_at", "reason"])
    notify.tell(req.sender, "events.request_declined", other=req.recipient, sms=False)
    return req


@transaction.atomic
def confirm_request(req: MeetingRequest, by: Representative) -> MeetingRequest:
    req = lock_request(req)
    if by.pk != req.sender_id:
        raise ServiceError(_("Only the person who asked can confirm this meeting."))
    if req.state != State.ACCEPTED:
        raise ServiceError(_("This request has not been accepted."))
    meeting = None
    if req.slot is not None:  # slot booking: the meeting is placed now
        meeting = place_meeting(req, req.slot)
    req.state = State.CONFIRMED
    req.confirmed_at = timezone.now()
    req.expires_at = None
    req.save(update_fields=["state", "confirmed_at", "expires_at"])
    for rep in (req.sender, req.recipient):
        notify.tell(rep, "events.request_confirmed", other=req.other(rep), meeting=meeting)
    return req


@transaction.atomic
def cancel_request(
    req: MeetingRequest,
    by: Representative | None,
    reason="",
    *,
    actor=None,
    request=None,
    untold=(),
) -> MeetingRequest:
    """Either party (or an administrator, by=None) cancels; the other side is told (both
    sides when an administrator cancels, except the representatives whose ids are in
    `untold`: a withdrawn company is told once, by its own message)."""
    req = lock_request(req)
    if by is not None and by.pk not in (req.sender_id, req.recipient_id):
        raise ServiceError(_("You are not a party to this meeting."))
    if req.state not in MeetingRequest.OPEN_STATES:
        raise ServiceError(_("This request is already closed."))
    meeting = (
        req.meetings.filter(state=Meeting.State.SCHEDULED)
        .select_related("slot", "room__site")
        .first()
    )
    req.state = State.CANCELLED
    req.cancelled_by = by
    req.reason = reason[:300]
    req.save(update_fields=["state", "cancelled_by", "reason"])
    req.meetings.filter(state=Meeting.State.SCHEDULED).update(state=Meeting.State.CANCELLED)
    if meeting is not None and meeting.published:
        webhooks.meeting_cancelled(meeting)
    to_tell = [req.sender, req.recipient] if by is None else [req.other(by)]
    for rep in [r for r in to_tell if r.pk not in untold]:
        notify.tell(rep, "events.meeting_cancelled", other=by or req.other(rep), meeting=meeting)
    if by is None:
        journal.record("events.meeting_cancelled", request=request, actor=actor, obj=req)
    if meeting is not None:  # the freed place goes to the slot's waiting list
        from .waitlist import promote

        promote(meeting.slot)
    return req


def expire_requests(now=None) -> int:
    """Pending or accepted-but-unconfirmed requests past their expiry date expire."""
    now = now or timezone.now()
    count = 0
    ids = list(
        MeetingRequest.objects.filter(
            state__in=[State.PENDING, State.ACCEPTED], expires_at__lt=now
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            req = (
                MeetingRequest.objects.select_for_update()
                .filter(pk=pk, state__in=[State.PENDING, State.ACCEPTED], expires_at__lt=now)
                .select_related("sender__company__event", "recipient__company")
                .first()
            )
            if req is None:
                continue
            req.state = State.EXPIRED
            req.save(update_fields=["state"])
            notify.tell(req.sender, "events.request_expired", other=req.recipient, sms=False)
            count += 1
    return count


def representative_for(user, event) -> Representative | None:
    if not user.is_authenticated:
        return None
    return (
        Representative.objects.select_related("company__event", "company__sector")
        .filter(user=user, company__event=event)
        .exclude(company__status=Company.Status.REJECTED)
        .first()
    )
