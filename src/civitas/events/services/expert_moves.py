"""The organiser moves one scheduled expert meeting by hand (003 §4.2.3).

The meeting keeps its id; it may go to another time of the same expert or to a time of
another expert of the event sharing a field of expertise (the meeting's subject, else a
field of its expert). The same rules as booking apply (services/experts.py): the
participant must be free (services/placement.py: no B2B meeting, no other expert meeting,
session attended) and, for another expert, the quota must leave a place. Rows are locked
in the same order as the booking path: experts first (primary-key order), then the
meeting, then the representative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal, locking

from ..models import Expert, ExpertMeeting
from . import ServiceError, placement
from . import expert_messages as messages
from . import experts as base

State = ExpertMeeting.State


@dataclass(frozen=True)
class Option:
    expert: Expert
    time: base.Time

    @property
    def key(self) -> str:
        return option_key(self.expert.pk, self.time.start)


def option_key(expert_pk: int, start: datetime) -> str:
    return f"{expert_pk}-{int(start.timestamp())}"


def parse_key(key: str) -> tuple[int, datetime] | None:
    try:
        expert_pk, stamp = str(key).split("-", 1)
        return int(expert_pk), datetime.fromtimestamp(
            int(stamp), tz=timezone.get_current_timezone()
        )
    except (ValueError, OverflowError, OSError):
        return None


def eligible_experts(em: ExpertMeeting) -> list[Expert]:
    """The meeting's expert first, then the other present experts of the event sharing a
    field with it."""
    others = list(
        Expert.objects.filter(event_id=em.event_id, absent=False)
        .exclude(pk=em.expert_id)
        .prefetch_related("fields")
        .order_by("last_name", "first_name", "pk")
    )
    return [em.expert, *base.compatible_experts(em.expert, em, others)]


def move_options(em: ExpertMeeting, *, now=None) -> list[Option]:
    """Every (expert, time) the meeting can move to, its expert's times first."""
    out = []
    for expert in eligible_experts(em):
        if expert.pk != em.expert_id and base.places_left(expert) == 0:
            continue
        for t in base.free_times(expert, em.representative, exclude_meeting=em, now=now):
            if expert.pk == em.expert_id and t.start == em.start:
                continue
            out.append(Option(expert, t))
    return out


def _refusal(em: ExpertMeeting, expert: Expert, start: datetime, now) -> str | None:
    """Why the meeting cannot go to `expert` at `start` (None: it can)."""
    if expert.event_id != em.event_id:
        return _("This expert does not take part in the event.")
    if expert.pk != em.expert_id and expert.pk not in {e.pk for e in eligible_experts(em)}:
        return _("%(expert)s does not cover the subject of this meeting.") % {
            "expert": expert.full_name
        }
    if expert.pk == em.expert_id and start == em.start:
        return _("The meeting is already at that time.")
    t = next((t for t in base.expert_times(expert) if t.start == start), None)
    if t is None:
        return _("%(expert)s has no meeting time then (sessions, length or absence).") % {
            "expert": expert.full_name
        }
    if t.start <= now:
        return _("This time is already past.")
    if expert.pk != em.expert_id and base.places_left(expert) == 0:
        return _("%(expert)s has no meeting left: the limit of %(n)s meetings is reached.") % {
            "expert": expert.full_name,
            "n": expert.quota,
        }
    rep = em.representative
    ignore = placement.Ignore.of(expert_meeting=em)
    found = placement.clashes(
        [rep.pk], start=t.start, end=t.end, session_id=t.session_id, ignore=ignore
    )
    if any(c.kind == placement.ABSENT for c in found):
        return _("The participant does not attend that session.")
    if placement.overlaps(t.start, t.end, placement.expert_busy(expert, ignore=ignore)):
        return _("%(expert)s already has a meeting at that time.") % {"expert": expert.full_name}
    if found:
        return _("The participant already has a meeting at that time (B2B or with an expert).")
    return None


@transaction.atomic
def move_meeting(
    em: ExpertMeeting, expert: Expert, start: datetime, *, request=None, actor=None
) -> ExpertMeeting:
    """Move a scheduled expert meeting to `expert` (the same or another one) at `start`;
    the participant (mail and SMS) and the expert(s) are told; journaled."""
    # Experts first, in primary-key order, as mark_absent does.
    locked = placement.lock(experts={em.expert_id, expert.pk})
    if expert.pk not in locked:
        raise ServiceError(_("This expert no longer exists."))
    em = locking.lock(
        rows=[
            ExpertMeeting.objects.filter(pk=em.pk).select_related(
                "expert", "representative__company__event", "topic"
            )
        ]
    )[0]
    if em.state != State.SCHEDULED:
        raise ServiceError(_("Only a scheduled meeting can be moved."))
    base.lock_people([em.representative_id])
    target = locked[expert.pk]
    if target.absent:
        raise ServiceError(_("This expert is absent."))
    now = timezone.now()
    reason = _refusal(em, target, start, now)
    if reason:
        raise ServiceError(reason)
    t = next(t for t in base.expert_times(target) if t.start == start)
    old_expert, old_start = em.expert, em.start
    changed = old_expert.pk != target.pk
    if changed:
        # Told with the old time and place, before the meeting changes.
        messages.tell_expert(old_expert, "events.expert_meeting_cancelled_expert", meeting=em)
        em.moved_from = old_expert
    base.assign_time(em, target, t)
    messages.tell_rep(em.representative, "events.expert_meeting_rescheduled", meeting=em)
    messages.tell_expert(
        target,
        "events.expert_meeting_for_expert"
        if changed
        else "events.expert_meeting_rescheduled_expert",
        meeting=em,
    )
    journal.record(
        "events.expert_meeting_moved",
        request=request,
        actor=actor,
        obj=em,
        details={
            "old_start": base.time_label(old_start),
            "new_start": base.time_label(em.start),
            "old_expert": old_expert.pk,
            "new_expert": target.pk,
        },
    )
    return em
