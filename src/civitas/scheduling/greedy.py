"""First-come-first-served baseline: each request, by rank, at the first slot that is free.

This is what most tools do; it is kept only for side-by-side comparison with the solver.
"""

from __future__ import annotations

import time
from pathlib import Path

from .core import Problem, State, build_result
from .explain import explain
from .model import Instance, load_instance


def greedy_solve(instance: Instance | dict | str | Path, *, break_scope: str = "session") -> dict:
    t0 = time.perf_counter()
    inst = instance if isinstance(instance, Instance) else load_instance(instance)
    prob = Problem(inst, break_scope)
    st = State(prob)
    for m in prob.order:
        for s in prob.domain[m]:
            if st.can_place(m, s):
                st.place(m, s)
                break
    reasons = {m: explain(prob, st, m) for m in prob.order if st.slot_of[m] < 0}
    return build_result(
        prob,
        st.slot_of,
        reasons,
        time.perf_counter() - t0,
        {"algorithm": "greedy", "break_scope": break_scope},
    )
