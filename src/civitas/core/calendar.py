"""Business calendar: opening hours, French public holidays, closures and pauses.

Pure Python (no Django import: an import-linter contract checks it), so that support SLAs,
child-protection deadlines, councils' legal delays and reminders can all use it, in services,
periodic jobs or scripts alike::

    cal = BusinessCalendar(
        hours={d: [("09:00", "12:00"), ("14:00", "18:00")] for d in range(5)},
        region="67",                                   # Bas-Rhin: Alsace-Moselle holidays
        closures=[(date(2027, 8, 9), date(2027, 8, 13))],
    )
    deadline = cal.add(received_at, timedelta(hours=8), pauses=waiting_for_customer)
    spent = cal.between(received_at, answered_at, pauses=waiting_for_customer)

Rules and choices (the tests pin each of them):

- ``hours`` maps a weekday (0 = Monday ... 6 = Sunday) to open segments in local wall-clock
  time, ``"HH:MM"`` strings or :class:`datetime.time`; ``"24:00"`` may end a segment. Segments
  of one day must not overlap or be inverted; touching segments are merged.
- Holidays come from the ``holidays`` package (public category): metropolitan France
  (``region="FR"`` or any metropolitan département code such as ``"75"``); Alsace-Moselle
  (``"57"``, ``"67"``, ``"68"``) adds Good Friday and 26 December; overseas départements
  (``"971"`` Guadeloupe, ``"972"`` Martinique, ``"973"`` Guyane, ``"974"`` La Réunion,
  ``"976"`` Mayotte) and the collectivités ``"975"``, ``"977"``, ``"978"`` add their own days
  (abolition of slavery...). The time zone defaults to the region's (Europe/Paris for
  metropolitan France, America/Guadeloupe for 971, ...).
- Pentecost Monday is a public holiday (Code du travail L3133-1) and the package lists it, so
  the calendar is closed that day. A body that works on it as its "journée de solidarité"
  says so with ``worked_holidays=["Pentecost Monday"]`` (names are the package's English
  names); any other holiday may be opened the same way.
- ``closures`` are extra closed days, inclusive ranges of dates.
- Durations are real elapsed time. Open segments are wall-clock times, turned into instants
  of the calendar's time zone each day: a 09:00-12:00 segment is 3 hours of real time on the
  days of the daylight-saving changes too (the shift happens at night in France), while a
  segment that contains the shift (e.g. 01:00-04:00 on the last Sunday of March) is one hour
  shorter (or longer in October). A boundary that does not exist that day (02:30 in March) is
  moved to the end of the gap (03:00); an ambiguous one (02:30 in October) is its first
  occurrence.
- ``pauses`` are ``(start, end)`` pairs of aware datetimes; they may overlap; ``end=None``
  means "still paused". Open time inside a pause does not count. While an open-ended pause
  runs, a duration never elapses: :meth:`BusinessCalendar.add` then returns ``None``.
- Results are aware datetimes in the calendar's time zone. Naive datetimes are refused.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = ["REGIONS", "BusinessCalendar", "full_days_between"]

# Region code -> (subdivision of holidays.France, default time zone).
_OVERSEAS = {
    "971": ("971", "America/Guadeloupe"),
    "972": ("972", "America/Martinique"),
    "973": ("973", "America/Cayenne"),
    "974": ("974", "Indian/Reunion"),
    "975": ("PM", "America/Miquelon"),
    "976": ("976", "Indian/Mayotte"),
    "977": ("BL", "America/St_Barthelemy"),
    "978": ("MF", "America/Marigot"),
}
_METROPOLITAN = {f"{n:02d}" for n in range(1, 96) if n != 20} | {"2A", "2B"}
REGIONS: dict[str, tuple[str | None, str]] = {
    "FR": (None, "Europe/Paris"),
    **dict.fromkeys(_METROPOLITAN, (None, "Europe/Paris")),
    "57": ("57", "Europe/Paris"),
    "67": ("6AE", "Europe/Paris"),
    "68": ("6AE", "Europe/Paris"),
    **_OVERSEAS,
}

_DAY = timedelta(days=1)
_ZERO = timedelta(0)
# Longest run of closed days searched before giving up (a closure of ten years).
_MAX_CLOSED_DAYS = 3660
_FOREVER = datetime.max.replace(tzinfo=UTC)
_CLOCK = re.compile(r"(\d{2}):(\d{2})", re.ASCII)

Segment = tuple[timedelta, timedelta]  # offsets from local midnight
Interval = tuple[datetime, datetime]  # UTC instants, start < end


def _aware(value: datetime, what: str) -> datetime:
    if not isinstance(value, datetime):
        raise ValueError(f"{what} must be a datetime, not {type(value).__name__}.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime (with a time zone): {value!r}.")
    return value.astimezone(UTC)


def _clock(value: str | time, what: str, *, end: bool) -> timedelta:
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise ValueError(f"{what}: opening times are local wall-clock times, without tzinfo.")
        return timedelta(
            hours=value.hour,
            minutes=value.minute,
            seconds=value.second,
            microseconds=value.microsecond,
        )
    if isinstance(value, str):
        match = _CLOCK.fullmatch(value.strip())
        if match:
            hour, minute = int(match[1]), int(match[2])
            if (hour < 24 and minute < 60) or (end and hour == 24 and minute == 0):
                return timedelta(hours=hour, minutes=minute)
    raise ValueError(
        f'{what}: {value!r} is not a time of day ("HH:MM", 00:00 to 23:59, 24:00 as an end).'
    )


def _parse_hours(hours: Mapping[int, Iterable[Sequence[str | time]]]) -> dict[int, list[Segment]]:
    if not isinstance(hours, Mapping):
        raise ValueError("hours must map a weekday (0 = Monday ... 6 = Sunday) to segments.")
    parsed: dict[int, list[Segment]] = {}
    for weekday, segments in hours.items():
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValueError(f"hours: {weekday!r} is not a weekday (0 = Monday ... 6 = Sunday).")
        day: list[Segment] = []
        what = f"hours[{weekday}]"
        for segment in _items(segments or (), what):
            raw_start, raw_end = _pair(segment, what, "start, end")
            start = _clock(raw_start, what, end=False)
            end = _clock(raw_end, what, end=True)
            if end <= start:
                raise ValueError(
                    f"{what}: segment {raw_start}-{raw_end} ends before it starts "
                    "(split a segment that crosses midnight in two days)."
                )
            day.append((start, end))
        day.sort()
        merged: list[Segment] = []
        for start, end in day:
            if merged and start < merged[-1][1]:
                raise ValueError(f"hours[{weekday}]: segments overlap ({_fmt(merged[-1])}).")
            if merged and start == merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        if merged:
            parsed[weekday] = merged
    if not parsed:
        raise ValueError("hours: the calendar has no open time at all.")
    return parsed


def _fmt(segment: Segment) -> str:
    def clock(offset: timedelta) -> str:
        minutes = int(offset.total_seconds()) // 60
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    return f"{clock(segment[0])}-{clock(segment[1])}"


def _pair(value: object, what: str, meaning: str) -> tuple:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence) or len(value) != 2:
        raise ValueError(f"{what}: {value!r} is not a ({meaning}) pair.")
    return tuple(value)


def _items(values: object, what: str) -> list:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValueError(f"{what} must be a list, not {values!r}.")
    return list(values)


def _parse_closures(closures: Iterable[Sequence[date]]) -> list[tuple[date, date]]:
    parsed = []
    for closure in _items(closures, "closures"):
        first, last = _pair(closure, "closures", "first day, last day")
        for value in (first, last):
            if isinstance(value, datetime) or not isinstance(value, date):
                raise ValueError(f"closures: {value!r} is not a date.")
        if last < first:
            raise ValueError(f"closures: {first} - {last} ends before it starts.")
        parsed.append((first, last))
    parsed.sort()
    return parsed


def _merge_pauses(
    pauses: Iterable[Sequence[datetime | None]],
) -> list[Interval]:
    """Pauses as sorted, disjoint UTC intervals; an open-ended pause ends at _FOREVER."""
    items: list[Interval] = []
    for pause in _items(pauses, "pauses"):
        raw_start, raw_end = _pair(pause, "pauses", "start, end")
        start = _aware(raw_start, "pause start")
        end = _FOREVER if raw_end is None else _aware(raw_end, "pause end")
        if end < start:
            raise ValueError(f"pauses: the pause {raw_start} - {raw_end} ends before it starts.")
        if end > start:
            items.append((start, end))
    items.sort()
    merged: list[Interval] = []
    for start, end in items:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _outside(start: datetime, end: datetime, pauses: list[Interval], starts: list[datetime]):
    """Yield the parts of [start, end) outside the (merged, sorted) pauses."""
    index = max(bisect_right(starts, start) - 1, 0)
    cursor = start
    while index < len(pauses) and cursor < end:
        pause_start, pause_end = pauses[index]
        if pause_end <= cursor:
            index += 1
            continue
        if pause_start >= end:
            break
        if pause_start > cursor:
            yield cursor, pause_start
        cursor = max(cursor, pause_end)
        index += 1
    if cursor < end:
        yield cursor, end


class BusinessCalendar:
    """Open hours of a body, its public holidays and closures (see the module docstring)."""

    def __init__(
        self,
        hours: Mapping[int, Iterable[Sequence[str | time]]],
        region: str = "FR",
        closures: Iterable[Sequence[date]] = (),
        tz: str | tzinfo | None = None,
        worked_holidays: Iterable[str] = (),
    ) -> None:
        self.hours = _parse_hours(hours)
        if not isinstance(region, str) or region.strip().upper() not in REGIONS:
            known = ", ".join(["FR", "57", "67", "68", *_OVERSEAS, "or a metropolitan département"])
            raise ValueError(f"Unknown region {region!r}: use {known}.")
        self.region = region.strip().upper()
        self._subdivision, default_tz = REGIONS[self.region]
        self.tz = self._zone(default_tz if tz is None else tz)
        self.closures = _parse_closures(closures)
        self._closure_starts = [first for first, _ in self.closures]
        self.worked_holidays = frozenset(_items(worked_holidays, "worked_holidays"))
        if self.worked_holidays:
            years = range(2000, date.today().year + 2)
            table = holidays.France(subdiv=self._subdivision, years=years, language="en_US")
            known = set(table.values())
            unknown = sorted(self.worked_holidays - known)
            if unknown:
                raise ValueError(
                    f"worked_holidays: {', '.join(unknown)} is not a holiday of region "
                    f"{self.region} (known: {', '.join(sorted(known))})."
                )
        self._holiday_years: dict[int, dict[date, str]] = {}
        self._day_intervals = lru_cache(maxsize=4096)(self._compute_day_intervals)

    def __repr__(self) -> str:
        return f"<BusinessCalendar region={self.region} tz={self.tz}>"

    @staticmethod
    def _zone(value: str | tzinfo) -> tzinfo:
        if isinstance(value, tzinfo):
            return value
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(f"Unknown time zone {value!r}.") from None

    # Days ----------------------------------------------------------------------------------

    def _holidays_of(self, year: int) -> dict[date, str]:
        return dict(holidays.France(subdiv=self._subdivision, years=year, language="en_US"))

    def holiday(self, day: date) -> str | None:
        """The name of the public holiday on ``day`` (English), or None."""
        year = self._holiday_years.get(day.year)
        if year is None:
            year = self._holiday_years[day.year] = self._holidays_of(day.year)
        return year.get(day)

    def is_closed(self, day: date) -> bool:
        """Closed by an extra closure or a holiday that is not worked (hours aside)."""
        index = bisect_right(self._closure_starts, day) - 1
        if index >= 0 and any(first <= day <= last for first, last in self.closures[: index + 1]):
            return True
        name = self.holiday(day)
        return name is not None and name not in self.worked_holidays

    def _local_date(self, value: date | datetime, what: str) -> date:
        if isinstance(value, datetime):
            return _aware(value, what).astimezone(self.tz).date()
        if not isinstance(value, date):
            raise ValueError(f"{what} must be a date, not {type(value).__name__}.")
        return value

    def _instant(self, day: date, offset: timedelta) -> datetime:
        """The UTC instant of local wall-clock ``day`` + ``offset`` (see DST rules above)."""
        naive = datetime.combine(day, time()) + offset
        first = naive.replace(tzinfo=self.tz)  # fold=0: the earlier reading
        instant = first.astimezone(UTC)
        if instant.astimezone(self.tz).replace(tzinfo=None) == naive:
            return instant
        # The wall-clock time falls in a gap: move it to the end of the gap, the first instant
        # after the transition. fold=1 reads it with the offset after the transition, which
        # gives an instant before the transition: search (in whole seconds) between the two.
        low = int(naive.replace(tzinfo=self.tz, fold=1).timestamp())
        high = int(instant.timestamp())
        after = instant.astimezone(self.tz).utcoffset()
        while high - low > 1:
            middle = (low + high) // 2
            if datetime.fromtimestamp(middle, UTC).astimezone(self.tz).utcoffset() == after:
                high = middle
            else:
                low = middle
        return datetime.fromtimestamp(high, UTC)

    def _compute_day_intervals(self, day: date) -> tuple[Interval, ...]:
        segments = self.hours.get(day.weekday())
        if not segments or self.is_closed(day):
            return ()
        intervals = []
        for start, end in segments:
            first, last = self._instant(day, start), self._instant(day, end)
            if last > first:
                intervals.append((first, last))
        return tuple(intervals)

    def open_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open intervals of a local day, as aware datetimes in the calendar's zone."""
        day = self._local_date(day, "day")
        return [(a.astimezone(self.tz), b.astimezone(self.tz)) for a, b in self._day_intervals(day)]

    def is_business_day(self, day: date | datetime) -> bool:
        """Whether the calendar is open at all on ``day`` (a date, or an aware datetime)."""
        return bool(self._day_intervals(self._local_date(day, "day")))

    def add_business_days(self, day: date | datetime, n: int) -> date:
        """The ``n``-th business day after ``day`` (before it when ``n`` is negative).

        ``n=0`` returns ``day`` itself, business day or not.
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise ValueError(f"n must be an integer, not {n!r}.")
        current = self._local_date(day, "day")
        step = _DAY if n > 0 else -_DAY
        left, closed_run = abs(n), 0
        while left:
            current += step
            if self.is_business_day(current):
                left -= 1
                closed_run = 0
            else:
                closed_run += 1
                self._guard(closed_run, current)
        return current

    def _guard(self, closed_run: int, day: date) -> None:
        if closed_run > _MAX_CLOSED_DAYS:
            raise ValueError(f"The calendar has no open time for ten years around {day}.")

    # Durations -----------------------------------------------------------------------------

    def add(
        self,
        start: datetime,
        duration: timedelta,
        pauses: Iterable[Sequence[datetime | None]] = (),
    ) -> datetime | None:
        """The earliest instant at which ``duration`` of open time, outside ``pauses``, has
        elapsed since ``start``; None if an open-ended pause stops the clock first.

        A start outside the open hours waits for the next opening. The result is in the
        calendar's time zone. Whole days are skipped at once, so long durations are cheap.
        """
        origin = _aware(start, "start")
        if not isinstance(duration, timedelta) or duration < _ZERO:
            raise ValueError(f"duration must be a timedelta of zero or more, not {duration!r}.")
        paused = _merge_pauses(pauses)
        starts = [pause_start for pause_start, _ in paused]
        stopped_from = paused[-1][0] if paused and paused[-1][1] == _FOREVER else None
        if duration == _ZERO:
            return origin.astimezone(self.tz)
        remaining = duration
        day = origin.astimezone(self.tz).date()
        closed_run = 0
        count = len(paused)
        while True:
            intervals = self._day_intervals(day)
            if intervals:
                closed_run = 0
            else:
                closed_run += 1
                self._guard(closed_run, day)
            for open_start, open_end in intervals:
                if open_end <= origin:
                    continue
                open_start = max(open_start, origin)
                if stopped_from is not None and stopped_from <= open_start:
                    return None
                index = bisect_right(starts, open_start)
                if (index == 0 or paused[index - 1][1] <= open_start) and (
                    index == count or starts[index] >= open_end
                ):  # no pause in the interval: it counts whole (the common, hot path)
                    length = open_end - open_start
                    if length >= remaining:
                        return (open_start + remaining).astimezone(self.tz)
                    remaining -= length
                    continue
                for part_start, part_end in _outside(open_start, open_end, paused, starts):
                    length = part_end - part_start
                    if length >= remaining:
                        return (part_start + remaining).astimezone(self.tz)
                    remaining -= length
            day += _DAY

    def between(
        self,
        start: datetime,
        end: datetime,
        pauses: Iterable[Sequence[datetime | None]] = (),
    ) -> timedelta:
        """The open time between two instants, outside ``pauses``."""
        first, last = _aware(start, "start"), _aware(end, "end")
        if last < first:
            raise ValueError(f"end ({end}) is before start ({start}).")
        paused = _merge_pauses(pauses)
        starts = [pause_start for pause_start, _ in paused]
        total = _ZERO
        day = first.astimezone(self.tz).date()
        last_day = last.astimezone(self.tz).date()
        while day <= last_day:
            for open_start, open_end in self._day_intervals(day):
                open_start, open_end = max(open_start, first), min(open_end, last)
                if open_end <= open_start:
                    continue
                for part_start, part_end in _outside(open_start, open_end, paused, starts):
                    total += part_end - part_start
            day += _DAY
        return total


def full_days_between(
    sent: date | datetime, meeting: date | datetime, tz: str | tzinfo | None = None
) -> int:
    """Whole days strictly between the day of sending and the day of the meeting.

    French "jours francs": neither the day of sending nor the day of the meeting counts; a
    notice sent on a Monday for the following Monday leaves 6 full days. Weekends and holidays
    count (a legal delay in jours francs is in calendar days). Datetimes count by their own
    local date, or by their date in ``tz`` when given (then they must be aware).
    """
    zone = BusinessCalendar._zone(tz) if tz is not None else None

    def local(value: date | datetime, what: str) -> date:
        if isinstance(value, datetime):
            if zone is not None:
                return _aware(value, what).astimezone(zone).date()
            return value.date()
        if not isinstance(value, date):
            raise ValueError(f"{what} must be a date or a datetime, not {type(value).__name__}.")
        return value

    first, last = local(sent, "sent"), local(meeting, "meeting")
    if last < first:
        raise ValueError(f"The meeting ({last}) is before the sending ({first}).")
    return max((last - first).days - 1, 0)
