"""Import B2BSP MiniZinc data (``.dzn``) into the ``civitas-schedule/1`` JSON contract.

Slots 1..nMorningSlots form session ``am``, the rest session ``pm`` of the same day (20-minute
slots from 09:00 and from 15:00), one location ``hall`` with ``nTables`` tables, businesses
``b<i>``, meetings ``m<i>`` ranked in file order.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from .model import INSTANCE_FORMAT

_ASSIGN = re.compile(r"(\w+)\s*=\s*(.*?);", re.S)
_DAY = datetime(2027, 3, 10)


class DznError(ValueError):
    pass


def _ints(text: str) -> list[int]:
    return [int(x) for x in re.findall(r"-?\d+", text)]


def _sets(text: str) -> list[list[int]]:
    return [_ints(body) for body in re.findall(r"\{([^}]*)\}", text)]


def parse_dzn(text: str) -> dict[str, object]:
    text = re.sub(r"%[^\n]*", "", text)
    values: dict[str, object] = {}
    for name, raw in _ASSIGN.findall(text):
        raw = raw.strip()
        if raw.startswith("[|"):
            rows = [r for r in raw.strip("[]").split("|") if r.strip()]
            values[name] = [_ints(r) for r in rows]
        elif raw.startswith("[") and "{" in raw:
            values[name] = _sets(raw)
        elif raw.startswith("["):
            values[name] = _ints(raw)
        else:
            values[name] = int(raw)
    return values


def dzn_to_instance(text: str) -> dict:
    v = parse_dzn(text)
    try:
        n_business = v["nBusiness"]
        n_tables = v["nTables"]
        n_slots = v["nTotalSlots"]
        n_morning = v["nMorningSlots"]
        requested = v["requested"]
    except KeyError as exc:
        raise DznError(f"missing {exc.args[0]} in the .dzn data") from exc
    if v.get("nMeetings") is not None and v["nMeetings"] != len(requested):
        raise DznError(f"nMeetings is {v['nMeetings']} but requested has {len(requested)} rows")
    if any(v.get("precedences") or []):
        raise DznError("precedence constraints are not supported by the JSON contract")
    forbidden = v.get("forbidden") or [[] for _ in range(n_business)]
    fixed = v.get("fixed") or [0] * len(requested)

    def sid(t: int) -> str:
        return f"s{t:02d}"

    slots = []
    for t in range(1, n_slots + 1):
        if t <= n_morning:
            start = _DAY + timedelta(hours=9, minutes=20 * (t - 1))
        else:
            start = _DAY + timedelta(hours=15, minutes=20 * (t - n_morning - 1))
        slots.append(
            {
                "id": sid(t),
                "start": start.isoformat(),
                "end": (start + timedelta(minutes=20)).isoformat(),
                "session": "am" if t <= n_morning else "pm",
            }
        )
    participants = [
        {
            "id": f"b{i + 1}",
            "unavailable": sorted({sid(t) for t in forbidden[i] if 1 <= t <= n_slots}),
            "max_meetings": None,
            "table": None,
        }
        for i in range(n_business)
    ]
    has_pm = n_slots > n_morning
    meetings = []
    next_table: dict[int, int] = {}
    for i, row in enumerate(requested):
        if len(row) != 3:
            raise DznError(f"requested row {i + 1} should have 3 values, got {row}")
        a, b, when = row
        sessions = None
        if when == 1 and has_pm:
            sessions = ["am"]
        elif when == 2:
            sessions = ["pm"] if has_pm else ["am"]
        fix = None
        if i < len(fixed) and fixed[i]:
            t = fixed[i]
            next_table[t] = next_table.get(t, 0) + 1
            fix = {"slot": sid(t), "location": "hall", "table": next_table[t]}
        meetings.append(
            {
                "id": f"m{i + 1}",
                "participants": [f"b{a}", f"b{b}"],
                "rank": i + 1,
                "sessions": sessions,
                "location": None,
                "fixed": fix,
            }
        )
    return {
        "format": INSTANCE_FORMAT,
        "slots": slots,
        "locations": [{"id": "hall", "tables": n_tables}],
        "participants": participants,
        "meetings": meetings,
    }


def load_dzn(path: str | Path) -> dict:
    return dzn_to_instance(Path(path).read_text(encoding="utf-8"))
