"""Actionable reasons for meetings that could not be scheduled.

Each reason is English text (for the command line) that also carries a `code` and its
`params` (ids of the instance, numbers), so that an application words it in its users'
language. Codes and parameters:

- `owner_table_conflict`: location, owners [[participant, location, table], ...]
- `quota_reached`: person, quota
- `no_common_availability`: people, sessions (ids, or None: any session),
  unavailable [[participant, slots unavailable, slots of the sessions], ...]
- `people_busy`: people, sessions, common (slots where all are available),
  busy [[participant, slots taken], ...]
- `tables_full`: people, location (None: every room), tables, slots (ids), more
- `people_busy_and_tables_full`: people, sessions, common, busy, taken_by_people,
  taken_tables (count of slots), slots, more, location, tables
- `time_limit`: no parameter
"""

from __future__ import annotations

from .core import Problem, State


class Reason(str):
    """The English text, with `code` and `params` for other languages."""

    code: str
    params: dict

    def __new__(cls, text: str, code: str, **params):
        obj = super().__new__(cls, text)
        obj.code = code
        obj.params = params
        return obj


def _names(ids: list[str]) -> str:
    if len(ids) <= 1:
        return "".join(ids)
    return ", ".join(ids[:-1]) + " and " + ids[-1]


def _slot_list(prob: Problem, slots: list[int], limit: int = 4) -> str:
    ids = [prob.inst.slots[s].id for s in slots[:limit]]
    more = len(slots) - limit
    return ", ".join(ids) + (f" and {more} more" if more > 0 else "")


def explain(prob: Problem, st: State, m: int) -> str:
    """Why meeting ``m`` is not in the schedule ``st``, in terms a user can act on."""
    inst = prob.inst
    meeting = inst.meetings[m]
    parts = [inst.participants[p] for p in meeting.participants]
    who = _names([p.id for p in parts])
    where = inst.describe_sessions(meeting.sessions)
    session_ids = (
        None if meeting.sessions is None else [inst.sessions[i] for i in sorted(meeting.sessions)]
    )
    if prob.owner_conflict[m]:
        owners = "; ".join(
            f"{p.id} owns {inst.locations[p.table[0]].id} table {p.table[1]}"
            for p in parts
            if p.table is not None
        )
        return Reason(
            f"the meeting is restricted to {inst.locations[meeting.location].id} but must be "
            f"held at its owner's table ({owners}): lift the location restriction",
            "owner_table_conflict",
            location=inst.locations[meeting.location].id,
            owners=[
                [p.id, inst.locations[p.table[0]].id, p.table[1]]
                for p in parts
                if p.table is not None
            ],
        )
    for p in parts:
        q = p.max_meetings
        if q is not None and st.count[p.index] >= q:
            return Reason(
                f"{p.id} has reached its quota of {q} meetings (max_meetings) with "
                f"earlier-ranked requests: raise the quota or cancel one of them",
                "quota_reached",
                person=p.id,
                quota=q,
            )
    allowed = [
        s.index
        for s in inst.slots
        if meeting.sessions is None or s.session_index in meeting.sessions
    ]
    common = [s for s in allowed if not any(s in p.unavailable for p in parts)]
    if not common:
        detail = ", ".join(
            f"{p.id} is unavailable at {sum(1 for s in allowed if s in p.unavailable)}"
            f" of {len(allowed)}"
            for p in parts
        )
        return Reason(
            f"{who} share no slot where all are available in {where} ({detail})",
            "no_common_availability",
            people=[p.id for p in parts],
            sessions=session_ids,
            unavailable=[
                [p.id, sum(1 for s in allowed if s in p.unavailable), len(allowed)] for p in parts
            ],
        )
    owner = prob.owner_table[m]
    if owner is None:
        if meeting.location is not None:
            n_tables = len(prob.free_tables[meeting.location])
            tables_txt = f"all {n_tables} tables of {inst.locations[meeting.location].id}"
        else:
            n_tables = sum(len(t) for t in prob.free_tables)
            tables_txt = f"all {n_tables} tables"
    busy_counts = {p.index: 0 for p in parts}
    by_people, by_tables = [], []
    for s in common:
        blocked = False
        for p in parts:
            if st.busy[p.index][s] != -1:
                busy_counts[p.index] += 1
                blocked = True
        if blocked:
            by_people.append(s)
        elif owner is None and not st.capacity_ok(m, s):
            by_tables.append(s)
    sessions_of = sorted({inst.slots[s].session_index for s in common})
    sess_txt = ", ".join(inst.sessions[i] for i in sessions_of)
    busy_txt = ", ".join(f"{p.id} at {busy_counts[p.index]}" for p in parts)
    people = [p.id for p in parts]
    sessions = [inst.sessions[i] for i in sessions_of]
    busy = [[p.id, busy_counts[p.index]] for p in parts]
    if owner is None:
        location = None if meeting.location is None else inst.locations[meeting.location].id
        slots = [inst.slots[s].id for s in by_tables[:4]]
        more = max(len(by_tables) - 4, 0)
    if by_people and not by_tables:
        return Reason(
            f"{who} share no free slot in {sess_txt}: at each of the {len(common)} slots where "
            f"all are available one of them already has a meeting (busy: {busy_txt}); "
            "free a slot for one of them or open another session",
            "people_busy",
            people=people,
            sessions=sessions,
            common=len(common),
            busy=busy,
        )
    if by_tables and not by_people:
        return Reason(
            f"{tables_txt} are taken at every slot where {who} are free "
            f"({_slot_list(prob, by_tables)}): add tables or another slot",
            "tables_full",
            people=people,
            location=location,
            tables=n_tables,
            slots=slots,
            more=more,
        )
    if by_tables and by_people:
        return Reason(
            f"{who}: of the {len(common)} slots where all are available ({sess_txt}), "
            f"{len(by_people)} are taken by their other meetings (busy: {busy_txt}) and at the "
            f"{len(by_tables)} others ({_slot_list(prob, by_tables)}) {tables_txt} are taken",
            "people_busy_and_tables_full",
            people=people,
            sessions=sessions,
            common=len(common),
            busy=busy,
            taken_by_people=len(by_people),
            taken_tables=len(by_tables),
            slots=slots,
            more=more,
            location=location,
            tables=n_tables,
        )
    return Reason(
        "not placed before the time limit or cancellation: run the solver again", "time_limit"
    )
