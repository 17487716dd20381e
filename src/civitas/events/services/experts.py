"""Expert meetings (003 §4.2.3): requests, the two assignment modes, cancellation, absence.

Times. An expert's slots are cut from the sessions they attend, with their own meeting
length when it differs from the session's. A time suits a participant when they attend the
session (the sessions they declared "not attended" are neutralised) and have no other
meeting overlapping it: neither a B2B meeting (draft or published) nor another expert
meeting.

Whether the participant is free (B2B meetings, other expert meetings, sessions not attended)
is asked of services/placement.py, as every other placement path does.

Races. Booking locks the expert's row first (so two requests never both take the last
place of the quota), then the representative's row (services/placement.lock): the B2B
booking path (services/meetings.place_meeting) locks the same representative rows, so a B2B
meeting and an expert meeting can never be placed at the same time for the same person. The
partial unique constraints on (expert, start) and (representative, start) are a second line
of defence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import journal, locking

from ..models import (
    Company,
    Day,
    Event,
    Expert,
    ExpertAbsence,
    ExpertMeeting,
    Representative,
)
from . import ServiceError, placement
from . import expert_messages as messages

State = ExpertMeeting.State


@dataclass(frozen=True)
class Time:
    session_id: int
    day_id: int
    start: datetime
    end: datetime


# --- Times ----------------------------------------------------------------------------------


def expert_times(expert: Expert, *, include_absent=False) -> list[Time]:
    """The expert's slots, in time order (without their days of absence)."""
    if expert.absent and not include_absent:
        return []
    absent_days = set() if include_absent else set(expert.absent_days.values_list("pk", flat=True))
    tz = timezone.get_current_timezone()
    out = []
    for session in expert.sessions.select_related("day").order_by("day__date", "start_time"):
        if session.day_id in absent_days:
            continue
        start = timezone.make_aware(datetime.combine(session.day.date, session.start_time), tz)
        end = timezone.make_aware(datetime.combine(session.day.date, session.end_time), tz)
        step = timedelta(minutes=expert.slot_minutes or session.slot_minutes)
        while start + step <= end:
            out.append(Time(session.pk, session.day_id, start, start + step))
            start += step
    return sorted(out, key=lambda t: t.start)


def free_times(expert: Expert, rep: Representative, *, exclude_meeting=None, now=None):
    """Times, in order, when the expert and the representative are both free (whether the
    representative is free: services/placement.py)."""
    now = now or timezone.now()
    ignore = placement.Ignore.of(expert_meeting=exclude_meeting)
    expert_busy = placement.expert_busy(expert, ignore=ignore)
    rep_busy = [(c.start, c.end) for c in placement.commitments([rep.pk], ignore=ignore)[rep.pk]]
    absent_sessions = placement.absences([rep.pk])[rep.pk]
    return [
        t
        for t in expert_times(expert)
        if t.start > now
        and t.session_id not in absent_sessions
        and not placement.overlaps(t.start, t.end, expert_busy)
        and not placement.overlaps(t.start, t.end, rep_busy)
    ]


def scheduled_count(expert: Expert) -> int:
    return ExpertMeeting.objects.filter(expert=expert, state=State.SCHEDULED).count()


def places_left(expert: Expert) -> int | None:
    """None when the expert has no quota."""
    if expert.quota is None:
        return None
    return max(expert.quota - scheduled_count(expert), 0)


def _lock_expert(expert: Expert) -> Expert:
    return placement.lock(experts=[expert.pk])[expert.pk]


def lock_people(rep_ids) -> None:
    placement.lock(people=rep_ids)


def assign_time(em: ExpertMeeting, expert: Expert, t: Time) -> ExpertMeeting:
    em.expert = expert
    em.session_id = t.session_id
    em.start, em.end = t.start, t.end
    em.state = State.SCHEDULED
    em.decided_at = timezone.now()
    em.save()
    return em


# --- Participants' requests -----------------------------------------------------------------


def _participant_check(rep: Representative, expert: Expert) -> None:
    if rep.company.event_id != expert.event_id:
        raise ServiceError(_("This expert does not take part in your event."))
    if rep.company.status != Company.Status.VALIDATED:
        raise ServiceError(
            _("Your registration must be validated before you ask for an expert meeting.")
        )
    if expert.absent:
        raise ServiceError(_("This expert is not available any more."))


@transaction.atomic
def request_meeting(rep: Representative, expert: Expert, message="", topic=None) -> ExpertMeeting:
    """Ask for a meeting. "As they come": placed at once on the first time when both are
    free, while the quota lasts. "Pre-assignment": recorded as a candidate."""
    _participant_check(rep, expert)
    if topic is not None and not expert.fields.filter(pk=topic.pk).exists():
        raise ServiceError(_("This expert does not cover that subject."))
    expert = _lock_expert(expert)
    lock_people([rep.pk])
    if ExpertMeeting.objects.filter(
        expert=expert, representative=rep, state__in=ExpertMeeting.OPEN_STATES
    ).exists():
        raise ServiceError(_("You already have a request or a meeting with this expert."))
    em = ExpertMeeting(
        event_id=expert.event_id,
        expert=expert,
        representative=rep,
        topic=topic,
        message=message,
        state=State.CANDIDATE,
    )
    if expert.mode == Expert.Mode.PRE_ASSIGNMENT:
        em.save()
        messages.tell_rep(rep, "events.expert_request_received", expert=expert)
        return em
    left = places_left(expert)
    if left == 0:
        raise ServiceError(
            _("%(expert)s has no meeting left: the limit of %(n)s meetings is reached.")
            % {"expert": expert.full_name, "n": expert.quota}
        )
    times = free_times(expert, rep)
    if not times:
        raise ServiceError(
            _(
                "%(expert)s has no free time when you are free (your other meetings and the "
                "sessions you do not attend are taken into account)."
            )
            % {"expert": expert.full_name}
        )
    locking.checkpoint()
    assign_time(em, expert, times[0])
    _tell_scheduled(em)
    return em


def _tell_scheduled(em: ExpertMeeting) -> None:
    messages.tell_rep(em.representative, "events.expert_meeting_scheduled", meeting=em)
    messages.tell_expert(em.expert, "events.expert_meeting_for_expert", meeting=em)


@transaction.atomic
def cancel_meeting(
    em: ExpertMeeting, by: Representative | None, reason="", *, request=None, actor=None
) -> ExpertMeeting:
    """The participant (by=rep) or the organiser (by=None) cancels a request or a meeting;
    the expert, the organisers (in copy) and, if the organiser cancels, the participant are
    told."""
    em = (
        ExpertMeeting.objects.select_for_update(of=("self",))
        .select_related("expert", "representative__company__event")
        .get(pk=em.pk)
    )
    if by is not None and by.pk != em.representative_id:
        raise ServiceError(_("This is not your request."))
    if em.state not in ExpertMeeting.OPEN_STATES:
        raise ServiceError(_("This request is already closed."))
    was_scheduled = em.state == State.SCHEDULED
    em.state = State.CANCELLED
    em.reason = reason[:300]
    em.decided_at = timezone.now()
    em.save(update_fields=["state", "reason", "decided_at"])
    if was_scheduled:
        messages.tell_expert(em.expert, "events.expert_meeting_cancelled_expert", meeting=em)
    if by is None:
        messages.tell_rep(em.representative, "events.expert_meeting_cancelled", meeting=em)
        journal.record("events.expert_meeting_cancelled", request=request, actor=actor, obj=em)
    else:
        messages.tell_rep(
            em.representative,
            "events.expert_meeting_cancelled",
            meeting=em,
            cc_admins=True,
            sms=False,
        )
    return em


# --- Pre-assignment validated by the organiser ----------------------------------------------


def candidates(expert: Expert):
    return (
        ExpertMeeting.objects.filter(expert=expert, state=State.CANDIDATE)
        .select_related("representative__company", "topic")
        .order_by("created_at", "pk")
    )


def proposal(expert: Expert) -> list[int]:
    """The automatic pre-assignment: candidates in order of arrival who can be placed, up
    to the places left. The organiser confirms or changes it."""
    left = places_left(expert)
    cands = list(candidates(expert))
    times = {c.pk: free_times(expert, c.representative) for c in cands}
    chosen: list[int] = []
    for c in cands:
        if left is not None and len(chosen) >= left:
            break
        if _match([*chosen, c.pk], times) is not None:
            chosen.append(c.pk)
    return chosen


def _match(ids: list[int], times: dict[int, list[Time]]) -> dict[int, Time] | None:
    """Give each candidate a distinct time among their free times (augmenting paths), earlier
    candidates first; None if impossible."""
    owner: dict[datetime, int] = {}

    def tries(pk, seen) -> bool:
        for t in times[pk]:
            if t.start in seen:
                continue
            seen.add(t.start)
            if t.start not in owner or tries(owner[t.start], seen):
                owner[t.start] = pk
                return True
        return False

    for pk in ids:
        if not tries(pk, set()):
            return None
    by_start = {t.start: t for pk in ids for t in times[pk]}
    return {pk: by_start[start] for start, pk in owner.items()}


@transaction.atomic
def assign_candidates(expert: Expert, chosen_ids, *, request=None, actor=None) -> dict:
    """Place the chosen candidates on the expert's slots and tell every candidate.

    All or nothing: if a chosen candidate cannot be placed (no time when both are free)
    or the choice exceeds the places left, nothing changes and ServiceError says why.
    """
    expert = _lock_expert(expert)
    cands = list(candidates(expert).select_for_update(of=("self",)))
    if not cands:
        raise ServiceError(_("There is no candidate to decide on."))
    lock_people([c.representative_id for c in cands])
    by_pk = {c.pk: c for c in cands}
    chosen_ids = {int(pk) for pk in chosen_ids}
    unknown = chosen_ids - set(by_pk)
    if unknown:
        raise ServiceError(_("Some chosen requests are no longer candidates; reload the page."))
    chosen = [c for c in cands if c.pk in chosen_ids]
    left = places_left(expert)
    if left is not None and len(chosen) > left:
        raise ServiceError(
            _("You chose %(n)s candidates but %(expert)s has only %(left)s places left.")
            % {"n": len(chosen), "expert": expert.full_name, "left": left}
        )
    times = {c.pk: free_times(expert, c.representative) for c in chosen}
    stuck = [c for c in chosen if not times[c.pk]]
    assignment = None if stuck else _match([c.pk for c in chosen], times)
    if assignment is None:
        names = ", ".join(
            f"{c.representative.full_name} ({c.representative.company.name})"
            for c in (stuck or chosen)
        )
        raise ServiceError(
            _(
                "These candidates cannot all be placed: no free time of the expert suits them "
                "(%(names)s). Choose fewer or other candidates."
            )
            % {"names": names}
        )
    for c in chosen:
        assign_time(c, expert, assignment[c.pk])
    not_chosen = [c for c in cands if c.pk not in chosen_ids]
    now = timezone.now()
    for c in not_chosen:
        c.state = State.NOT_RETAINED
        c.decided_at = now
        c.save(update_fields=["state", "decided_at"])
    for c in sorted(chosen, key=lambda c: c.start):
        _tell_scheduled(c)
    for c in not_chosen:
        messages.tell_rep(c.representative, "events.expert_not_retained", expert=expert, sms=False)
    journal.record(
        "events.expert_candidates_assigned",
        request=request,
        actor=actor,
        obj=expert,
        details={"chosen": len(chosen), "not_retained": len(not_chosen)},
    )
    return {"chosen": chosen, "not_retained": not_chosen}


# --- Last-minute absence --------------------------------------------------------------------


def compatible_experts(expert: Expert, em: ExpertMeeting, others: list[Expert]) -> list[Expert]:
    """Other experts sharing the meeting's subject (or, without one, a field of the absent
    expert)."""
    wanted = {em.topic_id} if em.topic_id else set(expert.fields.values_list("pk", flat=True))
    return [o for o in others if wanted & {f.pk for f in o.fields.all()}]


def time_label(dt_value) -> str:
    return f"{timezone.localtime(dt_value):%d/%m/%Y %H:%M}" if dt_value else ""


@transaction.atomic
def mark_absent(expert: Expert, day: Day | None = None, *, request=None, actor=None):
    """The expert cannot come (on `day`, or for the whole event if None): each of their
    meetings moves to another expert of a compatible field with a free time (the same time
    first, else another time when both are free) and places left; the others are
    cancelled. Everyone concerned is told; the organiser gets the report."""
    event = expert.event
    if day is not None and day.event_id != event.pk:
        raise ServiceError(_("This day is not part of the event."))
    # Lock every expert of the event (in primary-key order): meetings move between them.
    locked = placement.lock(experts=Expert.objects.filter(event=event).values_list("pk", flat=True))
    experts = [locked[pk] for pk in sorted(locked)]
    expert = next(e for e in experts if e.pk == expert.pk)
    if expert.absent:
        raise ServiceError(_("This expert is already marked absent for the whole event."))
    if day is None:
        expert.absent = True
        expert.save(update_fields=["absent"])
    else:
        if expert.absent_days.filter(pk=day.pk).exists():
            raise ServiceError(_("This expert is already marked absent that day."))
        expert.absent_days.add(day)
    # Locked too: a participant cancelling at the same moment is not undone by the move.
    meetings = (
        ExpertMeeting.objects.filter(expert=expert, state=State.SCHEDULED)
        .select_related("representative__company", "topic")
        .select_for_update(of=("self",))
    )
    if day is not None:
        meetings = meetings.filter(session__day=day)
    now = timezone.now()
    meetings = list(meetings.filter(end__gt=now).order_by("start", "pk"))
    lock_people([m.representative_id for m in meetings])
    others = list(
        Expert.objects.filter(pk__in=[e.pk for e in experts], absent=False)
        .exclude(pk=expert.pk)
        .prefetch_related("fields")
    )
    moved, cancelled = [], []
    for em in meetings:
        old_start = em.start
        target = _find_replacement(expert, em, others, now)
        # No names in the report: they are read from the meeting (so erasure reaches them).
        row = {"meeting": em.pk, "old_start": time_label(old_start)}
        if target is None:
            em.state = State.CANCELLED
            em.reason = _("The expert is absent and no other expert could take the meeting.")
            em.decided_at = now
            em.save(update_fields=["state", "reason", "decided_at"])
            messages.tell_rep(
                em.representative, "events.expert_meeting_cancelled_absence", meeting=em
            )
            cancelled.append({**row, "reason": em.reason})
            continue
        other, t = target
        em.moved_from = expert
        assign_time(em, other, t)
        messages.tell_rep(em.representative, "events.expert_meeting_moved", meeting=em)
        messages.tell_expert(other, "events.expert_meeting_for_expert", meeting=em)
        moved.append({**row, "new_start": time_label(em.start), "place": other.place})
    absence = ExpertAbsence.objects.create(
        event=event,
        expert=expert,
        day=day,
        reported_by=actor or (request.user if request is not None else None),
        moved=moved,
        cancelled=cancelled,
    )
    journal.record(
        "events.expert_absent",
        request=request,
        actor=actor,
        obj=expert,
        details={
            "day": str(day.date) if day else "",
            "moved": len(moved),
            "cancelled": len(cancelled),
        },
    )
    return absence


def absence_report(absence: ExpertAbsence) -> dict:
    """The absence's report rows with their meetings (participant, company, new expert)."""
    ids = [r["meeting"] for r in absence.moved + absence.cancelled]
    by_pk = {
        m.pk: m
        for m in ExpertMeeting.objects.filter(pk__in=ids).select_related(
            "representative__company", "expert"
        )
    }
    return {
        "moved": [{**r, "em": by_pk.get(r["meeting"])} for r in absence.moved],
        "cancelled": [{**r, "em": by_pk.get(r["meeting"])} for r in absence.cancelled],
    }


def _find_replacement(expert, em, others, now) -> tuple[Expert, Time] | None:
    compatible = compatible_experts(expert, em, others)
    with_room = [o for o in compatible if places_left(o) != 0]
    # Spread the load: experts with fewer meetings first.
    with_room.sort(key=lambda o: (scheduled_count(o), o.last_name, o.first_name, o.pk))
    options = {
        o.pk: free_times(o, em.representative, exclude_meeting=em, now=now) for o in with_room
    }
    for o in with_room:  # the same time first: the participant's day does not change
        for t in options[o.pk]:
            if t.start == em.start:
                return o, t
    day = timezone.localtime(em.start).date()
    best = None
    for o in with_room:  # else another time when both are free, the same day first
        for t in options[o.pk]:
            key = (timezone.localtime(t.start).date() != day, t.start)
            if best is None or key < best[0]:
                best = (key, o, t)
    return (best[1], best[2]) if best else None


# --- Reading ---------------------------------------------------------------------------------


def meetings_of_representative(rep):
    return (
        ExpertMeeting.objects.filter(representative=rep, state=State.SCHEDULED)
        .select_related("expert", "session__day")
        .order_by("start")
    )


def agenda_of_expert(expert: Expert):
    """[(date, [expert meeting])]"""
    days: dict = {}
    qs = (
        ExpertMeeting.objects.filter(expert=expert, state=State.SCHEDULED)
        .select_related("representative__company", "topic")
        .order_by("start")
    )
    for em in qs:
        days.setdefault(timezone.localtime(em.start).date(), []).append(em)
    return sorted(days.items())


def public_experts(event: Event, q: str = "", sector: int | str | None = None):
    """Public experts matching every word of `q` (the catalogue's first words); with a
    sector, those who seek it (or seek no particular sector)."""
    from civitas.core.params import int_param

    from .catalogue import plain_words
    from .registration import normalise

    qs = (
        Expert.objects.filter(event=event, is_public=True, absent=False)
        .prefetch_related("fields")
        .order_by("last_name", "first_name")
    )
    sector_id = int_param(sector)
    if sector_id is not None:
        qs = qs.filter(Q(sought_sectors=sector_id) | Q(sought_sectors=None)).distinct()
    words = plain_words(q)
    if not words:
        return list(qs)
    out = []
    for e in qs:
        text = normalise(
            " ".join(
                [e.full_name, e.organisation, e.job_title, e.bio, e.sought_profile]
                + [f"{f.label_fr} {f.label_en}" for f in e.fields.all()]
            )
        )
        if all(w in text for w in words):
            out.append(e)
    return out


def expert_for(user, event) -> Expert | None:
    if not user.is_authenticated:
        return None
    return Expert.objects.filter(user=user, event=event).first()


# --- Expert profiles -------------------------------------------------------------------------


@transaction.atomic
def save_expert(expert: Expert, *, fields, sessions, sought_sectors, request=None) -> Expert:
    """Create or change an expert profile. The expert's user account is the active account
    with the same e-mail address, if there is one. A change never drops a meeting silently:
    if scheduled meetings would no longer fit the expert's times or quota, nothing changes
    and ServiceError lists them."""
    from civitas.core import accounts

    creating = expert.pk is None
    if not creating:
        _lock_expert(expert)
    account = accounts.find(expert.email)
    expert.user = account if account is not None and account.is_active else None
    expert.save()
    expert.fields.set(fields)
    expert.sessions.set(sessions)
    expert.sought_sectors.set(sought_sectors)
    if not creating:
        times = {(t.start, t.end) for t in expert_times(expert, include_absent=True)}
        scheduled = list(
            ExpertMeeting.objects.filter(expert=expert, state=State.SCHEDULED).select_related(
                "representative__company"
            )
        )
        lost = [m for m in scheduled if (m.start, m.end) not in times]
        if lost:
            raise ServiceError(
                _(
                    "These meetings would no longer fit the expert's sessions or meeting "
                    "length: %(list)s. Cancel them or keep the sessions."
                )
                % {
                    "list": ", ".join(
                        f"{time_label(m.start)} {m.representative.full_name}" for m in lost
                    )
                }
            )
        if expert.quota is not None and len(scheduled) > expert.quota:
            raise ServiceError(
                _("The expert already has %(n)s meetings: the limit cannot be lower.")
                % {"n": len(scheduled)}
            )
    journal.record(
        "events.expert_created" if creating else "events.expert_changed",
        request=request,
        obj=expert,
    )
    return expert
