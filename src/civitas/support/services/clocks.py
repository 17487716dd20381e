"""SLA clocks as pure functions over a ticket's state history (no Django import).

The history is the only source of truth: pauses are the intervals spent in frozen states,
each clock stops at the first entry that meets it, and every deadline is computed on read
from the opening instant, the current targets and the calendar. Changing the level, the
SLA table or the calendar therefore recomputes every deadline and loses no pause (the
trap of GLPI's issues 6902 and 15605, where paused time lives in counters).

Deadlines in business hours: the open time of the calendar after the opening, outside
pauses. Deadlines in business days: the open time between the opening and the same local
time N business days later, then added as above (so pauses delay them by the open time
they took, like hours).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from weakref import WeakKeyDictionary

from civitas.core.calendar import BusinessCalendar

TAKE_CHARGE, WORKAROUND, FIX = "take_charge", "workaround", "fix"
CLOCKS = (TAKE_CHARGE, WORKAROUND, FIX)
HOURS, DAYS = "hours", "days"


@dataclass(frozen=True)
class Entry:
    """One history row: the state entered at ``at`` and what it means for the clocks."""

    at: datetime
    frozen: bool = False
    taken: bool = False  # a provider state other than the initial one: taken in charge
    workaround: bool = False  # a workaround was delivered with this entry
    resolves: bool = False  # fix delivered (bug fixed in version, processed, closed...)


@dataclass(frozen=True)
class Target:
    amount: Decimal | int | float
    unit: str = HOURS


@dataclass(frozen=True)
class ClockStatus:
    clock: str
    target: Target
    due: datetime | None  # None: paused and not lapsed yet
    met_at: datetime | None
    paused_since: datetime | None  # set while an open-ended pause holds the clock
    remaining: timedelta | None  # open time left (negative when late), None once met
    late: bool


def pauses(history: Sequence[Entry]) -> list[tuple[datetime, datetime | None]]:
    """The intervals spent in frozen states, the last one open-ended when still frozen."""
    result: list[tuple[datetime, datetime | None]] = []
    start = None
    for entry in sorted(history, key=lambda e: e.at):
        if entry.frozen and start is None:
            start = entry.at
        elif not entry.frozen and start is not None:
            result.append((start, entry.at))
            start = None
    if start is not None:
        result.append((start, None))
    return result


def paused_time(
    calendar: BusinessCalendar, opened_at: datetime, history: Sequence[Entry], now: datetime
) -> timedelta:
    """Open time of the calendar spent paused between the opening and ``now``."""
    if now <= opened_at:
        return timedelta(0)
    return calendar.between(opened_at, now) - calendar.between(
        opened_at, now, pauses=pauses(history)
    )


def stops(history: Sequence[Entry]) -> dict[str, datetime | None]:
    """When each clock was met: the first entry that meets it (None: still running)."""
    met: dict[str, datetime | None] = dict.fromkeys(CLOCKS)
    for entry in sorted(history, key=lambda e: e.at):
        if met[TAKE_CHARGE] is None and (entry.taken or entry.workaround or entry.resolves):
            met[TAKE_CHARGE] = entry.at
        if met[WORKAROUND] is None and (entry.workaround or entry.resolves):
            met[WORKAROUND] = entry.at
        if met[FIX] is None and entry.resolves:
            met[FIX] = entry.at
    return met


class _DayTable:
    """What a days target needs of a calendar, per local day, computed once per calendar
    (the recompute of every open ticket asks the same days thousands of times)."""

    def __init__(self, calendar: BusinessCalendar):
        self.calendar = calendar
        self._intervals: dict[date, tuple] = {}
        self._after: dict[tuple[date, int], date] = {}
        self._full: dict[tuple[date, date], timedelta] = {}

    def intervals(self, day: date) -> tuple:
        found = self._intervals.get(day)
        if found is None:
            found = self._intervals[day] = tuple(self.calendar.open_intervals(day))
        return found

    def day_open(self, day: date) -> timedelta:
        return sum((b - a for a, b in self.intervals(day)), start=timedelta(0))

    def business_day_after(self, day: date, n: int) -> date:
        key = (day, n)
        found = self._after.get(key)
        if found is None:
            found = self._after[key] = self.calendar.add_business_days(day, n)
        return found

    def full_days(self, first: date, last: date) -> timedelta:
        """Open time of the days strictly between ``first`` and ``last``."""
        key = (first, last)
        found = self._full.get(key)
        if found is None:
            found = timedelta(0)
            day = first + _ONE_DAY
            while day < last:
                found += self.day_open(day)
                day += _ONE_DAY
            self._full[key] = found
        return found


_ONE_DAY = timedelta(days=1)
_day_tables: WeakKeyDictionary[BusinessCalendar, _DayTable] = WeakKeyDictionary()


def _day_table(calendar: BusinessCalendar) -> _DayTable:
    table = _day_tables.get(calendar)
    if table is None:
        table = _day_tables[calendar] = _DayTable(calendar)
    return table


def target_open_time(calendar: BusinessCalendar, opened_at: datetime, target: Target) -> timedelta:
    """The open time a target allows, counted from the opening.

    In business days: the open time between the opening and the same local time N business
    days later, counted as the rest of the opening day, the whole days between (cached per
    calendar) and the start of the last day.
    """
    amount = Decimal(str(target.amount))
    if target.unit == HOURS:
        return timedelta(seconds=int(amount * 3600))
    if target.unit != DAYS:
        raise ValueError(f"Unknown unit {target.unit!r}")
    whole = int(amount)
    table = _day_table(calendar)
    local = opened_at.astimezone(calendar.tz)
    first_day = local.date()
    end_day = table.business_day_after(first_day, whole)
    open_time = timedelta(0)
    if whole:
        end = datetime.combine(end_day, local.timetz().replace(tzinfo=None), tzinfo=calendar.tz)
        for a, b in table.intervals(first_day):  # the rest of the opening day
            if b > opened_at:
                open_time += b - max(a, opened_at)
        open_time += table.full_days(first_day, end_day)
        for a, b in table.intervals(end_day):  # the last day up to the same local time
            if a < end:
                open_time += min(b, end) - a
    fraction = amount - whole
    if fraction:  # part of a day: that share of the next business day's open time
        next_day = table.business_day_after(end_day, 1)
        day_open = table.day_open(next_day)
        open_time += timedelta(seconds=int(day_open.total_seconds() * float(fraction)))
    return open_time


def due(
    calendar: BusinessCalendar,
    opened_at: datetime,
    target: Target,
    history: Sequence[Entry] = (),
) -> datetime | None:
    """The deadline of one clock with every pause of the history; None while a pause that
    is still running holds the clock before it lapses."""
    return calendar.add(
        opened_at, target_open_time(calendar, opened_at, target), pauses=pauses(history)
    )


def effective_level(
    calendar: BusinessCalendar,
    level: int,
    opened_at: datetime,
    now: datetime,
    minor_to_major_days: int = 0,
) -> int:
    """A minor anomaly (level 3) counts as major (1) after ``minor_to_major_days`` business
    days when the table says so (003 §13.6.1)."""
    if level == 3 and minor_to_major_days:
        limit = calendar.add_business_days(opened_at, minor_to_major_days)
        if now.astimezone(calendar.tz).date() >= limit:
            return 1
    return level


def clock_status(
    calendar: BusinessCalendar,
    opened_at: datetime,
    clock: str,
    target: Target,
    history: Sequence[Entry],
    now: datetime,
) -> ClockStatus:
    met_at = stops(history)[clock]
    paused = pauses(history)
    deadline = due(calendar, opened_at, target, history)
    paused_since = None
    remaining = None
    if met_at is None:
        if paused and paused[-1][1] is None:
            paused_since = paused[-1][0]
        allowed = target_open_time(calendar, opened_at, target)
        spent = calendar.between(opened_at, max(now, opened_at), pauses=paused)
        remaining = allowed - spent
        late = deadline is not None and now > deadline
    else:
        late = deadline is not None and met_at > deadline
    return ClockStatus(clock, target, deadline, met_at, paused_since, remaining, late)


def clocks(
    calendar: BusinessCalendar,
    opened_at: datetime,
    targets: dict[str, Target],
    history: Sequence[Entry],
    now: datetime,
) -> list[ClockStatus]:
    """Every clock the targets define, in the order take charge, workaround, fix."""
    return [
        clock_status(calendar, opened_at, clock, targets[clock], history, now)
        for clock in CLOCKS
        if clock in targets
    ]


def next_deadline(statuses: Sequence[ClockStatus]) -> datetime | None:
    """The earliest deadline of the clocks still running (the queue's order)."""
    running = [s.due for s in statuses if s.met_at is None and s.due is not None]
    return min(running) if running else None


def next_due(
    calendar: BusinessCalendar,
    opened_at: datetime,
    targets: dict[str, Target],
    history: Sequence[Entry],
) -> datetime | None:
    """The same as ``next_deadline(clocks(...))`` without what only screens need (time
    left, pause reasons): the queue key of many tickets at once."""
    met = stops(history)
    running = [
        target_open_time(calendar, opened_at, targets[clock])
        for clock in CLOCKS
        if clock in targets and met[clock] is None
    ]
    if not running:
        return None
    # A deadline grows with the open time allowed, and a running pause that holds a clock
    # holds every longer one: the earliest deadline is the one of the shortest allowance.
    return calendar.add(opened_at, min(running), pauses=pauses(history))
