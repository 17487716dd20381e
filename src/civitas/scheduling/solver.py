"""The meeting scheduler.

Pipeline (all steps deterministic for a given input and options):

1. constructive: requests by rank, each at the feasible slot adding the fewest breaks;
2. repair: unscheduled requests are inserted by ejecting the meetings that block them and
   re-placing those elsewhere (ejection chains of depth one); when that fails, an
   earlier-ranked request may take the place of a single later-ranked one;
3. local search on breaks: moves of one meeting and swaps of two meetings of a participant;
4. on small instances (a few hundred meetings), CP-SAT on the slot-assignment model, first to
   maximise the meetings placed (then earlier ranks), then to minimise breaks with the
   fairness condition of the B2BSP literature (max - min breaks per participant <= 2).
   CP-SAT runs with one worker, a fixed seed and a *deterministic* time budget.

The wall-clock ``time_limit`` is a safety net: when it is reached the best schedule found so
far is returned and ``stats.time_limit_reached`` is true (only then can the output depend on
the machine's speed). ``work_limit`` bounds the deterministic effort instead.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from .core import Problem, State, build_result
from .explain import explain
from .model import Instance, load_instance

ProgressFn = Callable[[float, str], None]

CPSAT_MAX_VARS = 25_000  # slot variables; beyond this the heuristic path is used alone


class _Control:
    def __init__(self, time_limit, progress, cancel):
        self.t0 = time.perf_counter()
        self.deadline = self.t0 + time_limit if time_limit is not None else None
        self.progress_fn = progress
        if cancel is None:
            self.cancel_fn = None
        elif hasattr(cancel, "is_set"):
            self.cancel_fn = cancel.is_set
        else:
            self.cancel_fn = cancel
        self.time_limit_reached = False
        self.cancelled = False
        self.breaks_optimal = False  # set by CP-SAT when the breaks are proven minimal

    def stop(self) -> bool:
        if self.cancel_fn is not None and self.cancel_fn():
            self.cancelled = True
            return True
        if self.deadline is not None and time.perf_counter() >= self.deadline:
            self.time_limit_reached = True
            return True
        return False

    def remaining(self) -> float:
        if self.deadline is None:
            return float("inf")
        return max(0.0, self.deadline - time.perf_counter())

    def progress(self, fraction: float, message: str) -> None:
        if self.progress_fn is not None:
            self.progress_fn(min(1.0, max(0.0, fraction)), message)


def solve(
    instance: Instance | dict | str | Path,
    *,
    time_limit: float | None = 60.0,
    progress: ProgressFn | None = None,
    cancel: Callable[[], bool] | threading.Event | None = None,
    break_scope: str = "session",
    work_limit: float = 10.0,
    use_cpsat: bool | None = None,
    lns_limit: float | None = None,
    seed: int = 0,
) -> dict:
    """Schedule the meetings of ``instance`` and return a ``civitas-schedule-result/1`` dict.

    - ``time_limit``: wall-clock seconds (safety net, see module doc); ``None`` for none.
    - ``progress(fraction, message)`` is called at each phase and periodically.
    - ``cancel``: a ``threading.Event`` or a callable returning True to stop; the best
      feasible schedule found so far is returned.
    - ``break_scope``: ``"session"`` (contract) or ``"day"`` (B2BSP definition).
    - ``work_limit``: deterministic effort budget (CP-SAT deterministic seconds; local-search
      passes scale with it).
    - ``use_cpsat``: force the global CP-SAT placement model on/off (default: small
      instances only).
    - ``lns_limit``: deterministic budget of the CP-SAT neighbourhood search (default:
      ``work_limit`` on small instances, a quarter of it on large ones; 0 disables it).
    """
    ctl = _Control(time_limit, progress, cancel)
    inst = instance if isinstance(instance, Instance) else load_instance(instance)
    prob = Problem(inst, break_scope)
    st = State(prob)
    ctl.progress(0.0, f"{len(prob.order)} meetings to place, {len(prob.fixed)} fixed")

    construct(prob, st, ctl)
    ctl.progress(0.2, f"constructive: {_placed(st, prob)} placed")
    if not ctl.stop():
        repair(prob, st, ctl)
        ctl.progress(0.35, f"repair: {_placed(st, prob)} placed")
    passes = max(1, int(4 * work_limit))
    if not ctl.stop():
        local_search(prob, st, ctl, passes)
        ctl.progress(0.5, f"local search: {st.total_breaks()} breaks")
    n_vars = sum(len(prob.domain[m]) for m in prob.order)
    cp_used = False
    if use_cpsat is None:
        use_cpsat = 0 < n_vars <= CPSAT_MAX_VARS
    if use_cpsat and not ctl.stop():
        from .cpsat import improve_with_cpsat

        cp_used = improve_with_cpsat(prob, st, ctl, work_limit=work_limit, seed=seed)
        ctl.progress(0.5, f"CP-SAT placement: {_placed(st, prob)} placed")
    small = n_vars <= CPSAT_MAX_VARS
    if lns_limit is None:
        lns_limit = work_limit
    if lns_limit > 0 and not ctl.stop() and not ctl.breaks_optimal:
        from .lns import lns

        # on large instances the neighbourhood search only re-places unscheduled meetings
        if lns(prob, st, ctl, work_limit=lns_limit, seed=seed, breaks=small):
            cp_used = True
        ctl.progress(0.9, f"LNS: {_placed(st, prob)} placed, {st.total_breaks()} breaks")
    # final sweep: anything that now fits directly
    for m in prob.order:
        if st.slot_of[m] < 0:
            best = _best_slot(prob, st, m)
            if best is not None:
                st.place(m, best)
    reasons = {m: explain(prob, st, m) for m in prob.order if st.slot_of[m] < 0}
    ctl.progress(1.0, "done")
    return build_result(
        prob,
        st.slot_of,
        reasons,
        time.perf_counter() - ctl.t0,
        {
            "algorithm": "cpsat" if cp_used else "heuristic",
            "break_scope": break_scope,
            "fixed": len(prob.fixed),
            "time_limit_reached": ctl.time_limit_reached,
            "cancelled": ctl.cancelled,
        },
    )


def _placed(st: State, prob: Problem) -> int:
    return sum(1 for m in prob.order if st.slot_of[m] >= 0)


def _best_slot(prob: Problem, st: State, m: int, exclude: int = -1) -> int | None:
    best, best_key = None, None
    for s in prob.domain[m]:
        if s != exclude and st.can_place(m, s):
            key = st.place_cost(m, s)
            if best_key is None or key < best_key:
                best, best_key = s, key
    return best


def construct(prob: Problem, st: State, ctl: _Control) -> None:
    n = len(prob.order)
    for i, m in enumerate(prob.order):
        if i % 2000 == 0:
            if i and ctl.stop():
                return
            ctl.progress(0.2 * i / max(1, n), f"constructive: {i}/{n}")
        s = _best_slot(prob, st, m)
        if s is not None:
            st.place(m, s)


def _quota_blocked(prob: Problem, st: State, m: int) -> bool:
    for p in st.parts[m]:
        q = prob.quota[p]
        if q is not None and st.count[p] >= q:
            return True
    return False


def _try_eject_insert(prob: Problem, st: State, m: int, allow_drop: bool) -> bool:
    """Place m at some slot by moving the meetings in its way elsewhere.

    With ``allow_drop``, one later-ranked blocker may instead be left out (rank priority).
    """
    pos = prob.position
    for s in prob.domain[m]:
        blockers = {st.busy[p][s] for p in st.parts[m]} - {-1}
        if any(st.is_fixed[b] for b in blockers) or len(blockers) > 3:
            continue
        saved = {b: st.slot_of[b] for b in blockers}
        for b in sorted(blockers):
            st.remove(b)
        cap_candidates = [None]
        if not st.capacity_ok(m, s):
            loc = st.loc[m]
            if loc is not None and st.used_loc[loc][s] >= prob.cap_loc[loc][s]:
                pool = [x for x in st.at_slot[s] if st.loc[x] == loc]
            else:
                pool = list(st.at_slot[s])
            cap_candidates = sorted(pool, key=lambda x: (-pos[x], x))[:4]
        done = False
        for c in cap_candidates:
            moved = dict(saved)
            if c is not None:
                moved[c] = st.slot_of[c]
                st.remove(c)
            if not st.can_place(m, s):
                if c is not None:
                    st.place(c, moved.pop(c))
                continue
            st.place(m, s)
            placed_back = []
            ok = True
            for b in sorted(moved):
                t = _best_slot(prob, st, b, exclude=moved[b])
                if t is None:
                    ok = False
                    break
                st.place(b, t)
                placed_back.append(b)
            if ok:
                done = True
                break
            for b in placed_back:
                st.remove(b)
            st.remove(m)
            if c is not None:
                st.place(c, moved.pop(c))
        if done:
            return True
        for b in sorted(saved):
            st.place(b, saved[b])
        if allow_drop and len(blockers) == 1:
            (b,) = blockers
            if pos[b] > pos[m]:
                st.remove(b)
                if st.can_place(m, s):
                    st.place(m, s)
                    return True
                st.place(b, saved[b])
    return False


def repair(prob: Problem, st: State, ctl: _Control) -> None:
    for rnd in range(3):
        changed = False
        for m in prob.order:
            if st.slot_of[m] >= 0 or not prob.domain[m] or _quota_blocked(prob, st, m):
                continue
            if ctl.stop():
                return
            s = _best_slot(prob, st, m)
            if s is not None:
                st.place(m, s)
                changed = True
            elif _try_eject_insert(prob, st, m, allow_drop=rnd > 0):
                changed = True
        if not changed:
            return


def local_search(prob: Problem, st: State, ctl: _Control, passes: int) -> None:
    movable = [m for m in prob.order if st.slot_of[m] >= 0]
    n = len(movable)
    for rnd in range(passes):
        improved = 0
        for i, m in enumerate(movable):
            if i % 500 == 0 and ctl.stop():
                return
            s0 = st.slot_of[m]
            if s0 < 0:
                continue
            parts = st.parts[m]
            if not any(st.participant_breaks(p) for p in parts):
                continue  # none of its participants has a break
            st.remove(m)
            base = sum(st.add_delta(p, s0) for p in parts)
            best, best_key = s0, (0, 0)
            for s in prob.domain[m]:
                if s == s0 or not st.can_place(m, s):
                    continue
                d, adj = st.place_cost(m, s)
                key = (d - base, adj)
                if key < best_key and d - base < 0:
                    best, best_key = s, key
            st.place(m, best)
            if best != s0:
                improved += 1
        improved += _swap_pass(prob, st, ctl)
        ctl.progress(0.35 + 0.15 * (rnd + 1) / passes, f"local search pass {rnd + 1}: {n}")
        if not improved:
            return


def _swap_pass(prob: Problem, st: State, ctl: _Control) -> int:
    """Swap the slots of two meetings of a participant with breaks, when it removes breaks."""
    improved = 0
    for p in range(prob.P):
        if p % 1000 == 0 and ctl.stop():
            return improved
        if st.participant_breaks(p) == 0:
            continue
        mine = [m for m in prob.meetings_of[p] if st.slot_of[m] >= 0 and not st.is_fixed[m]]
        for i in range(len(mine)):
            for j in range(i + 1, len(mine)):
                m1, m2 = mine[i], mine[j]
                s1, s2 = st.slot_of[m1], st.slot_of[m2]
                if s1 == s2 or s2 not in prob.domain[m1] or s1 not in prob.domain[m2]:
                    continue
                people = sorted(set(st.parts[m1]) | set(st.parts[m2]))
                before = sum(st.participant_breaks(q) for q in people)
                st.remove(m1)
                st.remove(m2)
                if st.can_place(m1, s2):
                    st.place(m1, s2)
                    if st.can_place(m2, s1):
                        st.place(m2, s1)
                        after = sum(st.participant_breaks(q) for q in people)
                        if after < before:
                            improved += 1
                            continue
                        st.remove(m2)
                    st.remove(m1)
                st.place(m1, s1)
                st.place(m2, s2)
    return improved
