"""CP-SAT placement for small instances (slot-assignment model), then the SAT break descent.

Variables ``x[m, s]`` (meeting m at slot s) for each movable meeting and slot of its domain.
Constraints: one slot per scheduled meeting, a participant in at most one meeting per slot,
quotas, bookable tables per slot and per location (owned tables are outside this count).

Phase 1 (only when the heuristic left placeable meetings out): can every placeable meeting be
placed? If not, maximise the number placed, then earlier ranks. Phase 2 keeps that set and
lowers the breaks by incremental SAT (``satbreaks.descend``).
"""

from __future__ import annotations

import threading

from ortools.sat.python import cp_model

from .core import Problem, State

SAT_CONFLICTS_PER_WORK = 200_000  # conflict budget of the SAT break descent per work unit


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, ctl, phase):
        super().__init__()
        self.ctl = ctl
        self.phase = phase

    def on_solution_callback(self):
        self.ctl.progress(0.6, f"CP-SAT {self.phase}: objective {self.ObjectiveValue():g}")
        if self.ctl.stop():
            self.StopSearch()


def _run(model, ctl, work_limit, seed, phase, sat_search=False):
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    if sat_search:
        # pure clause-learning search, no LP relaxation: much faster on the bounded-breaks
        # feasibility models (the incremental-SAT approach of the B2BSP literature)
        solver.parameters.linearization_level = 0
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = work_limit
    remaining = ctl.remaining()
    if remaining != float("inf"):
        solver.parameters.max_time_in_seconds = max(0.01, remaining)
    done = threading.Event()

    def watch():  # stop the search promptly on cancellation
        while not done.wait(0.05):
            if ctl.cancel_fn is not None and ctl.cancel_fn():
                ctl.cancelled = True
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        status = solver.solve(model, _Callback(ctl, phase))
    finally:
        done.set()
        watcher.join()
    if ctl.deadline is not None and ctl.remaining() <= 0:
        ctl.time_limit_reached = True
    return solver, status


def _build(prob: Problem, st: State, scheduled: set[int] | None):
    model = cp_model.CpModel()
    movable = [m for m in prob.order if prob.domain[m]]
    if scheduled is not None:
        movable = [m for m in movable if m in scheduled]
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    placed = {}
    by_slot_part: dict[tuple[int, int], list] = {}
    by_slot_total: dict[int, list] = {}
    by_slot_loc: dict[tuple[int, int], list] = {}
    by_part: dict[int, list] = {}
    for m in movable:
        lits = []
        for s in prob.domain[m]:
            v = model.new_bool_var(f"x{m}_{s}")
            x[m, s] = v
            lits.append(v)
            for p in st.parts[m]:
                by_slot_part.setdefault((s, p), []).append(v)
            if not st.owner[m]:
                by_slot_total.setdefault(s, []).append(v)
                if st.loc[m] is not None:
                    by_slot_loc.setdefault((st.loc[m], s), []).append(v)
        if scheduled is not None:
            model.add_exactly_one(lits)
        else:
            pv = model.new_bool_var(f"placed{m}")
            model.add(sum(lits) == pv)
            placed[m] = pv
            for p in st.parts[m]:
                by_part.setdefault(p, []).append(pv)
    fixed_busy = set()
    fixed_count = [0] * prob.P
    for mi in prob.fixed:
        s = prob.inst.meetings[mi].fixed[0]
        for p in st.parts[mi]:
            fixed_busy.add((s, p))
            fixed_count[p] += 1
    for (s, p), lits in by_slot_part.items():
        if (s, p) in fixed_busy:
            for v in lits:
                model.add(v == 0)
        elif len(lits) > 1:
            model.add_at_most_one(lits)
    for s, lits in by_slot_total.items():
        if len(lits) > prob.cap_total[s]:
            model.add(sum(lits) <= prob.cap_total[s])
    for (loc, s), lits in by_slot_loc.items():
        if len(lits) > prob.cap_loc[loc][s]:
            model.add(sum(lits) <= prob.cap_loc[loc][s])
    for p, lits in by_part.items():
        q = prob.quota[p]
        if q is not None:
            model.add(sum(lits) <= q - fixed_count[p])
    if scheduled is not None and prob.quota and any(q is not None for q in prob.quota):
        for p in range(prob.P):
            q = prob.quota[p]
            if q is not None:
                lits = [
                    x[m, s] for m in prob.meetings_of[p] if m in scheduled for s in prob.domain[m]
                ]
                if lits:
                    model.add(sum(lits) <= q - fixed_count[p])
    return model, x, placed


def improve_with_cpsat(prob: Problem, st: State, ctl, *, work_limit: float, seed: int) -> bool:
    """Improve ``st`` in place: placement by CP-SAT, then fewer breaks by incremental SAT.
    Returns True when a solver produced the schedule."""
    used = False
    placeable = [m for m in prob.order if prob.domain[m]]
    missing = [m for m in placeable if st.slot_of[m] < 0]
    if missing:
        # first: can every placeable meeting be placed? (pure feasibility, usually fast)
        model, x, _ = _build(prob, st, set(placeable))
        for (m, s), v in x.items():
            model.add_hint(v, st.slot_of[m] == s)
        solver, status = _run(model, ctl, work_limit / 4, seed, "place all", True)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            new = [-1] * prob.M
            for (m, s), v in x.items():
                if solver.boolean_value(v):
                    new[m] = s
            st.load(new)
            missing = []
            used = True
    if missing and not ctl.stop():
        model, x, placed = _build(prob, st, None)
        n = len(placeable)
        weight = n + 1
        model.maximize(
            sum(weight * n * pv + (n - prob.position[m]) * pv for m, pv in placed.items())
        )
        for (m, s), v in x.items():
            model.add_hint(v, st.slot_of[m] == s)
        solver, status = _run(model, ctl, work_limit / 2, seed, "placement")
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            new = [-1] * prob.M
            for (m, s), v in x.items():
                if solver.boolean_value(v):
                    new[m] = s
            if _better(prob, new, st.slot_of):
                st.load(new)
                used = True
        if ctl.stop():
            return used
    scheduled = {m for m in prob.order if st.slot_of[m] >= 0}
    if not scheduled:
        return used
    if st.total_breaks() == 0 or ctl.stop():
        return used
    from .satbreaks import descend

    conflicts = int(SAT_CONFLICTS_PER_WORK * work_limit)
    return descend(prob, st, ctl, scheduled, conflicts=conflicts, seed=seed) or used


def _better(prob: Problem, new: list[int], old: list[int]) -> bool:
    """More meetings placed, then (same count) the earlier-ranked set wins."""
    a = sorted(prob.position[m] for m in prob.order if new[m] >= 0)
    b = sorted(prob.position[m] for m in prob.order if old[m] >= 0)
    if len(a) != len(b):
        return len(a) > len(b)
    return a < b
