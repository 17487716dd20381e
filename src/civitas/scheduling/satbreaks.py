"""Fewest breaks by incremental SAT (the approach of the B2BSP literature).

The set of scheduled meetings is kept; only their slots change. The model is a CNF:

- ``x[m, s]``: meeting m at slot s (exactly one per meeting, sequential-counter encoding);
- a participant attends at most one meeting per slot; tables: at most ``cap_total[s]``
  meetings per slot and ``cap_loc[l][s]`` per location (owned-table meetings are outside;
  totalizer encoding);
- ``y[p, s]``: p is busy at s (fixed meetings make it true), with the implied count
  ``sum_s y[p, s] = meetings of p``;
- ``z[p, s]``: p has a meeting at or before s in the break group of s;
- ``h[p, s]``: a break of p ends at s: ``y[p, s] and not y[p, s-1] and z[p, s-1] -> h[p, s]``;
- fairness (JAIR): nobody has more than 2 breaks — equivalent to ``max - min <= 2`` as soon as
  one participant has no break, which holds whenever the total is below the number of
  participants with two meetings or more (the only totals this search visits in practice);
- implied windows: ``nb[p]`` ("p has no break") and a first meeting at slot i force p busy
  at i .. i + n_p - 1 (participants whose meetings all lie in one break group);
- implied start links for those participants: ``f[p, i]`` (p's window starts at i); a meeting
  at i lies in the window, and two such participants who meet have intersecting windows;
- implied Hall intervals: the meetings of p that fall in a short interval of slots are at
  most the slots of that interval where p can meet;
- ``sum h <= k`` through an incremental totalizer, k given as an assumption.

The search asks two questions in turn with the same conflict budget: "at most lo breaks"
(a model is the optimum, a refutation raises the lower bound) and, from the top, "at most
``lo + (hi - lo) // 5``" (a model lowers the upper bound and leaves its phases to the next
question); when both go unanswered the budget doubles. Learned clauses carry over from one
call to the next, in one CaDiCaL instance. Every call runs with a *conflict* budget
(deterministic). CaDiCaL cannot be interrupted through PySAT, so the deadline and the
cancellation flag are honoured between calls (a call's budget is also capped by the measured
speed at the deadline); a single call lasts up to its budget (about 20 s seen for 320 k).
"""

from __future__ import annotations

import time

from pysat.card import CardEnc, EncType, ITotalizer
from pysat.formula import IDPool
from pysat.solvers import Solver

from .core import Problem, State

SOLVER = "cadical195"  # CaDiCaL 1.9.5; stronger than Glucose on the hard 21-22-slot instances
# CaDiCaL's "--sat" preset (stable-mode search only): the questions that cost time here are
# satisfiable ones, the lower bounds being refuted within a few thousand conflicts. On the
# 20 B2BSP instances: 518 M propagations in all instead of 806 M with the default options
CADICAL_OPTIONS = {"stabilizeonly": 1, "elimreleff": 10, "subsumereleff": 60}
PROBE_BUDGET = 1_000  # conflicts to refute each small total while looking for a lower bound
STEP_BUDGET = 40_000  # conflicts of the first try at one global question (then doubled)
MAX_STEP_BUDGET = 640_000
FAIR_MAX = 2  # breaks per participant (fairness of the JAIR paper)
IMPLIED_SLOT_BOUND = True
WINDOWS = True  # implied busy windows of the participants without a break, see _windows
SKEW = 5  # the question from the top: at most lo + (hi - lo) // SKEW breaks
START_FROM_TOP = True  # the first question after the probe: from the top (a good plan early)
# implied start links of the participants without a break (see _start_links): on 7 long
# instances x 6 seeds, 2,053 M propagations instead of 2,277 M; the heavy tail remains
START_LINKS = True
# implied Hall intervals per participant over 2 to HALL_MAX_LENGTH slots (see _hall_intervals):
# on 7 long instances x 6 seeds, 1,403 M propagations instead of 2,053 M; all lengths: 2,702 M
# (the formula grows faster than the search shrinks), 3 slots: 668 M and 5 slots: 753 M
# instead of 488 M at seeds 0-1 (docs/benchmarks-scheduling.md)
HALL_MAX_LENGTH = 4


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
        # "at most k" with a large k (tables per slot): the totalizer has fewer variables
        # than the sequential counter and CaDiCaL runs faster on it (forum-13crafc: 1 break
        # in 41 s instead of 65 s, same questions)
        wide = kind == "atmost" and bound > FAIR_MAX and len(lits) > bound + 4
        encoding = EncType.totalizer if wide else EncType.seqcounter
        enc = getattr(CardEnc, kind)(lits=lits, bound=bound, vpool=self.pool, encoding=encoding)
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
    wins: dict[int, tuple] = {}  # p -> (group, start literals by index, n, nb)
    for p in range(prob.P):
        ys_all = []
        mine_breaks = []
        busy_groups = []  # the slot rows of p in the groups where p can be busy
        for gid, g_slots in groups.items():
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
                busy_gid = gid
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
                nb = _windows(cnf, busy_groups[0], n, mine_breaks)
                if START_LINKS:
                    wins[p] = (busy_gid, _starts(cnf, busy_groups[0], p, true), n, nb)
    if START_LINKS:
        _start_links(cnf, prob, st, movable, x, wins, groups)
    if HALL_MAX_LENGTH >= 2:
        _hall_intervals(cnf, prob, st, movable, x, groups, fixed_busy)
    # implied: the participants busy at a slot are at most (meetings there) x (their size);
    # not valid when owned-table meetings sit outside the table count
    if IMPLIED_SLOT_BOUND and not any(st.owner[m] for m in movable):
        size = max((len(st.parts[m]) for m in movable), default=2)
        for s, ys in busy_at.items():
            cnf.card("atmost", ys, size * prob.cap_total[s])
    return cnf, x, breaks


def _windows(cnf: _Cnf, ys: list, n: int, mine_breaks: list[int]) -> int:
    """Implied: a participant without a break whose first meeting is at slot i is busy at
    i .. i + n - 1 (its meetings all lie in this group). With ``nb`` ("no break of p"), a first
    meeting fixes the whole busy window by unit propagation instead of through the counter.
    Returns ``nb``."""
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
    return nb


def _starts(cnf: _Cnf, ys: list, p: int, true: int) -> list:
    """``f[i] <-> y[i] and not y[i-1]``: a busy stretch of p starts at index i of its group
    (None where it cannot: p not free there, or busy with a fixed meeting just before)."""
    fs: list = []
    for i, y in enumerate(ys):
        prev = ys[i - 1] if i > 0 else None
        if y is None:
            fs.append(None)
            continue
        if prev == true:
            fs.append(None)
            continue
        f = cnf.var(("f", p, i))
        cnf.add([-f, y])
        if prev is not None:
            cnf.add([-f, -prev])
            cnf.add([-y, prev, f])
        else:
            cnf.add([-y, f])
        fs.append(f)
    return fs


def _start_links(cnf, prob, st, movable, x, wins, groups) -> None:
    """Implied, for the participants with a busy window (see ``_windows``), p having n
    meetings:

    - a meeting of p at index i, p without a break: p's window starts in i - n + 1 .. i;
    - two participants who meet, both without a break: their windows intersect (q's window
      starts in i - n_q + 1 .. i + n_p - 1 when p's starts at i).

    Measured together (7 long instances x 6 seeds): 2,053 M propagations instead of
    2,277 M; the first alone costs more (seeds 0-2: 1,796 M instead of 1,280 M), the second
    alone leaves ticf-13crafc seed 5 unsolved at 333 M (docs/benchmarks-scheduling.md)."""
    index = {}
    for gid, g_slots in groups.items():
        for i, s in enumerate(g_slots):
            index[s] = (gid, i)
    seen = set()
    for m in movable:
        parts = st.parts[m]
        for p in parts:
            if p not in wins:
                continue
            gid, fs, n, nb = wins[p]
            for s in prob.domain[m]:
                v = x.get((m, s))
                if v is None or index[s][0] != gid:
                    continue
                i = index[s][1]
                lits = [fs[j] for j in range(max(0, i - n + 1), i + 1) if fs[j] is not None]
                cnf.add([-v, -nb, *lits])
        if len(parts) != 2:
            continue
        p, q = parts
        pair = frozenset(parts)
        if p not in wins or q not in wins or wins[p][0] != wins[q][0] or pair in seen:
            continue
        seen.add(pair)
        for a, b in ((p, q), (q, p)):
            _, fa, na, nba = wins[a]
            _, fb, nb_, nbb = wins[b]
            for i, f in enumerate(fa):
                if f is None:
                    continue
                window = range(max(0, i - nb_ + 1), min(len(fb), i + na))
                lits = [fb[j] for j in window if fb[j] is not None]
                cnf.add([-f, -nba, -nbb, *lits])


def _hall_intervals(cnf, prob, st, movable, x, groups, fixed_busy) -> None:
    """Implied, for each participant p and each interval I of 2 to ``HALL_MAX_LENGTH``
    consecutive slots of a break group: the meetings of p placed in I are at most the slots of
    I where p can meet (the interval decomposition of "all different").

    ``in[m, I]`` is implied by "m at none of its slots outside I" (a meeting whose slots all
    lie in I counts as a constant); then "at most that many" over the ``in`` literals. Once
    the partners' windows confine as many meetings as I has slots, unit propagation pushes the
    other meetings of p out of I: the pigeonhole reasoning that resolution on "one meeting per
    slot" alone only reaches through many conflicts (forum-13crafc: 58 k conflicts instead of
    172 k)."""
    mine: dict[int, list[int]] = {}
    for m in movable:
        for p in st.parts[m]:
            mine.setdefault(p, []).append(m)
    slots_of = {m: [s for s in prob.domain[m] if (m, s) in x] for m in movable}
    for p, meetings in mine.items():
        if len(meetings) < 3:  # two meetings: "one per slot" already says it all
            continue
        for gid, g_slots in groups.items():
            can_meet = [
                (p, s) not in fixed_busy and any((m, s) in x for m in meetings) for s in g_slots
            ]
            for a in range(len(g_slots)):
                if not can_meet[a]:
                    continue
                room = 0  # slots of g_slots[a .. b] where p can meet
                for b in range(a, min(len(g_slots), a + HALL_MAX_LENGTH)):
                    room += can_meet[b]
                    if room < 2 or not can_meet[b]:
                        continue
                    inside = set(g_slots[a : b + 1])
                    lits, forced = [], 0
                    for m in meetings:
                        if not any(s in inside for s in slots_of[m]):
                            continue
                        outside = [x[m, s] for s in slots_of[m] if s not in inside]
                        if not outside:
                            forced += 1
                            continue
                        v = cnf.var(("in", m, p, a, b, gid))
                        cnf.add([v, *outside])
                        lits.append(v)
                    bound = room - forced
                    if len(lits) <= bound:
                        continue
                    if bound <= 0:  # bound < 0 cannot happen: the current plan fits
                        cnf.clauses.extend([-v] for v in lits)
                        continue
                    cnf.card("atmost", lits, bound)


class _WallShare:
    """The share of the remaining wall-clock time the SAT search may use. CaDiCaL cannot be
    interrupted through PySAT, so nothing watches the running call: the share is checked
    between calls, and each call's conflict budget is capped by the measured speed."""

    def __init__(self, ctl, wall_share):
        remaining = ctl.remaining()
        self.until = (
            time.perf_counter() + wall_share * remaining if remaining != float("inf") else None
        )
        self.used_up = False  # set when the cap leaves no conflict for the next call

    @property
    def expired(self) -> bool:  # the rest of the time goes to the neighbourhood search
        late = self.until is not None and time.perf_counter() >= self.until
        return self.used_up or late

    def conflicts_until_expiry(self, rate: float) -> float:
        """A conflict budget that ends near the wall-clock share: ``rate`` conflicts per
        second (0 = not measured yet: no cap). Only binds when the time limit is about to be
        reached anyway."""
        if self.until is None or rate <= 0:
            return float("inf")
        return int(rate * (self.until - time.perf_counter()))


def _conflicts(solver) -> int:
    return (solver.accum_stats() or {}).get("conflicts", 0)


def descend(
    prob: Problem, st: State, ctl, scheduled: set[int], *, conflicts: int, wall_share=0.9, seed=0
) -> bool:
    """Lower the total of breaks of ``st`` in place; True when ``st`` was replaced.

    ``conflicts`` is the total conflict budget (deterministic effort); ``wall_share`` the
    share of the remaining wall-clock time it may use (a safety net, like the time limit). Sets
    ``ctl.breaks_optimal`` when the final total is proven minimal for this fairness rule.

    1. probe: the small totals refuted within ``PROBE_BUDGET`` conflicts each give the first
       lower bound (a plan found at that bound is the optimum);
    2. "at most k breaks" questions, alternately from the bottom (k = lo) and from the top
       (k = lo + (hi - lo) // SKEW, first), each with a conflict budget doubling from
       ``STEP_BUDGET`` to ``MAX_STEP_BUDGET`` when both go unanswered.

    Deterministic: budgets are counted in conflicts (except when the wall-clock cap binds,
    see ``_WallShare``).
    """
    current = st.total_breaks()
    if current == 0:
        ctl.breaks_optimal = True
        return False
    fair: int | list[int] = FAIR_MAX
    if prob.fixed:  # fixed meetings may force more breaks on some participants
        fair = [max(FAIR_MAX, st.participant_breaks(p)) for p in range(prob.P)]
    search = _Search(prob, st, ctl, scheduled, conflicts=conflicts, seed=seed, fair=fair)
    if search.solver is None:
        return False
    lo, hi = 0, current
    changed = False
    try:
        search.watch = _WallShare(ctl, wall_share)
        while lo < hi:
            answer = search.ask(lo, PROBE_BUDGET)
            if answer is False:
                lo += 1
                continue
            if answer is True and search.take_model():  # the optimum, found at once
                hi = st.total_breaks()
                changed = True
            break
        # two questions in turn, with the same conflict budget: "at most lo breaks" (a
        # model is the optimum, a refutation raises lo) and, from the top, "at most
        # lo + (hi - lo) // SKEW" (a model lowers hi and leaves its phases to the next
        # question). When both go unanswered, the budget doubles.
        budget = STEP_BUDGET
        from_top = START_FROM_TOP
        while lo < hi and search.can_go_on():
            k = lo + (hi - lo) // SKEW if from_top else lo
            answer = search.ask(k, budget)
            ctl.progress(0.5, f"SAT at most {k} breaks: {answer} ({search.used} conflicts)")
            if answer is True:
                if not search.take_model():
                    break
                hi = st.total_breaks()
                changed = True
                from_top = False
            elif answer is False:
                lo = k + 1
                from_top = False
            elif not from_top:
                from_top = True
            elif budget >= MAX_STEP_BUDGET:
                break
            else:
                budget = min(2 * budget, MAX_STEP_BUDGET)
                from_top = False
    finally:
        search.close()
    if lo >= hi:  # lo only rises on refutations: the total is minimal
        ctl.breaks_optimal = True
    return changed


class _Search:
    """One incremental solver asked "at most k breaks".
    ``solver`` is None when there is nothing to ask (no break possible); ``close()`` frees it.
    """

    def __init__(self, prob, st, ctl, scheduled, *, conflicts, seed=0, fair=FAIR_MAX):
        self.prob, self.st, self.ctl = prob, st, ctl
        self.solver = self.tot = None
        built = build(prob, st, scheduled, fair)
        if built is not None and built[2]:
            cnf, self.x, breaks = built
            self.tot = ITotalizer(
                lits=breaks, ubound=min(st.total_breaks(), len(breaks)), top_id=cnf.pool.top
            )
            self.solver = Solver(name=SOLVER)
            # options before the clauses, as CaDiCaL requires; the seed only moves its
            # random choices (local-search rephasing), deterministic like the rest
            self.solver.configure({**CADICAL_OPTIONS, "seed": seed})
            self.solver.append_formula(cnf.clauses)
            self.solver.append_formula(self.tot.cnf.clauses)
            # no initial phases from the current plan: the local-search plan (40-70 breaks)
            # pulls the first question into a poor region (forum-13: 2.9 s without, 6.8 s with)
        self.left = self.total = conflicts
        self.rate = 0.0  # conflicts per second seen so far
        self.watch = None  # the _WallShare of the search, if any

    def close(self) -> None:
        if self.solver is not None:
            self.solver.delete()
            self.tot.delete()
            self.solver = None

    @property
    def used(self) -> int:
        return self.total - self.left

    def can_go_on(self) -> bool:
        expired = self.watch is not None and self.watch.expired
        return self.left > 0 and not self.ctl.stop() and not expired

    def ask(self, k: int, budget: int) -> bool | None:
        """SAT at most k breaks? None: no answer within ``budget`` conflicts (or the
        deadline)."""
        if not self.can_go_on():
            return None
        allowed = min(budget, self.left)
        if self.watch is not None:
            allowed = min(allowed, self.watch.conflicts_until_expiry(self.rate))
        if allowed <= 0:  # only the wall-clock cap can bring it to 0 here
            self.watch.used_up = True  # its wall-clock share is used up
            return None
        self.solver.conf_budget(allowed)
        before, t0 = _conflicts(self.solver), time.perf_counter()
        answer = self.solver.solve_limited(assumptions=[-self.tot.rhs[k]], expect_interrupt=True)
        spent = max(1, _conflicts(self.solver) - before)
        self.left -= spent
        if spent >= 1000:  # short calls say little about the speed
            self.rate = max(self.rate, spent / max(1e-3, time.perf_counter() - t0))
        return answer

    def take_model(self) -> bool:
        """Load the solver's model into the schedule; False (schedule kept) if not better."""
        st = self.st
        model = self.solver.get_model()
        old, new = list(st.slot_of), list(st.slot_of)
        before = st.total_breaks()
        for (m, s), v in self.x.items():
            if model[v - 1] > 0:
                new[m] = s
        st.load(new)
        if st.total_breaks() >= before:  # cannot happen with a sound model
            st.load(old)
            return False
        return True
