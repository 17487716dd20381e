"""A representative changes the sessions they attend after registering.

Meetings in a session they now say they will miss are shown first and only cancelled after
an explicit confirmation, with notice to the other parties:
- a request that booked that slot: it is cancelled (the other party is told; the freed
  place goes to the slot's waiting list);
- a request without a slot: the meeting is cancelled but the request stays confirmed,
  waiting for a place in a session both attend (the organisers' incremental fill or a
  manual placement).
This is the one home of the rule: the participant area, the profile, the back office's
correction of a registration all call set_sessions.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import Meeting, Representative, Session
from . import ServiceError, notify
from . import meetings as meeting_services


class NeedsConfirmation(ServiceError):
    def __init__(self, meetings):
        self.meetings = meetings
        super().__init__(
            _("You have meetings in the sessions you will miss: confirm to cancel them.")
        )


def _meetings_in(rep, sessions):
    return list(
        Meeting.objects.filter(state=Meeting.State.SCHEDULED, slot__session__in=sessions)
        .filter(Q(request__sender=rep) | Q(request__recipient=rep))
        .select_related(
            "slot__session", "room__site", "request__sender__company", "request__recipient__company"
        )
        .order_by("slot__start")
    )


@transaction.atomic
def set_sessions(rep: Representative, attended, *, confirmed=False) -> list[Meeting]:
    """Set the sessions `rep` attends; returns the meetings cancelled."""
    rep = Representative.objects.select_for_update().select_related("company__event").get(pk=rep.pk)
    event = rep.company.event
    sessions = Session.objects.filter(day__event=event)
    attended_ids = {s.pk for s in attended}
    if not attended_ids <= set(sessions.values_list("pk", flat=True)):
        raise ServiceError(_("These sessions do not belong to this event."))
    absent = [s for s in sessions if s.pk not in attended_ids]
    to_cancel = _meetings_in(rep, absent)
    if to_cancel and not confirmed:
        raise NeedsConfirmation(to_cancel)
    rep.absent_sessions.set(absent)
    reason = _("%(name)s will not attend this session.") % {"name": rep.full_name}
    for meeting in to_cancel:
        req = meeting.request
        if req.slot_id is not None:
            meeting_services.cancel_request(req, rep, reason)
            continue
        Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.CANCELLED)
        if meeting.published:
            other = req.other(rep)
            notify.tell(
                other, "events.meeting_released", other=rep, meeting=meeting, extra={"replan": "1"}
            )
        from .waitlist import promote

        promote(meeting.slot)
    return to_cancel


def set_absences(rep: Representative, absent, *, confirmed=False) -> list[Meeting]:
    """The same rule, given the sessions missed (what the forms' ticks leave out)."""
    absent_ids = {s.pk for s in absent}
    event_id = Representative.objects.filter(pk=rep.pk).values_list("company__event", flat=True)[0]
    attended = [s for s in Session.objects.filter(day__event=event_id) if s.pk not in absent_ids]
    return set_sessions(rep, attended, confirmed=confirmed)
