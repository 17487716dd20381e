"""Benchmark of civitas.scheduling: solver vs first-come-first-served greedy, side by side.

Usage (from the repository root):

    .venv/bin/python bench/scheduling.py            # everything (a few minutes)
    .venv/bin/python bench/scheduling.py --quick    # 4 B2BSP instances, 3,000 meetings, incremental

Each solve runs in its own subprocess; "peak MiB" is that process's ru_maxrss (whole Python
process: interpreter, OR-Tools, instance and solver). B2BSP breaks follow the README of
shared/benchmarks/b2bsp (idle runs over the whole day, forbidden slots idle): the solver runs
with break_scope="day" there.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
B2BSP = ROOT.parent / "shared" / "benchmarks" / "b2bsp"
REFERENCE = {  # instance: (breaks, seconds) from shared/benchmarks/b2bsp/README.md
    "forum-13": (0, 4.24),
    "forum-13crafb": (6, 11.24),
    "forum-13crafc": (1, 60.53),
    "forum-14": (2, 13.15),
    "forumt-14": (5, 1.51),
    "forumt-14crafc": (5, 1.33),
    "forumt-14crafd": (4, 1.32),
    "forumt-14crafe": (5, 1.30),
    "tic-12": (0, 0.13),
    "tic-12crafc": (0, 0.12),
    "tic-13": (0, 0.89),
    "tic-13crafb": (0, 0.72),
    "tic-13crafc": (4, 1.88),
    "tic-14crafa": (0, 1.46),
    "tic-14crafc": (0, 1.45),
    "tic-14crafd": (0, 1.11),
    "ticf-13crafa": (0, 12.29),
    "ticf-13crafb": (3, 17.30),
    "ticf-13crafc": (1, 91.65),
    "ticf-14crafa": (0, 11.38),
}
QUICK = ["forum-13", "forumt-14", "tic-13crafc", "ticf-14crafa"]
SMALL = {"participants": 1500, "meetings": 3000, "days": 2, "seed": 0}
LARGE = {"participants": 15000, "meetings": 30000, "days": 2, "locations": 4, "seed": 0}


def _instance(case: dict) -> dict:
    from civitas.scheduling.dzn import load_dzn
    from civitas.scheduling.generate import generate

    if case["kind"] == "dzn":
        return load_dzn(B2BSP / f"{case['name']}.original.dzn")
    return generate(**case["params"])


def _late_participant(data: dict, n: int = 10, seed: int = 0) -> dict:
    """One late participant with n accepted requests to participants of the event."""
    rng = random.Random(seed)
    data["participants"].append(
        {"id": "late", "unavailable": [], "max_meetings": None, "table": None}
    )
    others = rng.sample([p["id"] for p in data["participants"][:-1]], n)
    top = max(m["rank"] for m in data["meetings"])
    for i, other in enumerate(others):
        data["meetings"].append(
            {
                "id": f"late-{i + 1}",
                "participants": ["late", other],
                "rank": top + i + 1,
                "sessions": None,
                "location": None,
                "fixed": None,
            }
        )
    return data


def worker(case: dict) -> dict:
    """Run one solve in this process and report its figures."""
    from civitas.scheduling import (
        greedy_solve,
        load_instance,
        lock_assignments,
        solve,
        validate_result,
    )

    data = _instance(case)
    scope = case.get("break_scope", "session")
    extra = {}
    if case.get("incremental"):
        first = solve(load_instance(data), time_limit=case["time_limit"], break_scope=scope)
        data = _late_participant(lock_assignments(data, first))
        extra["fixed"] = len(first["assignments"])
    t0 = time.perf_counter()
    inst = load_instance(data)
    if case["algo"] == "greedy":
        result = greedy_solve(inst, break_scope=scope)
    else:
        result = solve(inst, time_limit=case["time_limit"], break_scope=scope)
    seconds = time.perf_counter() - t0  # includes loading/validating the instance
    report = validate_result(inst, result)
    if case.get("incremental"):
        late = [a for a in result["assignments"] if a["meeting"].startswith("late-")]
        extra["late_placed"] = len(late)
    return {
        "scheduled": report.stats["scheduled"],
        "meetings": len(inst.meetings),
        "breaks": report.stats["breaks_day" if scope == "day" else "breaks"],
        "max_breaks": report.stats[
            "max_breaks_day_per_participant" if scope == "day" else "max_breaks_per_participant"
        ],
        "seconds": round(seconds, 2),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "violations": len(report.violations),
        **extra,
    }


def run(case: dict) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(case)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fmt(r: dict) -> str:
    if "error" in r:
        return f"ERROR {r['error']}"
    ok = "" if r["violations"] == 0 else f" INVALID({r['violations']})"
    return (
        f"{r['scheduled']:>6}/{r['meetings']:<6} {r['breaks']:>5} {r['seconds']:>7.2f} "
        f"{r['peak_mib']:>5}{ok}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-b2bsp", action="store_true", help="synthetic cases only")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--time-limit", type=float, default=10.0, help="solver, B2BSP")
    parser.add_argument("--only", help="comma-separated B2BSP instances, no synthetic cases")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return

    names = [] if args.no_b2bsp else QUICK if args.quick else list(REFERENCE)
    if args.only:
        names = args.only.split(",")
    cases = [
        ({"kind": "dzn", "name": n, "break_scope": "day", "time_limit": args.time_limit}, n)
        for n in names
    ]
    if not args.only:
        cases.append(
            ({"kind": "gen", "params": SMALL, "time_limit": 60}, "synthetic 1,500 p / 3,000 m")
        )
    if not args.quick and not args.only:
        cases.append(
            ({"kind": "gen", "params": LARGE, "time_limit": 120}, "synthetic 15,000 p / 30,000 m")
        )
    head = (
        f"{'instance':<30} | {'solver: placed':>13} {'breaks':>5} {'s':>7} {'MiB':>5} | "
        f"{'greedy: placed':>13} {'breaks':>5} {'s':>7} {'MiB':>5} | ref breaks  ref s"
    )
    print(head)
    print("-" * len(head))
    for case, label in cases:
        solver = run({**case, "algo": "solver"})
        greedy = run({**case, "algo": "greedy"})
        ref = REFERENCE.get(case.get("name"), ("", ""))
        print(
            f"{label:<30} | {fmt(solver)} | {fmt(greedy)} | {ref[0]!s:>10} {ref[1]!s:>6}",
            flush=True,
        )
    if args.only:
        return
    inc = run(
        {"kind": "gen", "params": SMALL, "time_limit": 60, "incremental": True, "algo": "solver"}
    )
    if "error" in inc:
        print(f"incremental: ERROR {inc['error']}")
    else:
        print(
            f"incremental: late participant, 10 requests, {inc['fixed']} fixed meetings: "
            f"{inc['late_placed']}/10 placed, {inc['seconds']:.2f} s (load + validate + solve), "
            f"{inc['peak_mib']} MiB, violations (incl. moved fixed meetings): {inc['violations']}"
        )


if __name__ == "__main__":
    main()
