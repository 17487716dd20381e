"""Shared machinery for the solvers: precomputed domains, a mutable schedule, breaks, tables."""

from __future__ import annotations

from .model import Instance

BREAK_SCOPES = ("session", "day")


def break_groups(inst: Instance, scope: str = "session") -> list[int]:
    """Group index of every slot: breaks are counted within a group.

    ``session`` (the contract's definition) or ``day`` (all slots of a calendar day, the
    B2BSP definition where the morning and afternoon of one day form a single sequence).
    """
    if scope not in BREAK_SCOPES:
        raise ValueError(f"break scope must be one of {BREAK_SCOPES}, got {scope!r}")
    if scope == "session":
        return [s.session_index for s in inst.slots]
    return [s.day_index for s in inst.slots]


def count_breaks(busy_slots: list[int] | set[int], group_of: list[int]) -> int:
    """Breaks of one participant: idle runs between two of its meetings in the same group."""
    breaks = 0
    prev = None
    for s in sorted(busy_slots):
        if prev is not None and group_of[prev] == group_of[s] and s - prev > 1:
            breaks += 1
        prev = s
    return breaks


class Problem:
    """Static data derived from an instance (domains, capacities, owner tables)."""

    def __init__(self, inst: Instance, break_scope: str = "session"):
        self.inst = inst
        self.S = S = len(inst.slots)
        self.P = len(inst.participants)
        self.M = len(inst.meetings)
        self.L = len(inst.locations)
        self.group_of = group_of = break_groups(inst, break_scope)
        self.prev_same = [
            s - 1 if s > 0 and group_of[s - 1] == group_of[s] else -1 for s in range(S)
        ]
        self.next_same = [
            s + 1 if s + 1 < S and group_of[s + 1] == group_of[s] else -1 for s in range(S)
        ]
        self.quota = [p.max_meetings for p in inst.participants]
        self.meetings_of: list[list[int]] = [[] for _ in range(self.P)]
        for m in inst.meetings:
            for p in m.participants:
                self.meetings_of[p].append(m.index)
        # Tables: owned tables are reserved for their owner; fixed meetings at other tables
        # take capacity away.
        owned_per_loc = [0] * self.L
        self.owned = {}
        for p in inst.participants:
            if p.table is not None:
                owned_per_loc[p.table[0]] += 1
                self.owned[p.table] = p.index
        self.free_tables = [
            [t for t in range(1, loc.tables + 1) if (loc.index, t) not in self.owned]
            for loc in inst.locations
        ]
        self.cap_loc = [[loc.tables - owned_per_loc[loc.index]] * S for loc in inst.locations]
        self.fixed = [m.index for m in inst.meetings if m.fixed is not None]
        for mi in self.fixed:
            s, loc, table = inst.meetings[mi].fixed
            if (loc, table) not in self.owned:
                self.cap_loc[loc][s] -= 1
        self.cap_total = [sum(self.cap_loc[li][s] for li in range(self.L)) for s in range(S)]
        # Owner table of each meeting (the first owner whose table fits its location).
        self.owner_table: list[tuple[int, int] | None] = [None] * self.M
        self.owner_conflict = [False] * self.M
        for m in inst.meetings:
            tables = [inst.participants[p].table for p in m.participants]
            tables = [t for t in tables if t is not None]
            if not tables:
                continue
            fitting = [t for t in tables if m.location is None or t[0] == m.location]
            if fitting:
                self.owner_table[m.index] = fitting[0]
            else:
                self.owner_conflict[m.index] = True
        self.domain: list[list[int]] = []
        for m in inst.meetings:
            if m.fixed is not None:
                self.domain.append([m.fixed[0]])
                continue
            if self.owner_conflict[m.index] or not m.participants:
                self.domain.append([])
                continue
            dom = []
            for slot in inst.slots:
                s = slot.index
                if m.sessions is not None and slot.session_index not in m.sessions:
                    continue
                if any(s in inst.participants[p].unavailable for p in m.participants):
                    continue
                if self.owner_table[m.index] is None:
                    if self.cap_total[s] <= 0:
                        continue
                    if m.location is not None and self.cap_loc[m.location][s] <= 0:
                        continue
                dom.append(s)
            self.domain.append(dom)
        self.order = sorted(
            (m.index for m in inst.meetings if m.fixed is None),
            key=lambda i: (inst.meetings[i].rank, i),
        )
        self.position = [0] * self.M
        for pos, i in enumerate(self.order):
            self.position[i] = pos


class State:
    """A (partial) slot assignment with incremental bookkeeping."""

    def __init__(self, prob: Problem):
        self.prob = prob
        inst = prob.inst
        self.parts = [m.participants for m in inst.meetings]
        self.loc = [m.location for m in inst.meetings]
        self.owner = [t is not None for t in prob.owner_table]
        self.slot_of = [-1] * prob.M
        self.busy = [[-1] * prob.S for _ in range(prob.P)]
        self.count = [0] * prob.P
        self.used_total = [0] * prob.S
        self.used_loc = [[0] * prob.S for _ in range(prob.L)]
        self.is_fixed = [False] * prob.M
        # movable meetings using a bookable (non-owned) table, by slot
        self.at_slot: list[set[int]] = [set() for _ in range(prob.S)]
        for mi in prob.fixed:
            s = inst.meetings[mi].fixed[0]
            self.is_fixed[mi] = True
            self.slot_of[mi] = s
            for p in self.parts[mi]:
                self.busy[p][s] = mi
                self.count[p] += 1

    def load(self, slot_of: list[int]) -> None:
        for m in range(self.prob.M):
            if not self.is_fixed[m] and self.slot_of[m] >= 0:
                self.remove(m)
        for m, s in enumerate(slot_of):
            if not self.is_fixed[m] and s >= 0:
                self.place(m, s)

    def capacity_ok(self, m: int, s: int) -> bool:
        if self.owner[m]:
            return True
        if self.used_total[s] >= self.prob.cap_total[s]:
            return False
        loc = self.loc[m]
        return loc is None or self.used_loc[loc][s] < self.prob.cap_loc[loc][s]

    def can_place(self, m: int, s: int) -> bool:
        quota = self.prob.quota
        busy = self.busy
        for p in self.parts[m]:
            if busy[p][s] != -1:
                return False
            q = quota[p]
            if q is not None and self.count[p] >= q:
                return False
        return self.capacity_ok(m, s)

    def place(self, m: int, s: int) -> None:
        self.slot_of[m] = s
        for p in self.parts[m]:
            self.busy[p][s] = m
            self.count[p] += 1
        if not self.owner[m]:
            self.at_slot[s].add(m)
            self.used_total[s] += 1
            if self.loc[m] is not None:
                self.used_loc[self.loc[m]][s] += 1

    def remove(self, m: int) -> int:
        s = self.slot_of[m]
        self.slot_of[m] = -1
        for p in self.parts[m]:
            self.busy[p][s] = -1
            self.count[p] -= 1
        if not self.owner[m]:
            self.at_slot[s].discard(m)
            self.used_total[s] -= 1
            if self.loc[m] is not None:
                self.used_loc[self.loc[m]][s] -= 1
        return s

    def add_delta(self, p: int, s: int) -> int:
        """Change in p's breaks if p becomes busy at the idle slot s."""
        row = self.busy[p]
        prev_same, next_same = self.prob.prev_same, self.prob.next_same
        a = prev_same[s]
        while a != -1 and row[a] == -1:
            a = prev_same[a]
        b = next_same[s]
        while b != -1 and row[b] == -1:
            b = next_same[b]
        if a == -1:
            return 0 if b == -1 or b == s + 1 else 1
        if b == -1:
            return 0 if a == s - 1 else 1
        return (s - a > 1) + (b - s > 1) - 1

    def place_cost(self, m: int, s: int) -> tuple[int, int]:
        """(added breaks, -adjacent participants) of placing m at s."""
        delta = 0
        adj = 0
        prev_same, next_same = self.prob.prev_same, self.prob.next_same
        for p in self.parts[m]:
            delta += self.add_delta(p, s)
            row = self.busy[p]
            a, b = prev_same[s], next_same[s]
            if (a != -1 and row[a] != -1) or (b != -1 and row[b] != -1):
                adj += 1
        return delta, -adj

    def participant_breaks(self, p: int) -> int:
        row = self.busy[p]
        group_of = self.prob.group_of
        breaks = 0
        prev = -1
        for s, m in enumerate(row):
            if m != -1:
                if prev != -1 and group_of[prev] == group_of[s] and s - prev > 1:
                    breaks += 1
                prev = s
        return breaks

    def total_breaks(self) -> int:
        return sum(self.participant_breaks(p) for p in range(self.prob.P))


def assign_tables(prob: Problem, slot_of: list[int]) -> dict[int, tuple[int, int, int]]:
    """Give every placed meeting a location and table.

    Fixed meetings keep theirs, owners' meetings go to the owner's table; other meetings
    prefer the table a participant used in the previous slot of the same session, else the
    lowest free table. Restricted meetings are served before location-free ones, which is
    enough for the slot capacities checked by the solver to be achievable.
    """
    inst = prob.inst
    by_slot: list[list[int]] = [[] for _ in range(prob.S)]
    for m, s in enumerate(slot_of):
        if s >= 0:
            by_slot[s].append(m)
    out: dict[int, tuple[int, int, int]] = {}
    last: list[tuple[int, int, int] | None] = [None] * prob.P  # (slot, loc, table)
    for s in range(prob.S):
        used: set[tuple[int, int]] = set()
        pointer = [0] * prob.L
        todo_restricted, todo_free = [], []
        for m in by_slot[s]:
            meeting = inst.meetings[m]
            if meeting.fixed is not None:
                out[m] = (s, meeting.fixed[1], meeting.fixed[2])
                used.add((meeting.fixed[1], meeting.fixed[2]))
            elif prob.owner_table[m] is not None:
                loc, table = prob.owner_table[m]
                out[m] = (s, loc, table)
                used.add((loc, table))
            elif meeting.location is not None:
                todo_restricted.append(m)
            else:
                todo_free.append(m)
        for m in todo_restricted + todo_free:
            meeting = inst.meetings[m]
            choice = None
            for p in meeting.participants:
                prev = last[p]
                if prev is not None and prev[0] == prob.prev_same[s] and prev[0] != -1:
                    cand = (prev[1], prev[2])
                    if (
                        cand not in used
                        and cand not in prob.owned
                        and (meeting.location is None or meeting.location == cand[0])
                    ):
                        choice = cand
                        break
            if choice is None:
                locs = [meeting.location] if meeting.location is not None else range(prob.L)
                for loc in locs:
                    tables = prob.free_tables[loc]
                    i = pointer[loc]
                    while i < len(tables) and (loc, tables[i]) in used:
                        i += 1
                    pointer[loc] = i
                    if i < len(tables):
                        choice = (loc, tables[i])
                        break
            if choice is None:  # pragma: no cover - capacities guarantee a table
                raise RuntimeError(f"no table left for meeting {meeting.id} at slot {s}")
            used.add(choice)
            out[m] = (s, choice[0], choice[1])
        for m in by_slot[s]:
            for p in inst.meetings[m].participants:
                last[p] = out[m]
    return out


def build_result(
    prob: Problem,
    slot_of: list[int],
    reasons: dict[int, str],
    seconds: float,
    extra_stats: dict | None = None,
) -> dict:
    from .model import RESULT_FORMAT

    inst = prob.inst
    tables = assign_tables(prob, slot_of)
    assignments = []
    unscheduled = []
    for m in inst.meetings:
        if slot_of[m.index] >= 0:
            s, loc, table = tables[m.index]
            assignments.append(
                {
                    "meeting": m.id,
                    "slot": inst.slots[s].id,
                    "location": inst.locations[loc].id,
                    "table": table,
                }
            )
        else:
            reason = reasons.get(m.index, "not scheduled")
            entry = {"meeting": m.id, "reason": str(reason)}
            if getattr(reason, "code", None):  # an explain.Reason: code and parameters too
                entry.update(code=reason.code, params=reason.params)
            unscheduled.append(entry)
    busy: list[list[int]] = [[] for _ in range(prob.P)]
    for m, s in enumerate(slot_of):
        if s >= 0:
            for p in inst.meetings[m].participants:
                busy[p].append(s)
    per_participant = [count_breaks(b, prob.group_of) for b in busy]
    stats = {
        "scheduled": len(assignments),
        "unscheduled": len(unscheduled),
        "breaks": sum(per_participant),
        "seconds": round(seconds, 3),
        "max_breaks_per_participant": max(per_participant, default=0),
    }
    if extra_stats:
        stats.update(extra_stats)
    return {
        "format": RESULT_FORMAT,
        "assignments": assignments,
        "unscheduled": unscheduled,
        "stats": stats,
    }
