"""Actionable reasons for meetings that could not be scheduled."""

from __future__ import annotations

from .core import Problem, State


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
    if prob.owner_conflict[m]:
        owners = "; ".join(
            f"{p.id} owns {inst.locations[p.table[0]].id} table {p.table[1]}"
            for p in parts
            if p.table is not None
        )
        return (
            f"the meeting is restricted to {inst.locations[meeting.location].id} but must be "
            f"held at its owner's table ({owners}): lift the location restriction"
        )
    for p in parts:
        q = p.max_meetings
        if q is not None and st.count[p.index] >= q:
            return (
                f"{p.id} has reached its quota of {q} meetings (max_meetings) with "
                f"earlier-ranked requests: raise the quota or cancel one of them"
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
        return f"{who} share no slot where all are available in {where} ({detail})"
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
    if by_people and not by_tables:
        return (
            f"{who} share no free slot in {sess_txt}: at each of the {len(common)} slots where "
            f"all are available one of them already has a meeting (busy: {busy_txt}); "
            "free a slot for one of them or open another session"
        )
    if by_tables and not by_people:
        return (
            f"{tables_txt} are taken at every slot where {who} are free "
            f"({_slot_list(prob, by_tables)}): add tables or another slot"
        )
    if by_tables and by_people:
        return (
            f"{who}: of the {len(common)} slots where all are available ({sess_txt}), "
            f"{len(by_people)} are taken by their other meetings (busy: {busy_txt}) and at the "
            f"{len(by_tables)} others ({_slot_list(prob, by_tables)}) {tables_txt} are taken"
        )
    return "not placed before the time limit or cancellation: run the solver again"
