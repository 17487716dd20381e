"""CP-SAT improvement for small instances (slot-assignment model).

Variables ``x[m, s]`` (meeting m at slot s) for each movable meeting and slot of its domain.
Constraints: one slot per scheduled meeting, a participant in at most one meeting per slot,
quotas, bookable tables per slot and per location (owned tables are outside this count).
Breaks: ``z[p, t]`` (p has a meeting at or before t in the group) and ``h[p, t]`` (a break of
p ends at t), ``h >= y[t] - y[t-1] + z[t-1] - 1``. Fairness: max - min breaks <= 2.

Phase 1 (only when the heuristic left placeable meetings out) maximises the number placed,
then earlier ranks. Phase 2 keeps that set and minimises breaks; the solver uses the
bottom-up descent ``_descend`` ("at most k breaks" for k = 0, 1, ..., pure SAT search).
"""

from __future__ import annotations

import math
import threading

from ortools.sat.python import cp_model

from .core import Problem, State

DESCENT_STEP = 0.2  # share of the budget given to each "at most k breaks" step
DESCENT_BOUND = 0.05  # share of the budget of the first (bounding) optimisation run
DESCENT_UNKNOWN_STOP = 2  # give up the descent after this many steps without an answer
SAT_CONFLICTS_PER_WORK = 30_000  # conflict budget of the SAT break descent per work unit


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


def _build(prob: Problem, st: State, scheduled: set[int] | None, with_breaks: bool, fair: bool):
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
    breaks_terms = []
    if with_breaks:
        # breaks of p in a group = (runs of busy slots) - 1 when p has a meeting there;
        # a run starts at t when y[t] - y[t-1] = 1 (total-variation encoding, tight in LP).
        groups: dict[int, list[int]] = {}
        for s in range(prob.S):
            groups.setdefault(prob.group_of[s], []).append(s)
        per_part = []
        in_model = {m for (m, _s) in x}
        for p in range(prob.P):
            mine = [m for m in prob.meetings_of[p] if m in in_model or st.is_fixed[m]]
            if len(mine) < 2:
                if mine:
                    per_part.append(0)
                continue
            terms = []
            y_vars = []
            for g_slots in groups.values():
                ys = []
                for s in g_slots:
                    if (s, p) in fixed_busy:
                        ys.append(1)
                    elif (s, p) in by_slot_part:
                        yv = model.new_bool_var("")
                        model.add(yv == sum(by_slot_part[(s, p)]))
                        ys.append(yv)
                        y_vars.append(yv)
                    else:
                        ys.append(0)
                if sum(1 for y in ys if not (isinstance(y, int) and y == 0)) < 2:
                    continue
                starts = []
                y_prev = 0
                for y in ys:
                    if not (isinstance(y, int) and y == 0):
                        if isinstance(y, int) and isinstance(y_prev, int):
                            if y - y_prev > 0:
                                starts.append(1)
                        else:
                            r = model.new_bool_var("")
                            model.add(r >= y - y_prev)
                            starts.append(r)
                    y_prev = y
                has = model.new_bool_var("")
                live = [y for y in ys if not isinstance(y, int)]
                if any(isinstance(y, int) and y == 1 for y in ys):
                    model.add(has == 1)
                else:
                    model.add(has <= sum(live))
                terms.append(sum(starts) - has)
            if scheduled is not None and y_vars:
                n_live = sum(1 for m in mine if not st.is_fixed[m])
                model.add(sum(y_vars) == n_live)  # redundant, helps propagation
            if terms:
                b = model.new_int_var(0, prob.S, f"b{p}")
                model.add(b == sum(terms))
                per_part.append(b)
                breaks_terms.append(b)
            else:
                per_part.append(0)
        if fair and per_part:
            hi = model.new_int_var(0, prob.S, "max_breaks")
            lo = model.new_int_var(0, prob.S, "min_breaks")
            for b in per_part:
                model.add(hi >= b)
                model.add(lo <= b)
            model.add(hi - lo <= 2)
    return model, x, placed, breaks_terms


def improve_with_cpsat(
    prob: Problem, st: State, ctl, *, work_limit: float, seed: int, breaks: bool = True
) -> bool:
    """Improve ``st`` in place with CP-SAT. Returns True when CP-SAT produced the schedule."""
    used = False
    placeable = [m for m in prob.order if prob.domain[m]]
    missing = [m for m in placeable if st.slot_of[m] < 0]
    if missing:
        # first: can every placeable meeting be placed? (pure feasibility, usually fast)
        model, x, _, _ = _build(prob, st, set(placeable), with_breaks=False, fair=False)
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
        model, x, placed, _ = _build(prob, st, None, with_breaks=False, fair=False)
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
    if not breaks:
        if st.total_breaks() == 0 or ctl.stop():
            return used
        from .satbreaks import descend

        conflicts = int(SAT_CONFLICTS_PER_WORK * work_limit)
        return descend(prob, st, ctl, scheduled, conflicts=conflicts) or used
    current = st.total_breaks()
    if current == 0:
        return used
    for fair in (True, False):
        model, x, _, breaks_terms = _build(prob, st, scheduled, with_breaks=True, fair=fair)
        model.minimize(sum(breaks_terms))
        for (m, s), v in x.items():
            model.add_hint(v, st.slot_of[m] == s)
        solver, status = _run(model, ctl, work_limit, seed, "breaks")
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            new = list(st.slot_of)
            for (m, s), v in x.items():
                if solver.boolean_value(v):
                    new[m] = s
            old = list(st.slot_of)
            st.load(new)
            if st.total_breaks() <= current:
                return True
            st.load(old)
            return used
        if ctl.stop():
            return used
    return used


def _descend(prob: Problem, st: State, ctl, scheduled: set[int], work_limit: float, seed: int):
    """Smallest total of breaks, found bottom-up: "at most k breaks" for k = 0, 1, 2, ...

    Each step is a satisfaction model (fairness included) with its own deterministic budget;
    the first feasible k gives the schedule. A step that ends without an answer counts as
    "not found" and the next k is tried. Returns True when ``st`` was replaced; sets
    ``ctl.breaks_optimal`` when every smaller k was proven infeasible.
    """
    current = st.total_breaks()
    budget = work_limit
    step = max(0.25, work_limit * DESCENT_STEP)
    # with fixed meetings (incremental mode) many breaks can be forced: a short optimisation
    # run first gives the bound where the descent starts, and often solves the model outright
    k = 0
    changed = False
    if prob.fixed:
        model, x, _, breaks_terms = _build(prob, st, scheduled, with_breaks=True, fair=True)
        model.minimize(sum(breaks_terms))
        for (m, s), v in x.items():
            model.add_hint(v, st.slot_of[m] == s)
        solver, status = _run(model, ctl, min(budget, work_limit * DESCENT_BOUND), seed, "bound")
        budget -= max(solver.deterministic_time, 0.01)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            k = max(0, int(math.ceil(solver.best_objective_bound - 1e-6)))
            if solver.objective_value < current:
                new = list(st.slot_of)
                for (m, s), v in x.items():
                    if solver.boolean_value(v):
                        new[m] = s
                st.load(new)
                current = st.total_breaks()
                changed = True
            if status == cp_model.OPTIMAL:
                ctl.breaks_optimal = True
                return changed
        elif status == cp_model.INFEASIBLE:
            return False
    proven = True  # every k tried so far is proven infeasible (or below the bound)
    unknown = 0
    while k < current and budget > 0 and not ctl.stop():
        model, x, _, breaks_terms = _build(prob, st, scheduled, with_breaks=True, fair=True)
        model.add(sum(breaks_terms) <= k)
        for (m, s), v in x.items():
            model.add_hint(v, st.slot_of[m] == s)
        solver, status = _run(model, ctl, min(step, budget), seed, f"at most {k} breaks", True)
        budget -= max(solver.deterministic_time, 0.01)
        ctl.progress(0.5, f"CP-SAT at most {k} breaks: {solver.status_name(status).lower()}")
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            new = list(st.slot_of)
            for (m, s), v in x.items():
                if solver.boolean_value(v):
                    new[m] = s
            st.load(new)
            ctl.breaks_optimal = proven
            return True
        if status != cp_model.INFEASIBLE:
            proven = False
            unknown += 1
            if unknown >= DESCENT_UNKNOWN_STOP:
                break  # leave the rest of the time to the neighbourhood search
        k += 1
    if proven and k == current:
        ctl.breaks_optimal = True  # the schedule we have is already optimal
    return changed


def _better(prob: Problem, new: list[int], old: list[int]) -> bool:
    """More meetings placed, then (same count) the earlier-ranked set wins."""
    a = sorted(prob.position[m] for m in prob.order if new[m] >= 0)
    b = sorted(prob.position[m] for m in prob.order if old[m] >= 0)
    if len(a) != len(b):
        return len(a) > len(b)
    return a < b
