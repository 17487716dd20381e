"""Realistic synthetic events (see ``civitas-schedule generate --help``).

Participants attend some half-days, a few popular companies receive many requests, workshops
block slots, tables are limited (some owned by exhibitors), experts have quotas. The accepted
meetings are drawn together with a hidden ("planted") placement, so that without
``overload`` every meeting can be placed; ``overload`` adds requests beyond that.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from .model import INSTANCE_FORMAT


def generate(
    participants: int = 1500,
    meetings: int = 3000,
    days: int = 2,
    slots_per_session: int = 9,
    tables: int | None = None,
    locations: int = 1,
    overload: float = 0.0,
    owners: float = 0.02,
    experts: float = 0.02,
    workshops: float = 0.15,
    seed: int = 0,
) -> dict:
    rng = random.Random(seed)
    base = datetime(2027, 3, 10)
    slots, sessions = [], []
    for d in range(days):
        for half, hour in (("am", 9), ("pm", 14)):
            sess = f"d{d + 1}-{half}"
            ids = []
            for k in range(slots_per_session):
                start = base + timedelta(days=d, hours=hour, minutes=20 * k)
                sid = f"{sess}-{k + 1:02d}"
                slots.append(
                    {
                        "id": sid,
                        "start": start.isoformat(),
                        "end": (start + timedelta(minutes=20)).isoformat(),
                        "session": sess,
                    }
                )
                ids.append(len(slots) - 1)
            sessions.append((sess, ids))
    n_slots = len(slots)
    n_owners = int(participants * owners)
    if tables is None:
        tables = math.ceil(meetings / n_slots * 1.3) + n_owners
    tables = max(tables, n_owners + 1)
    per_loc = [tables // locations + (1 if i < tables % locations else 0) for i in range(locations)]
    locs = [
        {"id": f"hall-{chr(97 + i)}" if i < 26 else f"hall-{i}", "tables": per_loc[i]}
        for i in range(locations)
    ]
    bookable = tables - n_owners
    # who attends which half-days
    attend: list[list[int]] = []
    for _ in range(participants):
        k = min(len(sessions), max(1, int(rng.triangular(1, len(sessions) + 1, len(sessions)))))
        attend.append(sorted(rng.sample(range(len(sessions)), k)))
    # popularity (Zipf-like) for the requested side
    weights = [1.0 / (i + 1) ** 0.7 for i in range(participants)]
    order = list(range(participants))
    rng.shuffle(order)
    cum, acc = [], 0.0
    for i in range(participants):
        acc += (
            weights[order.index(i)] if participants <= 2000 else weights[(i * 7919) % participants]
        )
        cum.append(acc)
    owner_ids = set(rng.sample(range(participants), n_owners))
    busy: set[tuple[int, int]] = set()
    used = [0] * n_slots
    planted: list[tuple[int, int, int]] = []
    attempts = 0
    while len(planted) < meetings and attempts < meetings * 50:
        attempts += 1
        a = rng.choices(range(participants), cum_weights=cum)[0]
        b = rng.randrange(participants)
        if a == b:
            continue
        common = sorted(set(attend[a]) & set(attend[b]))
        cands = [
            s
            for si in common
            for s in sessions[si][1]
            if (a, s) not in busy
            and (b, s) not in busy
            and (a in owner_ids or b in owner_ids or used[s] < bookable)
        ]
        if not cands:
            continue
        s = rng.choice(cands)
        busy.add((a, s))
        busy.add((b, s))
        if not (a in owner_ids or b in owner_ids):
            used[s] += 1
        planted.append((a, b, s))
    extra = []
    for _ in range(int(meetings * overload)):
        a = rng.choices(range(participants), cum_weights=cum)[0]
        b = rng.randrange(participants)
        if a != b:
            extra.append((a, b, -1))
    count = [0] * participants
    for a, b, _s in planted:
        count[a] += 1
        count[b] += 1
    expert_ids = set(rng.sample(range(participants), int(participants * experts)))
    parts = []
    owner_tables = {}
    free_table = [per_loc[i] for i in range(locations)]
    for p in sorted(owner_ids):
        li = max(range(locations), key=lambda i: free_table[i])
        owner_tables[p] = {"location": locs[li]["id"], "table": free_table[li]}
        free_table[li] -= 1
    for p in range(participants):
        unavailable = [
            slots[s]["id"]
            for si in range(len(sessions))
            if si not in attend[p]
            for s in sessions[si][1]
        ]
        if rng.random() < workshops:  # a workshop: 2-3 consecutive free slots
            si = rng.choice(attend[p])
            ids = sessions[si][1]
            k = rng.randint(2, 3)
            start = rng.randrange(0, len(ids) - k + 1)
            block = ids[start : start + k]
            if not any((p, s) in busy for s in block):
                unavailable += [slots[s]["id"] for s in block]
        parts.append(
            {
                "id": f"p{p + 1}",
                "unavailable": sorted(unavailable),
                "max_meetings": count[p] if p in expert_ids else None,
                "table": owner_tables.get(p),
            }
        )
    all_meetings = planted + extra
    ranks = list(range(1, len(all_meetings) + 1))
    rng.shuffle(ranks)
    out = []
    for i, (a, b, s) in enumerate(all_meetings):
        sess = None
        if s >= 0 and rng.random() < 0.05:
            sess = [slots[s]["session"]]
        out.append(
            {
                "id": f"m{i + 1}",
                "participants": [f"p{a + 1}", f"p{b + 1}"],
                "rank": ranks[i],
                "sessions": sess,
                "location": None,
                "fixed": None,
            }
        )
    return {
        "format": INSTANCE_FORMAT,
        "slots": slots,
        "locations": locs,
        "participants": parts,
        "meetings": out,
    }
