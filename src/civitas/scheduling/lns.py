"""Large-neighbourhood search with CP-SAT: free the meetings of a few participants, keep the
rest of the schedule frozen, and let CP-SAT re-place them (and any unscheduled meeting of
those participants) with fewer breaks. Deterministic: seeded choice of neighbourhoods, one
CP-SAT worker, deterministic time limits.
"""

from __future__ import annotations

import random

from ortools.sat.python import cp_model

from .core import Problem, State


def _neighbourhood(prob: Problem, st: State, rng: random.Random, size: int, seed_p: int):
    chosen = {seed_p}
    frontier = [seed_p]
    while frontier and len(chosen) < size:
        p = frontier.pop(0)
        partners = sorted({q for m in prob.meetings_of[p] for q in st.parts[m]} - chosen)
        rng.shuffle(partners)
        for q in partners:
            if len(chosen) >= size:
                break
            chosen.add(q)
            frontier.append(q)
    return chosen


def _solve_sub(prob: Problem, st: State, people: set[int], det: float, seed: int, fair_max):
    free = sorted(
        {m for p in people for m in prob.meetings_of[p] if not st.is_fixed[m] and prob.domain[m]}
    )
    if not free:
        return None
    free_set = set(free)
    touched = sorted({p for m in free for p in st.parts[m]})
    model = cp_model.CpModel()
    x = {}
    placed = {}
    by_sp: dict[tuple[int, int], list] = {}
    by_s: dict[int, list] = {}
    by_ls: dict[tuple[int, int], list] = {}
    for m in free:
        lits = []
        for s in prob.domain[m]:
            if any(
                st.busy[p][s] not in (-1,) and st.busy[p][s] not in free_set for p in st.parts[m]
            ):
                continue
            v = model.new_bool_var("")
            x[m, s] = v
            lits.append(v)
            for p in st.parts[m]:
                by_sp.setdefault((s, p), []).append(v)
            if not st.owner[m]:
                by_s.setdefault(s, []).append(v)
                if st.loc[m] is not None:
                    by_ls.setdefault((st.loc[m], s), []).append(v)
        if st.slot_of[m] >= 0:
            if not lits:
                return None
            model.add_exactly_one(lits)
        else:
            pv = model.new_bool_var("")
            model.add(sum(lits) == pv)
            placed[m] = pv
    for lits in by_sp.values():
        if len(lits) > 1:
            model.add_at_most_one(lits)
    for s, lits in by_s.items():
        frozen = st.used_total[s] - sum(1 for m in st.at_slot[s] if m in free_set)
        model.add(sum(lits) <= prob.cap_total[s] - frozen)
    for (loc, s), lits in by_ls.items():
        frozen = st.used_loc[loc][s] - sum(
            1 for m in st.at_slot[s] if m in free_set and st.loc[m] == loc
        )
        model.add(sum(lits) <= prob.cap_loc[loc][s] - frozen)
    if placed:
        for p in touched:
            q = prob.quota[p]
            if q is None:
                continue
            mine_free = [m for m in prob.meetings_of[p] if m in free_set]
            frozen = st.count[p] - sum(1 for m in mine_free if st.slot_of[m] >= 0)
            terms = [v for (m, s), v in x.items() if m in mine_free]
            model.add(sum(terms) <= q - frozen)
    group_slots: dict[int, list[int]] = {}
    for s in range(prob.S):
        group_slots.setdefault(prob.group_of[s], []).append(s)
    b_terms = []
    before = 0
    for p in touched:
        before += st.participant_breaks(p)
        row = st.busy[p]
        terms = []
        for g in group_slots.values():
            ys = []
            for s in g:
                if row[s] != -1 and row[s] not in free_set:
                    ys.append(1)
                elif (s, p) in by_sp:
                    yv = model.new_bool_var("")
                    model.add(yv == sum(by_sp[(s, p)]))
                    ys.append(yv)
                else:
                    ys.append(0)
            live = [y for y in ys if not isinstance(y, int)]
            if not live and sum(ys) < 2:
                continue
            starts = []
            y_prev = 0
            for y in ys:
                if isinstance(y, int) and isinstance(y_prev, int):
                    if y > y_prev:
                        starts.append(1)
                elif not (isinstance(y, int) and y == 0):
                    r = model.new_bool_var("")
                    model.add(r >= y - y_prev)
                    starts.append(r)
                y_prev = y
            has = model.new_bool_var("")
            if any(isinstance(y, int) and y == 1 for y in ys):
                model.add(has == 1)
            else:
                model.add(has <= sum(live))
            terms.append(sum(starts) - has)
        if terms:
            b = model.new_int_var(0, prob.S, "")
            model.add(b == sum(terms))
            if fair_max is not None:
                model.add(b <= max(fair_max, st.participant_breaks(p)))
            b_terms.append(b)
    weight = prob.S * len(touched) + 1
    n = len(prob.order) + 1
    model.minimize(
        sum(b_terms) - sum((weight * n + (n - prob.position[m])) * pv for m, pv in placed.items())
    )
    for (m, s), v in x.items():
        model.add_hint(v, st.slot_of[m] == s)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = det
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    new = dict.fromkeys(free, -1)
    for (m, s), v in x.items():
        if solver.boolean_value(v):
            new[m] = s
    return new, solver.deterministic_time


def lns(
    prob: Problem,
    st: State,
    ctl,
    *,
    work_limit: float,
    seed: int = 0,
    size: int = 12,
    breaks: bool = True,
):
    """Improve placements, then breaks, in place; returns the number of accepted moves."""
    rng = random.Random(seed)
    spent = 0.0
    accepted = 0
    fair_max = 2  # fairness: nobody gets more than max(2, what they have now)
    it = 0
    max_iterations = int(100 * work_limit)
    seeds: list[int] = []
    if not breaks:
        n_missing = sum(1 for m in prob.order if st.slot_of[m] < 0 and prob.domain[m])
        max_iterations = min(max_iterations, 3 * n_missing)
        size = min(size, 4)
    while spent < work_limit and it < max_iterations and not ctl.stop():
        it += 1
        if not seeds:
            missing = [m for m in prob.order if st.slot_of[m] < 0 and prob.domain[m]]
            seeds = [rng.choice(st.parts[m]) for m in missing[:50]]
            if breaks:
                with_breaks = [p for p in range(prob.P) if st.participant_breaks(p) > 0]
                rng.shuffle(with_breaks)
                seeds += with_breaks[:100]
            if not seeds:
                break
            seeds.reverse()
        people = _neighbourhood(prob, st, rng, size, seeds.pop())
        res = _solve_sub(prob, st, people, 0.05, seed + it, fair_max)
        if res is None:
            spent += 0.01
            continue
        new, det = res
        spent += max(det, 0.005)
        touched = sorted({p for m in new for p in st.parts[m]})
        before = sum(st.participant_breaks(p) for p in touched)
        placed_before = sum(1 for m in new if st.slot_of[m] >= 0)
        old = {m: st.slot_of[m] for m in new}
        for m in sorted(new):
            if old[m] >= 0:
                st.remove(m)
        for m in sorted(new):
            if new[m] >= 0:
                st.place(m, new[m])
        placed_after = sum(1 for m in new if st.slot_of[m] >= 0)
        after = sum(st.participant_breaks(p) for p in touched)
        if placed_after > placed_before or (placed_after == placed_before and after <= before):
            if after < before or placed_after > placed_before:
                accepted += 1
                ctl.progress(0.5 + 0.4 * min(1.0, spent / work_limit), f"LNS move {accepted}")
            continue
        for m in sorted(new):
            if new[m] >= 0:
                st.remove(m)
        for m in sorted(new):
            if old[m] >= 0:
                st.place(m, old[m])
    return accepted
