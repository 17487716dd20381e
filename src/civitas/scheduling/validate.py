"""Independent checker of a result against its instance (hard constraints and statistics)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from .core import break_groups, count_breaks
from .model import RESULT_FORMAT, Instance, load_instance, read_json

_RESULT_KEYS = {"format", "assignments", "unscheduled", "stats"}
_ASSIGNMENT_KEYS = {"meeting", "slot", "location", "table"}
_UNSCHEDULED_KEYS = {"meeting", "reason"}
# A reason may come with a code and its parameters, for callers that word it themselves.
_UNSCHEDULED_OPTIONAL = {"code", "params"}


@dataclass
class ValidationReport:
    violations: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations


def validate_result(
    instance: Instance | dict | str | Path, result: dict | str | Path
) -> ValidationReport:
    """Check every hard constraint of the contract; compute scheduled/unscheduled/breaks.

    ``stats`` holds ``breaks`` (within sessions, the contract's definition), ``breaks_day``
    (within calendar days, the B2BSP definition) and per-participant extremes.
    """
    inst = instance if isinstance(instance, Instance) else load_instance(instance)
    res = read_json(result)
    rep = ValidationReport()
    v = rep.violations
    if not isinstance(res, dict):
        v.append("result: expected a JSON object")
        return rep
    for key in sorted(set(res) - _RESULT_KEYS):
        v.append(f'result: unknown key "{key}"')
    for key in sorted(_RESULT_KEYS - set(res)):
        v.append(f'result: missing key "{key}"')
    if res.get("format") != RESULT_FORMAT:
        v.append(f'result: "format" must be "{RESULT_FORMAT}", got {res.get("format")!r}')
    assignments = res.get("assignments") if isinstance(res.get("assignments"), list) else []
    unscheduled = res.get("unscheduled") if isinstance(res.get("unscheduled"), list) else []
    seen: dict[str, str] = {}
    placed: dict[int, tuple[int, int, int]] = {}
    for i, a in enumerate(assignments):
        where = f"assignments[{i}]"
        if not isinstance(a, dict) or set(a) != _ASSIGNMENT_KEYS:
            v.append(f"{where}: expected keys {sorted(_ASSIGNMENT_KEYS)}")
            continue
        mid = a["meeting"]
        if mid not in inst.meeting_index:
            v.append(f"{where}: unknown meeting {mid!r}")
            continue
        if mid in seen:
            v.append(f"meeting {mid} appears twice ({seen[mid]} and assignments)")
            continue
        seen[mid] = "assignments"
        if a["slot"] not in inst.slot_index:
            v.append(f"{where} ({mid}): unknown slot {a['slot']!r}")
            continue
        if a["location"] not in inst.location_index:
            v.append(f"{where} ({mid}): unknown location {a['location']!r}")
            continue
        loc = inst.location_index[a["location"]]
        table = a["table"]
        n_tables = inst.locations[loc].tables
        if not isinstance(table, int) or isinstance(table, bool) or not 1 <= table <= n_tables:
            v.append(f"{where} ({mid}): table {table!r} not in 1..{n_tables} of {a['location']}")
            continue
        placed[inst.meeting_index[mid]] = (inst.slot_index[a["slot"]], loc, table)
    for i, u in enumerate(unscheduled):
        where = f"unscheduled[{i}]"
        if (
            not isinstance(u, dict)
            or not set(u) >= _UNSCHEDULED_KEYS
            or set(u) - _UNSCHEDULED_KEYS - _UNSCHEDULED_OPTIONAL
        ):
            v.append(f"{where}: expected keys {sorted(_UNSCHEDULED_KEYS)}")
            continue
        mid = u["meeting"]
        if mid not in inst.meeting_index:
            v.append(f"{where}: unknown meeting {mid!r}")
            continue
        if mid in seen:
            v.append(f"meeting {mid} appears twice ({seen[mid]} and unscheduled)")
            continue
        seen[mid] = "unscheduled"
        if not isinstance(u["reason"], str) or not u["reason"].strip():
            v.append(f"{where} ({mid}): an unscheduled meeting needs a reason")
    for m in inst.meetings:
        if m.id not in seen:
            v.append(f"meeting {m.id} is neither assigned nor unscheduled")

    owner_of = {p.table: p for p in inst.participants if p.table is not None}
    at_participant: dict[tuple[int, int], str] = {}
    at_table: dict[tuple[int, int, int], str] = {}
    count = [0] * len(inst.participants)
    busy: list[list[int]] = [[] for _ in inst.participants]
    for mi, (s, loc, table) in sorted(placed.items()):
        m = inst.meetings[mi]
        slot = inst.slots[s]
        here = f"meeting {m.id} at {slot.id}, {inst.locations[loc].id} table {table}"
        if m.fixed is not None and m.fixed != (s, loc, table):
            fs, fl, ft = m.fixed
            v.append(
                f"{here}: fixed meeting moved (fixed at {inst.slots[fs].id}, "
                f"{inst.locations[fl].id} table {ft})"
            )
        if m.sessions is not None and slot.session_index not in m.sessions:
            v.append(f"{here}: session {slot.session} not allowed")
        if m.location is not None and m.location != loc:
            v.append(f"{here}: restricted to {inst.locations[m.location].id}")
        owners = [inst.participants[p] for p in m.participants if inst.participants[p].table]
        if owners and (loc, table) not in {p.table for p in owners}:
            v.append(f"{here}: not at the table owned by {', '.join(p.id for p in owners)}")
        owner = owner_of.get((loc, table))
        if owner is not None and owner.index not in m.participants:
            v.append(f"{here}: table owned by {owner.id}, who is not in the meeting")
        if (s, loc, table) in at_table:
            v.append(f"{here}: table already used by meeting {at_table[(s, loc, table)]}")
        at_table[(s, loc, table)] = m.id
        for p in m.participants:
            part = inst.participants[p]
            if s in part.unavailable:
                v.append(f"{here}: {part.id} is unavailable")
            if (s, p) in at_participant:
                v.append(f"{here}: {part.id} is also in meeting {at_participant[(s, p)]}")
            at_participant[(s, p)] = m.id
            count[p] += 1
            busy[p].append(s)
    for p, part in enumerate(inst.participants):
        if part.max_meetings is not None and count[p] > part.max_meetings:
            v.append(f"{part.id}: {count[p]} meetings exceed max_meetings {part.max_meetings}")

    by_session = break_groups(inst, "session")
    by_day = break_groups(inst, "day")
    per_session = [count_breaks(b, by_session) for b in busy]
    per_day = [count_breaks(b, by_day) for b in busy]
    active = [i for i, b in enumerate(busy) if b]
    rep.stats = {
        "scheduled": len(placed),
        "unscheduled": len(inst.meetings) - len(placed),
        "breaks": sum(per_session),
        "breaks_day": sum(per_day),
        "max_breaks_per_participant": max(per_session, default=0),
        "min_breaks_per_participant": min((per_session[i] for i in active), default=0),
        "max_breaks_day_per_participant": max(per_day, default=0),
        "min_breaks_day_per_participant": min((per_day[i] for i in active), default=0),
    }
    stats = res.get("stats")
    if not isinstance(stats, dict):
        v.append('result: "stats" must be an object')
    else:
        for key in ("scheduled", "unscheduled", "breaks", "seconds"):
            if key not in stats:
                v.append(f'result stats: missing "{key}"')
        for key in ("scheduled", "unscheduled"):
            if key in stats and stats[key] != rep.stats[key]:
                v.append(f"result stats: {key} is {stats[key]}, actually {rep.stats[key]}")
        expected = rep.stats["breaks_day" if stats.get("break_scope") == "day" else "breaks"]
        if "breaks" in stats and stats["breaks"] != expected:
            v.append(f"result stats: breaks is {stats['breaks']}, actually {expected}")
    return rep


def lock_assignments(instance_data: dict, result: dict) -> dict:
    """Copy of ``instance_data`` where every meeting assigned in ``result`` is fixed there.

    This is the incremental mode: add late participants/meetings to the copy and solve; no
    locked meeting can move. Meetings no longer in the instance are ignored.
    """
    data = copy.deepcopy(instance_data)
    where = {
        a["meeting"]: {"slot": a["slot"], "location": a["location"], "table": a["table"]}
        for a in result.get("assignments", [])
    }
    for m in data.get("meetings", []):
        if m.get("id") in where:
            m["fixed"] = where[m["id"]]
    return data
