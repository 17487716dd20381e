"""Fewest breaks by incremental SAT (the approach of the B2BSP literature).

The set of scheduled meetings is kept; only their slots change. The model is a CNF:

- ``x[m, s]``: meeting m at slot s (exactly one per meeting, sequential-counter encoding);
- a participant attends at most one meeting per slot; tables: at most ``cap_total[s]``
  meetings per slot and ``cap_loc[l][s]`` per location (owned-table meetings are outside);
- ``y[p, s]``: p is busy at s (fixed meetings make it true), with the implied count
  ``sum_s y[p, s] = meetings of p``;
- ``z[p, s]``: p has a meeting at or before s in the break group of s;
- ``h[p, s]``: a break of p ends at s: ``y[p, s] and not y[p, s-1] and z[p, s-1] -> h[p, s]``;
- fairness (JAIR): nobody has more than 2 breaks — equivalent to ``max - min <= 2`` as soon as
  one participant has no break, which holds whenever the total is below the number of
  participants with two meetings or more (the only totals this search visits in practice);
- implied windows: ``nb[p]`` ("p has no break") and a first meeting at slot i force p busy
  at i .. i + n_p - 1 (participants whose meetings all lie in one break group);
- ``sum h <= k`` through an incremental totalizer, k given as an assumption.

The search is the skewed bisection of the literature: try ``k = lo + (hi - lo) // 5``; a
model gives a new upper bound, a refutation a new lower bound. Learned clauses carry over
from one call to the next. Every call runs with a *conflict* budget (deterministic) and is
interrupted at the wall-clock deadline or on cancellation.
"""

from __future__ import annotations

import contextlib
import threading
import time

from pysat.card import CardEnc, EncType, ITotalizer
from pysat.formula import IDPool
from pysat.solvers import Solver

from .core import Problem, State

SOLVERS = ("cadical195", "glucose4")  # sequential portfolio, see descend()
STEP_BUDGET = 40_000  # conflicts of a solver's first try at one k (then doubled)
MAX_STEP_BUDGET = 640_000
FAIR_MAX = 2  # breaks per participant (fairness of the JAIR paper)
IMPLIED_SLOT_BOUND = True
WINDOWS = True  # implied busy windows of the participants without a break, see _windows
SKEW = 5  # bisection step: lo + (hi - lo) // SKEW


class _Cnf:
    def __init__(self):
        self.pool = IDPool()
        self.clauses: list[list[int]] = []

    def var(self, key) -> int:
        return self.pool.id(key)

    def add(self, clause: list[int]) -> None:
        self.clauses.append(clause)

    def card(self, kind: str, lits: list[int], bound: int) -> None:
        if kind == "atmost" and len(lits) <= bound:
            return
        if kind == "atmost" and bound == 1 and len(lits) <= 4:
            self.clauses.extend([-a, -b] for i, a in enumerate(lits) for b in lits[i + 1 :])
            return
        enc = getattr(CardEnc, kind)(
            lits=lits, bound=bound, vpool=self.pool, encoding=EncType.seqcounter
        )
        self.clauses.extend(enc.clauses)


def build(prob: Problem, st: State, scheduled: set[int], fair_max: int | list[int] = FAIR_MAX):
    """The CNF of "the scheduled meetings, re-slotted". Returns (cnf, x, break literals)."""
    cnf = _Cnf()
    fixed_busy: set[tuple[int, int]] = set()
    for mi in prob.fixed:
        s = prob.inst.meetings[mi].fixed[0]
        for p in st.parts[mi]:
            fixed_busy.add((p, s))
    x: dict[tuple[int, int], int] = {}
    by_part_slot: dict[tuple[int, int], list[int]] = {}
    by_slot: dict[int, list[int]] = {}
    by_loc_slot: dict[tuple[int, int], list[int]] = {}
    movable = [m for m in prob.order if m in scheduled and not st.is_fixed[m]]
    for m in movable:
        lits = []
        for s in prob.domain[m]:
            if any((p, s) in fixed_busy for p in st.parts[m]):
                continue
            v = cnf.var(("x", m, s))
            x[m, s] = v
            lits.append(v)
            for p in st.parts[m]:
                by_part_slot.setdefault((p, s), []).append(v)
            if not st.owner[m]:
                by_slot.setdefault(s, []).append(v)
                if st.loc[m] is not None:
                    by_loc_slot.setdefault((st.loc[m], s), []).append(v)
        if not lits:
            return None
        cnf.card("equals", lits, 1)
    for s, lits in by_slot.items():
        cnf.card("atmost", lits, prob.cap_total[s])
    for (loc, s), lits in by_loc_slot.items():
        cnf.card("atmost", lits, prob.cap_loc[loc][s])
    groups: dict[int, list[int]] = {}
    for s in range(prob.S):
        groups.setdefault(prob.group_of[s], []).append(s)
    true = cnf.var("true")
    cnf.add([true])
    breaks: list[int] = []
    busy_at: dict[int, list[int]] = {}  # slot -> the "busy" literals of its participants
    movable_count = [0] * prob.P
    for m in movable:
        for p in st.parts[m]:
            movable_count[p] += 1
    for p in range(prob.P):
        ys_all = []
        mine_breaks = []
        busy_groups = []  # the slot rows of p in the groups where p can be busy
        for g_slots in groups.values():
            ys: list[int | None] = []  # literal, or None when p cannot be busy there
            for s in g_slots:
                if (p, s) in fixed_busy:
                    ys.append(true)
                    continue
                lits = by_part_slot.get((p, s))
                if not lits:
                    ys.append(None)
                    continue
                cnf.card("atmost", lits, 1)
                y = cnf.var(("y", p, s))
                busy_at.setdefault(s, []).append(y)
                for v in lits:
                    cnf.add([-v, y])
                cnf.add([-y, *lits])
                ys.append(y)
                ys_all.append(y)
            if any(y is not None for y in ys):
                busy_groups.append(ys)
            if sum(1 for y in ys if y is not None) < 2:
                continue
            z_prev = None  # literal "busy at or before the previous slot", None = false
            y_prev = None
            for i, y in enumerate(ys):
                if y is None and z_prev is None:
                    y_prev = None
                    continue
                if i > 0 and y is not None and z_prev is not None and y_prev is not true:
                    h = cnf.var(("h", p, g_slots[i]))
                    clause = [-y, -z_prev, h]
                    if y_prev is not None:
                        clause.insert(1, y_prev)
                    cnf.add(clause)
                    mine_breaks.append(h)
                # z[i] <-> y[i] or z[i-1]
                if y is true or z_prev is true:
                    z = true
                else:
                    z = cnf.var(("z", p, g_slots[i]))
                    parts = [v for v in (y, z_prev) if v is not None]
                    for v in parts:
                        cnf.add([-v, z])
                    cnf.add([-z, *parts])
                z_prev, y_prev = z, y
        if ys_all:
            cnf.card("equals", ys_all, movable_count[p])
        if mine_breaks:
            bound = fair_max[p] if isinstance(fair_max, list) else fair_max
            cnf.card("atmost", mine_breaks, bound)
            breaks.extend(mine_breaks)
            if WINDOWS and len(busy_groups) == 1:
                n = movable_count[p] + sum(1 for y in busy_groups[0] if y is true)
                _windows(cnf, busy_groups[0], n, mine_breaks)
    # implied: the participants busy at a slot are at most (meetings there) x (their size);
    # not valid when owned-table meetings sit outside the table count
    if IMPLIED_SLOT_BOUND and not any(st.owner[m] for m in movable):
        size = max((len(st.parts[m]) for m in movable), default=2)
        for s, ys in busy_at.items():
            cnf.card("atmost", ys, size * prob.cap_total[s])
    return cnf, x, breaks


def _windows(cnf: _Cnf, ys: list, n: int, mine_breaks: list[int]) -> None:
    """Implied: a participant without a break whose first meeting is at slot i is busy at
    i .. i + n - 1 (its meetings all lie in this group). With ``nb`` ("no break of p"), a first
    meeting fixes the whole busy window by unit propagation instead of through the counter."""
    nb = cnf.var(("nb", mine_breaks[0]))
    cnf.add([nb, *mine_breaks])
    for h in mine_breaks:
        cnf.add([-h, -nb])
    for i, y in enumerate(ys):
        if y is None:
            continue
        start = [-nb, -y] + ([ys[i - 1]] if i > 0 and ys[i - 1] is not None else [])
        for j in range(1, n):
            nxt = ys[i + j] if i + j < len(ys) else None
            if nxt is None:
                cnf.add(start)  # the window does not fit: p cannot start there without break
                break
            cnf.add([*start, nxt])


class _Interrupter:
    """Interrupts the running SAT call at the wall-clock deadline or on cancellation (for the
    solvers that can be interrupted; the others are bounded by their conflict budget)."""

    def __init__(self, solvers, ctl, wall_share):
        self.solvers = solvers
        self.ctl = ctl
        remaining = ctl.remaining()
        self.until = (
            time.perf_counter() + wall_share * remaining if remaining != float("inf") else None
        )
        self.expired = False
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _interrupt(self):
        for solver in self.solvers:
            with contextlib.suppress(NotImplementedError):
                solver.interrupt()

    def _watch(self):
        while not self.done.wait(0.05):
            if self.ctl.stop():
                self._interrupt()
                return
            if self.until is not None and time.perf_counter() >= self.until:
                self.expired = True  # leave the rest of the time to the neighbourhood search
                self._interrupt()
                return

    def conflicts_until_expiry(self, rate: float) -> float:
        """A conflict budget that ends near the wall-clock share, for the solvers that cannot
        be interrupted (CaDiCaL in PySAT): ``rate`` conflicts per second (0 = not measured
        yet: no cap). Only binds when the time limit is about to be reached anyway."""
        if self.until is None or rate <= 0:
            return float("inf")
        return int(rate * (self.until - time.perf_counter()))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


def _conflicts(solver) -> int:
    return (solver.accum_stats() or {}).get("conflicts", 0)


def descend(
    prob: Problem, st: State, ctl, scheduled: set[int], *, conflicts: int, wall_share=0.75
) -> bool:
    """Lower the total of breaks of ``st`` in place; True when ``st`` was replaced.

    ``conflicts`` is the total conflict budget (deterministic effort); ``wall_share`` the
    share of the remaining wall-clock time it may use (a safety net, like the time limit). Sets
    ``ctl.breaks_optimal`` when the final total is proven minimal for this fairness rule.

    Each "at most k" question goes to a sequential portfolio of two CDCL solvers with
    doubling conflict budgets (CaDiCaL then Glucose: CaDiCaL is the stronger on the hard
    22-slot B2BSP instances, Glucose sometimes on the 10-slot ones); the first answer is taken.
    Deterministic: budgets are counted in conflicts.
    """
    current = st.total_breaks()
    if current == 0:
        ctl.breaks_optimal = True
        return False
    fair: int | list[int] = FAIR_MAX
    if prob.fixed:  # fixed meetings may force more breaks on some participants
        fair = [max(FAIR_MAX, st.participant_breaks(p)) for p in range(prob.P)]
    built = build(prob, st, scheduled, fair)
    if built is None:
        return False
    cnf, x, breaks = built
    if not breaks:
        return False
    tot = ITotalizer(lits=breaks, ubound=min(current, len(breaks)), top_id=cnf.pool.top)
    phases = [v if st.slot_of[m] == s else -v for (m, s), v in x.items()]
    solvers = []
    for name in SOLVERS:
        solver = Solver(name=name, bootstrap_with=cnf.clauses)
        solver.append_formula(tot.cnf.clauses)
        with contextlib.suppress(NotImplementedError):  # start from the current schedule
            solver.set_phases(phases)
        solvers.append(solver)
    lo, hi = 0, current
    changed = False
    proven = True
    left = conflicts
    rates = [0.0] * len(solvers)  # conflicts per second seen so far, per solver
    try:
        with _Interrupter(solvers, ctl, wall_share) as watch:
            while lo < hi and left > 0 and not ctl.stop() and not watch.expired:
                # skewed bisection from the top: each model found on the way sets the phases
                # of the next, harder question (asking k = 0, 1, 2 first costs far more on the
                # instances whose optimum is small but not zero)
                k = lo + (hi - lo) // SKEW
                answer, winner, budget = None, None, STEP_BUDGET
                while answer is None and left > 0 and not ctl.stop() and not watch.expired:
                    for i, solver in enumerate(solvers):
                        allowed = min(budget, left, watch.conflicts_until_expiry(rates[i]))
                        if allowed <= 0:
                            watch.expired = True  # its wall-clock share is used up
                            break
                        solver.conf_budget(allowed)
                        before, t0 = _conflicts(solver), time.perf_counter()
                        answer = solver.solve_limited(
                            assumptions=[-tot.rhs[k]], expect_interrupt=True
                        )
                        spent = max(1, _conflicts(solver) - before)
                        left -= spent
                        rates[i] = max(rates[i], spent / max(1e-3, time.perf_counter() - t0))
                        if answer is not None:
                            winner = solver
                            break
                        if left <= 0 or ctl.stop() or watch.expired:
                            break
                    budget = min(2 * budget, MAX_STEP_BUDGET)
                used = conflicts - left
                ctl.progress(0.5, f"SAT at most {k} breaks: {answer} ({used} conflicts)")
                if answer is True:
                    model = winner.get_model()
                    new = list(st.slot_of)
                    for (m, s), v in x.items():
                        if model[v - 1] > 0:
                            new[m] = s
                    old = list(st.slot_of)
                    st.load(new)
                    total = st.total_breaks()
                    if total >= hi:  # cannot happen with a sound model; keep the old plan
                        st.load(old)
                        break
                    hi = total
                    changed = True
                elif answer is False:
                    lo = k + 1
                else:
                    proven = False
                    break
    finally:
        for solver in solvers:
            solver.delete()
        tot.delete()
    if proven and lo >= hi:
        ctl.breaks_optimal = True
    return changed
