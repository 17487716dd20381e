"""Placement: the one home of "is each person free at this time", "which table is left" and
"what does it clash with".

Every path that puts a person somewhere asks here: meeting requests in the direct booking
mode and their confirmation (services/meetings.py), manual placement and moves
(services/manual.py), waiting-list promotion (services/waitlist.py), expert booking and
moves (services/experts.py, services/expert_moves.py) and the export to the scheduler
(services/scheduling.py).

A person is busy at a time when one of their commitments overlaps it:
- a B2B meeting (scheduled, draft or published), at its slot's times;
- an expert meeting (scheduled);
- any commitment kind added with `register_source` (the coming workshops / animations
  register theirs there: nothing else has to change);
and absent from every slot of a session they declared not attending.

Batch use: `busy_slots` answers for many people and all the slots of an event in a few
queries (one per commitment kind, one for the absences, one for the slots), so slot lists
and the scheduler export never run one query per slot or per person.

Locks: `lock` takes the rows of a placement in the one order every path uses (slots, then
experts, then people, each in primary-key order) through `civitas.core.locking`; call it
before the checks, inside the transaction.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import locking

from ..models import (
    Expert,
    ExpertMeeting,
    Meeting,
    Representative,
    Room,
    Slot,
)
from . import ServiceError

ABSENT = "absent"
MEETING = "meeting"  # a B2B meeting
EXPERT = "expert"  # a meeting with an expert
# Every kind a person can be busy with; register_source adds more.
KINDS = [ABSENT, MEETING, EXPERT]


@dataclass(frozen=True)
class Ignore:
    """Commitments a check leaves out: the one being moved or confirmed."""

    request_id: int | None = None  # B2B meetings of this request
    meeting_id: int | None = None  # this B2B meeting
    expert_meeting_id: int | None = None  # this expert meeting

    @classmethod
    def of(cls, *, request=None, meeting=None, expert_meeting=None) -> Ignore:
        return cls(
            getattr(request, "pk", request),
            getattr(meeting, "pk", meeting),
            getattr(expert_meeting, "pk", expert_meeting),
        )


NOTHING = Ignore()


@dataclass(frozen=True)
class Clash:
    """Why one person is not free at a time."""

    kind: str
    rep_id: int
    start: datetime | None = None
    end: datetime | None = None
    obj: object = field(default=None, compare=False)  # Meeting, ExpertMeeting, Session...

    def message(self, rep: Representative, slot: Slot, *, for_organiser: bool = False) -> str:
        """A refusal naming the person (and, for organisers, the other party)."""
        if self.kind == ABSENT:
            if for_organiser:
                return _("%(name)s does not attend the session %(session)s.") % {
                    "name": rep.full_name,
                    "session": slot.session.name,
                }
            return _("%(name)s does not attend this session.") % {"name": rep.full_name}
        if self.kind == MEETING:
            if for_organiser:
                with_whom = self.obj.request.other(rep)
                return _("%(name)s already has a meeting at %(slot)s (with %(other)s).") % {
                    "name": rep.full_name,
                    "slot": slot_label(slot),
                    "other": f"{with_whom.full_name}, {with_whom.company.name}",
                }
            return _("One of the two people already has a meeting at %(slot)s.") % {"slot": slot}
        if self.kind == EXPERT:
            return _("%(name)s has an expert meeting at %(slot)s.") % {
                "name": rep.full_name,
                "slot": slot,
            }
        source = _SOURCES.get(self.kind)
        if source is not None and source.message is not None:
            return source.message(self, rep, slot)
        return _("%(name)s is not free at %(slot)s.") % {"name": rep.full_name, "slot": slot}

    def note(self, rep: Representative) -> str:
        """A short note for a slot list ("Alice busy")."""
        if self.kind == ABSENT:
            return _("%(name)s absent") % {"name": rep.full_name}
        if self.kind == EXPERT:
            return _("%(name)s busy (expert meeting)") % {"name": rep.full_name}
        return _("%(name)s busy") % {"name": rep.full_name}


# --- Commitments: the extension point --------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A kind of commitment. `find(rep_ids, start, end, ignore)` returns the Clashes of these
    people overlapping [start, end) (None: no bound), in one query."""

    kind: str
    find: Callable[[list[int], datetime | None, datetime | None, Ignore], Iterable[Clash]]
    message: Callable[[Clash, Representative, Slot], str] | None = None


def _b2b(rep_ids, start, end, ignore: Ignore):
    qs = Meeting.objects.filter(state=Meeting.State.SCHEDULED).filter(
        Q(request__sender_id__in=rep_ids) | Q(request__recipient_id__in=rep_ids)
    )
    if start is not None:
        qs = qs.filter(slot__end__gt=start)
    if end is not None:
        qs = qs.filter(slot__start__lt=end)
    if ignore.request_id is not None:
        qs = qs.exclude(request_id=ignore.request_id)
    if ignore.meeting_id is not None:
        qs = qs.exclude(pk=ignore.meeting_id)
    wanted = set(rep_ids)
    for m in qs.select_related(
        "slot", "request__sender__company", "request__recipient__company"
    ).order_by("slot__start", "pk"):
        for rep_id in (m.request.sender_id, m.request.recipient_id):
            if rep_id in wanted:
                yield Clash(MEETING, rep_id, m.slot.start, m.slot.end, m)


def _experts(rep_ids, start, end, ignore: Ignore):
    qs = ExpertMeeting.objects.filter(
        representative_id__in=rep_ids, state=ExpertMeeting.State.SCHEDULED
    )
    if start is not None:
        qs = qs.filter(end__gt=start)
    if end is not None:
        qs = qs.filter(start__lt=end)
    if ignore.expert_meeting_id is not None:
        qs = qs.exclude(pk=ignore.expert_meeting_id)
    for em in qs.select_related("representative", "expert").order_by("start", "pk"):
        yield Clash(EXPERT, em.representative_id, em.start, em.end, em)


_SOURCES: dict[str, Source] = {
    MEETING: Source(MEETING, _b2b),
    EXPERT: Source(EXPERT, _experts),
}


def register_source(source: Source) -> None:
    """Add a kind of commitment (the workshops of the animations module will register
    theirs here). Every placement path then treats it as busy."""
    _SOURCES[source.kind] = source
    if source.kind not in KINDS:
        KINDS.append(source.kind)


def unregister_source(kind: str) -> None:
    _SOURCES.pop(kind, None)
    if kind in KINDS and kind not in (ABSENT, MEETING, EXPERT):
        KINDS.remove(kind)


# --- One person, one time ---------------------------------------------------------------------


def overlaps(start, end, intervals) -> bool:
    return any(s < end and start < e for s, e in intervals)


def commitments(
    rep_ids, *, start=None, end=None, ignore: Ignore = NOTHING, kinds=None
) -> dict[int, list[Clash]]:
    """Every commitment of these people overlapping [start, end) (all of them without
    bounds), by person; one query per kind."""
    rep_ids = list(rep_ids)
    out: dict[int, list[Clash]] = {pk: [] for pk in rep_ids}
    if not rep_ids:
        return out
    for kind, source in _SOURCES.items():
        if kinds is not None and kind not in kinds:
            continue
        for clash in source.find(rep_ids, start, end, ignore):
            out.setdefault(clash.rep_id, []).append(clash)
    return out


def absences(rep_ids) -> dict[int, set[int]]:
    """The sessions each person does not attend (one query)."""
    out: dict[int, set[int]] = {pk: set() for pk in rep_ids}
    through = Representative.absent_sessions.through
    for rep_id, session_id in through.objects.filter(representative_id__in=list(out)).values_list(
        "representative_id", "session_id"
    ):
        out[rep_id].add(session_id)
    return out


def clashes(
    rep_ids, *, start, end, session_id=None, ignore: Ignore = NOTHING, kinds=None
) -> list[Clash]:
    """What keeps these people from [start, end) (in the session `session_id`): absences
    first, then commitments, in the order of `rep_ids`."""
    rep_ids = list(rep_ids)
    found: list[Clash] = []
    if session_id is not None and (kinds is None or ABSENT in kinds):
        absent = absences(rep_ids)
        found += [Clash(ABSENT, pk, obj=session_id) for pk in rep_ids if session_id in absent[pk]]
    busy = commitments(rep_ids, start=start, end=end, ignore=ignore, kinds=kinds)
    found += [c for pk in rep_ids for c in busy.get(pk, [])]
    order = {kind: i for i, kind in enumerate(KINDS)}
    # Stable: by kind (absences, B2B meetings, expert meetings, ...), then person, then time.
    found.sort(key=lambda c: (order.get(c.kind, 99), rep_ids.index(c.rep_id)))
    return found


def slot_clashes(reps, slot: Slot, *, ignore: Ignore = NOTHING) -> list[Clash]:
    return clashes(
        [r.pk for r in reps],
        start=slot.start,
        end=slot.end,
        session_id=slot.session_id,
        ignore=ignore,
    )


def check_free(
    reps, slot: Slot, *, ignore: Ignore = NOTHING, for_organiser=False, allow_absence=False
) -> list[Representative]:
    """Raise ServiceError naming the first reason why one of `reps` cannot be at `slot`.
    Organisers read who the other meeting is with; participants never do. With
    `allow_absence` (an organiser placing a meeting anyway, with a reason), declared absences
    do not refuse: the people absent from the slot's session are returned instead."""
    found = slot_clashes(reps, slot, ignore=ignore)
    by_pk = {r.pk: r for r in reps}
    absent = []
    if allow_absence:
        absent = [by_pk[c.rep_id] for c in found if c.kind == ABSENT]
        found = [c for c in found if c.kind != ABSENT]
    if found:
        raise ServiceError(
            found[0].message(by_pk[found[0].rep_id], slot, for_organiser=for_organiser)
        )
    return absent


def is_free(rep, slot: Slot, *, ignore: Ignore = NOTHING) -> bool:
    return not slot_clashes([rep], slot, ignore=ignore)


# --- Many people, every slot (slot lists, the scheduler export) ------------------------------


def busy_slots(
    event, rep_ids, *, ignore: Ignore = NOTHING, kinds=None
) -> dict[int, dict[int, list[Clash]]]:
    """{person: {slot pk: [Clash]}} for every slot of the event where the person is absent or
    busy, in 2 + (one per commitment kind) queries whatever the number of people and slots.
    `kinds` limits the reasons (the scheduler export leaves out B2B meetings, which it
    places itself)."""
    rep_ids = list(rep_ids)
    out: dict[int, dict[int, list[Clash]]] = {pk: {} for pk in rep_ids}
    if not rep_ids:
        return out
    slots = list(
        Slot.objects.filter(session__day__event=event)
        .order_by("start", "pk")
        .values_list("pk", "session_id", "start", "end")
    )
    if not slots:
        return out
    if kinds is None or ABSENT in kinds:
        by_session: dict[int, list[int]] = {}
        for pk, session_id, _s, _e in slots:
            by_session.setdefault(session_id, []).append(pk)
        for rep_id, sessions in absences(rep_ids).items():
            for session_id in sessions:
                for slot_pk in by_session.get(session_id, ()):
                    out[rep_id].setdefault(slot_pk, []).append(
                        Clash(ABSENT, rep_id, obj=session_id)
                    )
    starts = [s for _pk, _se, s, _e in slots]
    longest = max(e - s for _pk, _se, s, e in slots)
    first, last = starts[0], max(e for *_x, e in slots)
    busy = commitments(rep_ids, start=first, end=last, ignore=ignore, kinds=kinds)
    for rep_id, found in busy.items():
        for clash in found:
            # Only slots starting in (clash.start - longest, clash.end) can overlap it.
            lo = bisect_left(starts, clash.start - longest)
            hi = bisect_left(starts, clash.end)
            for pk, _se, s, e in slots[lo:hi]:
                if s < clash.end and clash.start < e:
                    out[rep_id].setdefault(pk, []).append(clash)
    return out


def slot_notes(req, meeting=None, *, slots=None) -> dict[int, str]:
    """For the organisers' slot list of a request: what makes each slot impossible for its
    two people ("Alice busy, Bob absent"); the meeting's own slot says so."""
    reps = {req.sender_id: req.sender, req.recipient_id: req.recipient}
    busy = busy_slots(req.event, list(reps), ignore=Ignore.of(request=req))
    notes: dict[int, list[str]] = {}
    order = {kind: i for i, kind in enumerate(KINDS)}
    for rep_id, by_slot in busy.items():
        for slot_pk, found in by_slot.items():
            seen = set()
            for clash in sorted(found, key=lambda c: order.get(c.kind, 99)):
                note = clash.note(reps[rep_id])
                if note not in seen:
                    seen.add(note)
                    notes.setdefault(slot_pk, []).append(note)
    if meeting is not None:
        notes.setdefault(meeting.slot_id, []).insert(0, _("current slot"))
    return {k: ", ".join(v) for k, v in notes.items()}


# --- Experts ------------------------------------------------------------------------------------


def expert_busy(expert: Expert, *, ignore: Ignore = NOTHING) -> list[tuple[datetime, datetime]]:
    """(start, end) of the expert's scheduled meetings."""
    qs = ExpertMeeting.objects.filter(expert=expert, state=ExpertMeeting.State.SCHEDULED)
    if ignore.expert_meeting_id is not None:
        qs = qs.exclude(pk=ignore.expert_meeting_id)
    return list(qs.values_list("start", "end"))


# --- Tables -----------------------------------------------------------------------------------


def slot_label(slot) -> str:
    return f"{timezone.localtime(slot.start):%d/%m/%Y %H:%M}"


def _tables(event) -> list[tuple[Room, int]]:
    return [
        (room, n)
        for room in Room.objects.filter(site__event=event)
        .select_related("site")
        .order_by("site__name", "name", "pk")
        for n in range(1, room.tables + 1)
    ]


def taken_tables(slot, *, ignore: Ignore = NOTHING) -> set[tuple[int, int]]:
    qs = Meeting.objects.filter(slot=slot, state=Meeting.State.SCHEDULED)
    if ignore.meeting_id is not None:
        qs = qs.exclude(pk=ignore.meeting_id)
    return set(qs.values_list("room_id", "table_number"))


def tables_left(slot) -> int:
    total = sum(Room.objects.filter(site__event=slot.get_event()).values_list("tables", flat=True))
    return total - Meeting.objects.filter(slot=slot, state=Meeting.State.SCHEDULED).count()


def choose_table(
    event, slot, room=None, table=None, *, hint: int = 0, moving=None
) -> tuple[Room, int]:
    """(room, table) at `slot`: the table asked for if free; else the first free table of
    `room`; else a free table anywhere, starting from a place depending on `hint` so that
    meetings spread over the rooms. `moving`: the meeting being moved (its own table does
    not count as taken, but is never handed back when it stays in the same slot)."""
    ignore = Ignore.of(meeting=moving)
    taken = taken_tables(slot, ignore=ignore)
    own = None
    if moving is not None and moving.slot_id == slot.pk:
        own = (moving.room_id, moving.table_number)
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
                    % {"table": table, "room": room, "slot": slot_label(slot)}
                )
            return room, table
        for n in range(1, room.tables + 1):
            if (room.pk, n) not in taken and (room.pk, n) != own:
                return room, n
        raise ServiceError(
            _("No table is left in %(room)s at %(slot)s.")
            % {"room": room, "slot": slot_label(slot)}
        )
    tables = _tables(event)
    if not tables:
        raise ServiceError(_("No room with tables is set up for this event."))
    offset = 0 if own else hint % len(tables)
    for r, n in tables[offset:] + tables[:offset]:
        if (r.pk, n) not in taken and (r.pk, n) != own:
            return r, n
    raise ServiceError(_("No table is left at %(slot)s.") % {"slot": slot_label(slot)})


# --- Locks ------------------------------------------------------------------------------------


def lock(*, slots: Iterable[int] = (), experts: Iterable[int] = (), people: Iterable[int] = ()):
    """Lock the rows a placement depends on, in the one order every path uses: slots, then
    experts, then people, each in primary-key order (two placements never deadlock).
    Returns the locked experts (by pk). Call inside the transaction, before the checks."""
    rows = []
    slots, experts, people = sorted(set(slots)), sorted(set(experts)), sorted(set(people))
    if slots:
        rows.append(Slot.objects.filter(pk__in=slots))
    expert_qs = Expert.objects.filter(pk__in=experts)
    if experts:
        rows.append(expert_qs)
    if people:
        rows.append(Representative.objects.filter(pk__in=people))
    locked = locking.lock(rows=rows)
    return {obj.pk: obj for obj in locked if isinstance(obj, Expert)}
