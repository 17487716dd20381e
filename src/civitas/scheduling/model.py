"""Instance model: load and validate the ``civitas-schedule/1`` JSON contract.

Everything is indexed by position (slots, locations, participants, meetings) so that the
solvers work on small integers; ids are kept for messages and results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

INSTANCE_FORMAT = "civitas-schedule/1"
RESULT_FORMAT = "civitas-schedule-result/1"

_TOP_KEYS = {"format", "slots", "locations", "participants", "meetings"}
_SLOT_KEYS = {"id", "start", "end", "session"}
_LOCATION_KEYS = {"id", "tables"}
_PARTICIPANT_KEYS = {"id", "unavailable", "max_meetings", "table"}
_PARTICIPANT_REQUIRED = {"id"}
_TABLE_KEYS = {"location", "table"}
_MEETING_KEYS = {"id", "participants", "rank", "sessions", "location", "fixed"}
_MEETING_REQUIRED = {"id", "participants", "rank"}
_FIXED_KEYS = {"slot", "location", "table"}


class ValidationError(ValueError):
    """Malformed instance; ``errors`` lists every problem found, one precise message each."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("invalid instance:\n" + "\n".join(f"- {e}" for e in self.errors))


@dataclass(frozen=True, slots=True)
class Slot:
    id: str
    index: int
    start: str
    end: str
    session: str
    session_index: int
    day_index: int


@dataclass(frozen=True, slots=True)
class Location:
    id: str
    index: int
    tables: int


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    index: int
    unavailable: frozenset[int]
    max_meetings: int | None
    table: tuple[int, int] | None  # (location index, table number 1..tables)


@dataclass(frozen=True, slots=True)
class Meeting:
    id: str
    index: int
    participants: tuple[int, ...]
    rank: int
    sessions: frozenset[int] | None  # allowed session indexes
    location: int | None
    fixed: tuple[int, int, int] | None  # (slot index, location index, table number)


@dataclass(slots=True)
class Instance:
    slots: list[Slot]
    locations: list[Location]
    participants: list[Participant]
    meetings: list[Meeting]
    sessions: list[str]
    days: list[str]
    slot_index: dict[str, int] = field(default_factory=dict)
    location_index: dict[str, int] = field(default_factory=dict)
    participant_index: dict[str, int] = field(default_factory=dict)
    meeting_index: dict[str, int] = field(default_factory=dict)

    def describe_sessions(self, sessions: frozenset[int] | None) -> str:
        if sessions is None:
            return "any session"
        return ", ".join(self.sessions[i] for i in sorted(sessions))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _label(kind: str, i: int, obj: Any) -> str:
    if isinstance(obj, dict) and isinstance(obj.get("id"), str):
        return f'{kind}[{i}] (id "{obj["id"]}")'
    return f"{kind}[{i}]"


def _check_keys(errors: list[str], where: str, obj: Any, allowed: set, required: set) -> bool:
    if not isinstance(obj, dict):
        errors.append(f"{where}: expected an object, got {type(obj).__name__}")
        return False
    for key in sorted(set(obj) - allowed):
        errors.append(f'{where}: unknown key "{key}" (allowed: {", ".join(sorted(allowed))})')
    for key in sorted(required - set(obj)):
        errors.append(f'{where}: missing key "{key}"')
    return True


def read_json(source: str | Path | dict) -> Any:
    if isinstance(source, dict):
        return source
    path = Path(source)
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise ValidationError([f"{path}: not valid JSON: {exc}"]) from exc


def load_instance(source: str | Path | dict) -> Instance:
    """Load and validate an instance (a dict, or a path to a JSON file).

    Raises :class:`ValidationError` listing every problem found.
    """
    data = read_json(source)
    errors: list[str] = []
    if not _check_keys(errors, "instance", data, _TOP_KEYS, _TOP_KEYS):
        raise ValidationError(errors)
    if data.get("format") != INSTANCE_FORMAT:
        errors.append(f'instance: "format" must be "{INSTANCE_FORMAT}", got {data.get("format")!r}')
    for key in ("slots", "locations", "participants", "meetings"):
        if key in data and not isinstance(data[key], list):
            errors.append(f'instance: "{key}" must be a list')
    if errors:
        raise ValidationError(errors)

    slots, sessions, days, slot_index = _load_slots(errors, data["slots"])
    locations, location_index = _load_locations(errors, data["locations"])
    participants, participant_index = _load_participants(
        errors, data["participants"], slot_index, locations, location_index
    )
    session_index = {s: i for i, s in enumerate(sessions)}
    meetings, meeting_index = _load_meetings(
        errors, data["meetings"], slot_index, session_index, location_index, participant_index
    )
    if errors:
        raise ValidationError(errors)
    inst = Instance(
        slots=slots,
        locations=locations,
        participants=participants,
        meetings=meetings,
        sessions=sessions,
        days=days,
        slot_index=slot_index,
        location_index=location_index,
        participant_index=participant_index,
        meeting_index=meeting_index,
    )
    _check_fixed(errors, inst)
    if errors:
        raise ValidationError(errors)
    return inst


def _load_slots(errors, raw):
    slots: list[Slot] = []
    sessions: list[str] = []
    days: list[str] = []
    index: dict[str, int] = {}
    prev_start: datetime | None = None
    closed_sessions: set[str] = set()
    for i, obj in enumerate(raw):
        where = _label("slots", i, obj)
        if not _check_keys(errors, where, obj, _SLOT_KEYS, _SLOT_KEYS):
            continue
        sid, session = obj.get("id"), obj.get("session")
        ok = True
        for key in ("id", "session", "start", "end"):
            if key in obj and not isinstance(obj[key], str):
                errors.append(f'{where}: "{key}" must be a string')
                ok = False
        if not ok or any(k not in obj for k in _SLOT_KEYS):
            continue
        if sid in index:
            errors.append(f'{where}: duplicate slot id "{sid}"')
            continue
        try:
            start = datetime.fromisoformat(obj["start"])
            end = datetime.fromisoformat(obj["end"])
        except ValueError as exc:
            errors.append(f"{where}: bad ISO 8601 date-time: {exc}")
            continue
        if end <= start:
            errors.append(f"{where}: end {obj['end']} is not after start {obj['start']}")
        if prev_start is not None and start < prev_start:
            errors.append(f"{where}: slots must be listed in time order (starts before previous)")
        prev_start = start
        if not sessions or sessions[-1] != session:
            if session in closed_sessions or session in sessions:
                errors.append(
                    f'{where}: session "{session}" is not contiguous '
                    "(its slots must be adjacent in the list)"
                )
            if sessions:
                closed_sessions.add(sessions[-1])
            sessions.append(session)
        day = start.date().isoformat()
        if not days or days[-1] != day:
            days.append(day)
        index[sid] = len(slots)
        slots.append(
            Slot(
                id=sid,
                index=len(slots),
                start=obj["start"],
                end=obj["end"],
                session=session,
                session_index=sessions.index(session),
                day_index=len(days) - 1,
            )
        )
    return slots, sessions, days, index


def _load_locations(errors, raw):
    locations: list[Location] = []
    index: dict[str, int] = {}
    for i, obj in enumerate(raw):
        where = _label("locations", i, obj)
        if not _check_keys(errors, where, obj, _LOCATION_KEYS, _LOCATION_KEYS):
            continue
        lid, tables = obj.get("id"), obj.get("tables")
        if not isinstance(lid, str):
            errors.append(f'{where}: "id" must be a string')
            continue
        if not _is_int(tables) or tables < 0:
            errors.append(f'{where}: "tables" must be a non-negative integer, got {tables!r}')
            continue
        if lid in index:
            errors.append(f'{where}: duplicate location id "{lid}"')
            continue
        index[lid] = len(locations)
        locations.append(Location(id=lid, index=len(locations), tables=tables))
    return locations, index


def _load_table_ref(errors, where, ref, locations, location_index):
    if not _check_keys(errors, where, ref, _TABLE_KEYS, _TABLE_KEYS):
        return None
    loc, table = ref.get("location"), ref.get("table")
    if loc not in location_index:
        errors.append(f"{where}: unknown location {loc!r}")
        return None
    li = location_index[loc]
    if not _is_int(table) or not 1 <= table <= locations[li].tables:
        errors.append(
            f"{where}: table {table!r} does not exist in location {loc!r} "
            f"(tables are numbered 1..{locations[li].tables})"
        )
        return None
    return li, table


def _new_id(errors, where, obj, index, kind) -> str | None:
    """The object's id if it is a string not seen before; else record why and return None."""
    oid = obj.get("id")
    if not isinstance(oid, str):
        errors.append(f'{where}: "id" must be a string')
        return None
    if oid in index:
        errors.append(f'{where}: duplicate {kind} id "{oid}"')
        return None
    return oid


def _load_participants(errors, raw, slot_index, locations, location_index):
    participants: list[Participant] = []
    index: dict[str, int] = {}
    owners: dict[tuple[int, int], str] = {}
    for i, obj in enumerate(raw):
        where = _label("participants", i, obj)
        if not _check_keys(errors, where, obj, _PARTICIPANT_KEYS, _PARTICIPANT_REQUIRED):
            continue
        pid = _new_id(errors, where, obj, index, "participant")
        if pid is None:
            continue
        unavailable: set[int] = set()
        raw_un = obj.get("unavailable") or []
        if not isinstance(raw_un, list):
            errors.append(f'{where}: "unavailable" must be a list of slot ids or null')
            raw_un = []
        for sid in raw_un:
            if sid not in slot_index:
                errors.append(f"{where}: unavailable slot {sid!r} is not a known slot")
            elif slot_index[sid] in unavailable:
                errors.append(f"{where}: unavailable slot {sid!r} listed twice")
            else:
                unavailable.add(slot_index[sid])
        quota = obj.get("max_meetings")
        if quota is not None and (not _is_int(quota) or quota < 0):
            errors.append(f'{where}: "max_meetings" must be null or a non-negative integer')
            quota = None
        table = None
        if obj.get("table") is not None:
            table = _load_table_ref(
                errors, f"{where} table", obj["table"], locations, location_index
            )
            if table is not None:
                if table in owners:
                    errors.append(
                        f"{where}: table {table[1]} of {locations[table[0]].id} is already "
                        f'owned by "{owners[table]}"'
                    )
                    table = None
                else:
                    owners[table] = pid
        index[pid] = len(participants)
        participants.append(
            Participant(
                id=pid,
                index=len(participants),
                unavailable=frozenset(unavailable),
                max_meetings=quota,
                table=table,
            )
        )
    return participants, index


def _load_meetings(errors, raw, slot_index, session_index, location_index, participant_index):
    meetings: list[Meeting] = []
    index: dict[str, int] = {}
    for i, obj in enumerate(raw):
        where = _label("meetings", i, obj)
        if not _check_keys(errors, where, obj, _MEETING_KEYS, _MEETING_REQUIRED):
            continue
        mid = _new_id(errors, where, obj, index, "meeting")
        if mid is None:
            continue
        ok = True
        parts: list[int] = []
        raw_parts = obj.get("participants")
        if not isinstance(raw_parts, list):
            errors.append(f'{where}: "participants" must be a list of participant ids')
            raw_parts, ok = [], False
        for pid in raw_parts:
            if pid not in participant_index:
                errors.append(f"{where}: participant {pid!r} is not a known participant")
                ok = False
            elif participant_index[pid] in parts:
                errors.append(f"{where}: participant {pid!r} listed twice")
                ok = False
            else:
                parts.append(participant_index[pid])
        if ok and len(parts) < 2:
            errors.append(f"{where}: a meeting needs at least two participants, got {len(parts)}")
            ok = False
        rank = obj.get("rank")
        if not _is_int(rank):
            errors.append(f'{where}: "rank" must be an integer, got {rank!r}')
            ok = False
        sessions = None
        if obj.get("sessions") is not None:
            raw_sessions = obj["sessions"]
            if not isinstance(raw_sessions, list) or not raw_sessions:
                errors.append(f'{where}: "sessions" must be null or a non-empty list')
                ok = False
            else:
                found = set()
                for sess in raw_sessions:
                    if sess not in session_index:
                        errors.append(f"{where}: session {sess!r} is not a known session")
                        ok = False
                    else:
                        found.add(session_index[sess])
                sessions = frozenset(found)
        location = None
        if obj.get("location") is not None:
            if obj["location"] not in location_index:
                errors.append(f"{where}: location {obj['location']!r} is not a known location")
                ok = False
            else:
                location = location_index[obj["location"]]
        fixed = None
        if obj.get("fixed") is not None:
            ref = obj["fixed"]
            if _check_keys(errors, f"{where} fixed", ref, _FIXED_KEYS, _FIXED_KEYS):
                if ref.get("slot") not in slot_index:
                    errors.append(f"{where} fixed: slot {ref.get('slot')!r} is not a known slot")
                    ok = False
                elif ref.get("location") not in location_index:
                    errors.append(
                        f"{where} fixed: location {ref.get('location')!r} is not a known location"
                    )
                    ok = False
                elif not _is_int(ref.get("table")):
                    errors.append(f"{where} fixed: table must be an integer")
                    ok = False
                else:
                    fixed = (
                        slot_index[ref["slot"]],
                        location_index[ref["location"]],
                        ref["table"],
                    )
            else:
                ok = False
        index[mid] = len(meetings)
        if not ok:
            meetings.append(Meeting(mid, len(meetings), (), 0, None, None, None))
            continue
        meetings.append(
            Meeting(
                id=mid,
                index=len(meetings),
                participants=tuple(parts),
                rank=rank,
                sessions=sessions,
                location=location,
                fixed=fixed,
            )
        )
    return meetings, index


def _check_fixed(errors: list[str], inst: Instance) -> None:
    """A fixed placement must respect every hard constraint."""
    owner_of = {p.table: p for p in inst.participants if p.table is not None}
    by_slot_participant: dict[tuple[int, int], Meeting] = {}
    by_table: dict[tuple[int, int, int], Meeting] = {}
    fixed_count: dict[int, int] = {}
    for m in inst.meetings:
        if m.fixed is None:
            continue
        s, loc, table = m.fixed
        slot = inst.slots[s]
        location = inst.locations[loc]
        where = f'meetings[{m.index}] (id "{m.id}") fixed at {slot.id}, {location.id} table {table}'
        if not 1 <= table <= location.tables:
            errors.append(f"{where}: table does not exist (1..{location.tables})")
        if m.sessions is not None and slot.session_index not in m.sessions:
            errors.append(
                f"{where}: session {slot.session} is not allowed "
                f"(allowed: {inst.describe_sessions(m.sessions)})"
            )
        if m.location is not None and m.location != loc:
            errors.append(f"{where}: the meeting is restricted to {inst.locations[m.location].id}")
        owned = [inst.participants[p] for p in m.participants if inst.participants[p].table]
        if owned and (loc, table) not in {p.table for p in owned}:
            tables = "; ".join(
                f"{p.id} owns {inst.locations[p.table[0]].id} table {p.table[1]}" for p in owned
            )
            errors.append(f"{where}: must be at a table of its owner ({tables})")
        owner = owner_of.get((loc, table))
        if owner is not None and owner.index not in m.participants:
            errors.append(f"{where}: the table is owned by {owner.id}, who is not in the meeting")
        for p in m.participants:
            part = inst.participants[p]
            if s in part.unavailable:
                errors.append(f"{where}: participant {part.id} is unavailable at {slot.id}")
            other = by_slot_participant.get((s, p))
            if other is not None:
                errors.append(
                    f"{where}: participant {part.id} is also in fixed meeting {other.id} "
                    "at the same slot"
                )
            by_slot_participant[(s, p)] = m
            fixed_count[p] = fixed_count.get(p, 0) + 1
        other = by_table.get((s, loc, table))
        if other is not None:
            errors.append(f"{where}: the table is already used by fixed meeting {other.id}")
        by_table[(s, loc, table)] = m
    for p, count in sorted(fixed_count.items()):
        part = inst.participants[p]
        if part.max_meetings is not None and count > part.max_meetings:
            errors.append(
                f"participant {part.id}: {count} fixed meetings exceed max_meetings "
                f"{part.max_meetings}"
            )
