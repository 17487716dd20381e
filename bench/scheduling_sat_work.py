"""Deterministic work of the SAT break descent on B2BSP instances: conflicts and propagations.

Wall-clock seconds move by +-30 % from one run to the next on a shared machine; the conflicts
and propagations of a solve do not (same input, options and seed: same search). This is the
measure that compares two settings of the SAT solver. Usage (from the repository root):

    .venv/bin/python bench/scheduling_sat_work.py                       # 20 instances, "sat"
    .venv/bin/python bench/scheduling_sat_work.py --cadical default     # CaDiCaL's defaults
    .venv/bin/python bench/scheduling_sat_work.py --only forum-13crafc --seed 2
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
B2BSP = ROOT.parent / "shared" / "benchmarks" / "b2bsp"


def _one(name: str, cadical: str, seed: int) -> str:
    from civitas.scheduling import satbreaks, solve
    from civitas.scheduling.dzn import load_dzn

    if cadical == "default":
        satbreaks.CADICAL_OPTIONS = {}
    total = {"conflicts": 0, "propagations": 0}
    close = satbreaks._Search.close

    def counting_close(search):
        if search.solver is not None:
            stats = search.solver.accum_stats() or {}
            for key in total:
                total[key] += stats.get(key, 0)
        close(search)

    satbreaks._Search.close = counting_close
    data = load_dzn(B2BSP / f"{name}.original.dzn")
    t0 = time.perf_counter()
    result = solve(data, time_limit=120, break_scope="day", seed=seed)
    seconds = time.perf_counter() - t0
    cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    return (
        f"{name:16} {cadical:8} seed {seed}  breaks {result['stats']['breaks']:3}  "
        f"conflicts {total['conflicts']:8}  propagations {total['propagations'] / 1e6:7.1f} M  "
        f"{seconds:6.1f} s  cpu {cpu:6.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cadical", choices=["sat", "default"], default="sat")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", help="comma-separated B2BSP instances")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(_one(args.worker, args.cadical, args.seed), flush=True)
        return
    names = (
        args.only.split(",")
        if args.only
        else sorted(p.name.removesuffix(".original.dzn") for p in B2BSP.glob("*.original.dzn"))
    )
    for name in names:  # one fresh process per instance, one after the other
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                name,
                "--cadical",
                args.cadical,
                "--seed",
                str(args.seed),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
