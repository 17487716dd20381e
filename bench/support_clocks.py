"""Benchmark: the pure part of recomputing the queue key of many tickets (what
`sla.refresh_all` does per ticket after a calendar or SLA table change), without a database.

    .venv/bin/python bench/support_clocks.py [--tickets 20000]

Builds tickets like bench/support_queue.py (opened over a year, ten state changes each, some
frozen), on the 004 calendar and the 004 §4.3 table, then prints the CPU time of
`clocks.effective_level` + `clocks.next_due` for all of them (process time: the figure does
not depend on what else runs on the machine).
"""

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from civitas.core.calendar import BusinessCalendar  # noqa: E402
from civitas.support.services import clocks  # noqa: E402

BASELINE_US = 170  # per ticket before the day table and the single add (same machine)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=20_000)
    args = parser.parse_args()
    rng = random.Random(28)
    calendar = BusinessCalendar(
        hours={d: [("09:00", "12:00"), ("14:00", "18:00")] for d in range(5)}, region="FR"
    )
    T = clocks.Target
    targets = {
        0: {"take_charge": T(4), "workaround": T(8), "fix": T(3, "days")},
        1: {"take_charge": T(8), "workaround": T(24), "fix": T(5, "days")},
        2: {"take_charge": T(12), "fix": T(15, "days")},
        3: {"take_charge": T(36), "fix": T(30, "days")},
    }
    now = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
    tickets = []
    for _n in range(args.tickets):
        opened = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
        history = [clocks.Entry(opened)]
        at = opened
        for _k in range(9):
            at += timedelta(minutes=rng.randint(5, 60 * 24 * 3))
            r = rng.random()
            history.append(clocks.Entry(at, frozen=r < 0.3, taken=r > 0.2))
        tickets.append((rng.randint(0, 3), opened, history))
    t0 = time.process_time()
    for level, opened, history in tickets:
        level = clocks.effective_level(calendar, level, opened, now, 0)
        clocks.next_due(calendar, opened, targets[level], history)
    spent = time.process_time() - t0
    per = spent / args.tickets * 1e6
    print(
        f"{args.tickets} tickets: {spent:.2f} s CPU, {per:.0f} µs a ticket "
        f"(baseline {BASELINE_US} µs); for the 77,761 open tickets of "
        f"bench/support_queue.py: {per * 77_761 / 1e6:.1f} s"
    )


if __name__ == "__main__":
    main()
