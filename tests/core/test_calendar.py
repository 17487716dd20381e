"""The business calendar (civitas.core.calendar): properties (hypothesis) and French cases."""

import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civitas.core import calendar as calendar_module
from civitas.core.calendar import BusinessCalendar, full_days_between

PARIS = ZoneInfo("Europe/Paris")
OFFICE = {day: [("09:00", "12:00"), ("14:00", "18:00")] for day in range(5)}
H = timedelta(hours=1)


def paris(*args):
    return datetime(*args, tzinfo=PARIS)


def office(region="FR", **kwargs):
    return BusinessCalendar(hours=OFFICE, region=region, **kwargs)


# Calendars for the properties: office hours, Alsace, an overseas zone without DST, segments
# that contain the daylight-saving shifts (01:00-04:00 every day), round the clock, and a
# sparse one (Saturday mornings, with a closure).
CALENDARS = [
    office(closures=[(date(2027, 8, 9), date(2027, 8, 13))]),
    office("67"),
    BusinessCalendar(hours=OFFICE, region="974"),
    BusinessCalendar(hours={d: [("01:00", "04:00"), ("22:00", "24:00")] for d in range(7)}),
    BusinessCalendar(hours={d: [("00:00", "24:00")] for d in range(7)}),
    BusinessCalendar(
        hours={5: [(time(10, 0), time(11, 30))]},
        closures=[(date(2027, 1, 1), date(2027, 2, 28))],
    ),
]

# Instants near the daylight-saving changes (last Sundays of March and October, at 02:00 and
# 03:00 local time) and New Year, plus anything between 2026 and 2029.
ANCHORS = [
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2027, 3, 28, 1, tzinfo=UTC),
    datetime(2027, 10, 31, 1, tzinfo=UTC),
    datetime(2028, 3, 26, 1, tzinfo=UTC),
    datetime(2028, 10, 29, 1, tzinfo=UTC),
    datetime(2026, 12, 31, 23, tzinfo=UTC),
    datetime(2027, 12, 31, 23, tzinfo=UTC),
]
near_anchor = st.builds(
    lambda anchor, seconds: (anchor + timedelta(seconds=seconds)).astimezone(PARIS),
    st.sampled_from(ANCHORS),
    st.integers(-3 * 86400, 3 * 86400),
)
anywhere = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2029, 1, 1),
    timezones=st.just(PARIS),
    allow_imaginary=False,
)
instants = st.one_of(near_anchor, anywhere)
durations = st.one_of(
    st.integers(0, 400 * 3600).map(lambda s: timedelta(seconds=s)),
    st.integers(0, 10**12).map(lambda us: timedelta(microseconds=us)),
)


@st.composite
def pause_lists(draw, around):
    pauses = []
    for _ in range(draw(st.integers(0, 4))):
        # In UTC: arithmetic on aware datetimes of one zone is wall-clock arithmetic.
        start = around.astimezone(UTC) + timedelta(
            seconds=draw(st.integers(-2 * 86400, 30 * 86400))
        )
        if draw(st.integers(0, 9)) == 0:
            end = None
        else:
            end = (start + timedelta(seconds=draw(st.integers(0, 5 * 86400)))).astimezone(PARIS)
        pauses.append((start.astimezone(PARIS), end))
    return pauses


PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def utc(value):
    return value.astimezone(UTC)


@PROPS
@given(cal=st.sampled_from(CALENDARS), start=instants, duration=durations)
def test_between_measures_what_add_added(cal, start, duration):
    end = cal.add(start, duration)
    assert utc(end) >= utc(start)
    assert cal.between(start, end) == duration


@PROPS
@given(cal=st.sampled_from(CALENDARS), start=instants, duration=durations, data=st.data())
def test_between_measures_what_add_added_outside_pauses(cal, start, duration, data):
    pauses = data.draw(pause_lists(start))
    end = cal.add(start, duration, pauses)
    if end is not None:
        assert cal.between(start, end, pauses) == duration
    else:
        # Only an open-ended pause stops the clock for good.
        assert any(stop is None for _, stop in pauses)


@PROPS
@given(cal=st.sampled_from(CALENDARS), start=instants, duration=durations)
def test_add_returns_the_earliest_instant(cal, start, duration):
    end = cal.add(start, duration)
    if duration and utc(end) > utc(start):
        # (in UTC: arithmetic on aware datetimes of one zone is wall-clock arithmetic)
        assert cal.between(start, utc(end) - timedelta(microseconds=1)) < duration


@PROPS
@given(cal=st.sampled_from(CALENDARS), start=instants, first=durations, second=durations)
def test_adding_in_two_steps_equals_adding_once(cal, start, first, second):
    once = cal.add(start, first + second)
    twice = cal.add(cal.add(start, first), second)
    assert utc(twice) == utc(once)


@PROPS
@given(
    cal=st.sampled_from(CALENDARS),
    start=instants,
    first=durations,
    second=durations,
    data=st.data(),
)
def test_two_steps_with_the_same_pauses_equal_one(cal, start, first, second, data):
    pauses = data.draw(pause_lists(start))
    middle = cal.add(start, first, pauses)
    once = cal.add(start, first + second, pauses)
    if middle is None:
        assert once is None
        return
    twice = cal.add(middle, second, pauses)
    assert (twice is None) == (once is None)
    if once is not None:
        assert utc(twice) == utc(once)


@PROPS
@given(cal=st.sampled_from(CALENDARS), start=instants, duration=durations, data=st.data())
def test_pauses_only_ever_delay(cal, start, duration, data):
    pauses = data.draw(pause_lists(start))
    extra = data.draw(pause_lists(start))
    plain = cal.add(start, duration)
    paused = cal.add(start, duration, pauses)
    more = cal.add(start, duration, pauses + extra)
    if paused is not None:
        assert utc(paused) >= utc(plain)
    if more is not None:
        assert paused is not None and utc(more) >= utc(paused)


@PROPS
@given(cal=st.sampled_from(CALENDARS), a=instants, b=instants, c=instants)
def test_between_adds_up(cal, a, b, c):
    a, b, c = sorted([a, b, c], key=utc)
    assert cal.between(a, c) == cal.between(a, b) + cal.between(b, c)
    assert cal.between(a, a) == timedelta(0)


# Daylight saving and New Year ------------------------------------------------------------

ROUND_THE_CLOCK = CALENDARS[4]
NIGHTS = CALENDARS[3]


def test_the_march_sunday_has_23_hours_and_the_october_one_25():
    # 2026: the shifts fall on 29 March and 25 October, no holiday next to them.
    assert ROUND_THE_CLOCK.between(paris(2026, 3, 29), paris(2026, 3, 30)) == 23 * H
    assert ROUND_THE_CLOCK.between(paris(2026, 10, 25), paris(2026, 10, 26)) == 25 * H
    assert ROUND_THE_CLOCK.add(paris(2026, 3, 29), 24 * H) == paris(2026, 3, 30, 1)
    assert ROUND_THE_CLOCK.add(paris(2026, 10, 25), 24 * H) == paris(2026, 10, 25, 23)


def test_a_segment_holding_the_shift_is_shorter_in_march_and_longer_in_october():
    assert NIGHTS.open_intervals(date(2026, 3, 29))[0] == (
        paris(2026, 3, 29, 1),
        paris(2026, 3, 29, 4),
    )
    assert NIGHTS.between(paris(2026, 3, 29, 0), paris(2026, 3, 29, 5)) == 2 * H
    assert NIGHTS.between(paris(2026, 10, 25, 0), paris(2026, 10, 25, 5)) == 4 * H
    assert NIGHTS.between(paris(2026, 3, 30, 0), paris(2026, 3, 30, 5)) == 3 * H
    # 2 hours from 01:00 on the March Sunday: 01:00-02:00 CET, then 03:00-04:00 CEST.
    assert NIGHTS.add(paris(2026, 3, 29, 1), 2 * H) == paris(2026, 3, 29, 4)
    # 3 hours from 01:00 on the October Sunday: 01:00-02:00 CEST, 02:00-03:00 twice: 03:00 CET.
    assert utc(NIGHTS.add(paris(2026, 10, 25, 1), 3 * H)) == datetime(2026, 10, 25, 2, tzinfo=UTC)


def test_office_hours_keep_their_real_length_on_the_days_of_the_shift():
    sundays = BusinessCalendar(hours={6: [("09:00", "12:00")]})
    assert sundays.between(paris(2026, 3, 29), paris(2026, 3, 30)) == 3 * H
    assert sundays.between(paris(2026, 10, 25), paris(2026, 10, 26)) == 3 * H
    assert sundays.add(paris(2026, 3, 29, 1), 3 * H) == paris(2026, 3, 29, 12)


def test_boundaries_in_the_gap_move_to_its_end_and_ambiguous_ones_take_the_first_reading():
    cal = BusinessCalendar(hours={6: [("02:30", "03:30")]})
    start, end = cal.open_intervals(date(2027, 3, 28))[0]
    assert utc(start) == datetime(2027, 3, 28, 1, tzinfo=UTC)  # 03:00 CEST
    assert cal.between(paris(2027, 3, 28), paris(2027, 3, 29)) == timedelta(minutes=30)
    start, end = cal.open_intervals(date(2027, 10, 31))[0]
    assert utc(start) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert cal.between(paris(2027, 10, 31), paris(2027, 11, 1)) == 2 * H
    empty = BusinessCalendar(hours={6: [("02:00", "02:45")], 0: [("09:00", "10:00")]})
    assert not empty.is_business_day(date(2027, 3, 28))
    assert empty.is_business_day(date(2027, 10, 31))


def test_new_year_is_crossed_and_its_day_is_closed():
    cal = office()
    # Thursday 31 December 2026, 17:00: one hour left, Friday 1 January is a holiday.
    assert cal.add(paris(2026, 12, 31, 17), 2 * H) == paris(2027, 1, 4, 10)
    assert cal.between(paris(2026, 12, 31, 17), paris(2027, 1, 4, 10)) == 2 * H
    assert cal.add_business_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_results_are_in_the_calendar_zone_whatever_the_zone_of_the_start():
    cal = BusinessCalendar(hours=OFFICE, region="974")
    end = cal.add(datetime(2027, 3, 1, 5, tzinfo=UTC), H)  # 09:00 in La Réunion
    assert end.tzinfo == ZoneInfo("Indian/Reunion")
    assert end == datetime(2027, 3, 1, 10, tzinfo=ZoneInfo("Indian/Reunion"))


# Holidays ---------------------------------------------------------------------------------


def test_easter_monday_and_ascension_are_closed_everywhere():
    for region in ("FR", "75", "57", "67", "68", "971", "974"):
        cal = office(region)
        assert not cal.is_business_day(date(2027, 3, 29)), region  # Easter Monday
        assert not cal.is_business_day(date(2027, 5, 6)), region  # Ascension
        assert cal.is_business_day(date(2027, 3, 30)), region


@pytest.mark.parametrize("region", ["57", "67", "68"])
def test_alsace_moselle_adds_good_friday_and_26_december(region):
    assert office("FR").is_business_day(date(2027, 3, 26))
    assert not office(region).is_business_day(date(2027, 3, 26))  # Good Friday
    assert office("FR").is_business_day(date(2028, 12, 26))
    assert not office(region).is_business_day(date(2028, 12, 26))  # Saint Stephen's Day
    assert office(region).holiday(date(2027, 3, 26)) == "Good Friday"


def test_overseas_departements_have_their_abolition_of_slavery_day():
    thursday, monday = date(2027, 5, 27), date(2027, 12, 20)
    assert office("FR").is_business_day(thursday)
    assert not office("971").is_business_day(thursday)  # Guadeloupe
    assert office("974").is_business_day(thursday)
    assert not office("974").is_business_day(monday)  # La Réunion
    assert office("FR").is_business_day(monday)
    assert office("971").holiday(thursday) == "Abolition of Slavery"
    assert office("971").tz == ZoneInfo("America/Guadeloupe")
    assert office("974").tz == ZoneInfo("Indian/Reunion")


def test_pentecost_monday_is_closed_unless_worked_as_the_solidarity_day():
    pentecost_monday = date(2027, 5, 17)
    assert not office().is_business_day(pentecost_monday)
    worked = office(worked_holidays=["Pentecost Monday"])
    assert worked.is_business_day(pentecost_monday)
    assert not worked.is_business_day(date(2027, 5, 6))
    with pytest.raises(ValueError, match="Good Friday"):
        office(worked_holidays=["Good Friday"])  # not a holiday in metropolitan France


def test_closures_are_inclusive():
    cal = office(closures=[(date(2027, 8, 9), date(2027, 8, 13))])
    assert cal.is_business_day(date(2027, 8, 6))
    for day in range(9, 14):
        assert not cal.is_business_day(date(2027, 8, day))
    assert cal.is_business_day(date(2027, 8, 16))
    assert cal.add_business_days(date(2027, 8, 6), 1) == date(2027, 8, 16)
    assert cal.add(paris(2027, 8, 6, 17), 2 * H) == paris(2027, 8, 16, 10)


def test_add_business_days():
    cal = office()
    assert cal.add_business_days(date(2027, 3, 25), 1) == date(2027, 3, 26)
    assert cal.add_business_days(date(2027, 3, 26), 1) == date(2027, 3, 30)  # Easter Monday
    assert cal.add_business_days(date(2027, 3, 30), -1) == date(2027, 3, 26)
    assert cal.add_business_days(date(2027, 3, 27), 0) == date(2027, 3, 27)
    assert cal.add_business_days(date(2027, 3, 1), 10) == date(2027, 3, 15)
    assert cal.add_business_days(paris(2027, 3, 26, 23, 30), 1) == date(2027, 3, 30)


def test_full_days_between_counts_jours_francs():
    assert full_days_between(date(2027, 3, 1), date(2027, 3, 8)) == 6  # Monday to Monday
    assert full_days_between(date(2027, 3, 1), date(2027, 3, 2)) == 0
    assert full_days_between(date(2027, 3, 1), date(2027, 3, 1)) == 0
    # Sunday and Easter Monday count: jours francs are calendar days.
    assert full_days_between(date(2027, 3, 26), date(2027, 3, 30)) == 3
    assert full_days_between(paris(2027, 3, 1, 23, 59), paris(2027, 3, 8, 0, 1)) == 6
    # 23:30 in Paris on the 1st is the 2nd in La Réunion.
    sent = paris(2027, 3, 1, 23, 30)
    assert full_days_between(sent, date(2027, 3, 8), tz="Indian/Reunion") == 5
    with pytest.raises(ValueError, match="before"):
        full_days_between(date(2027, 3, 8), date(2027, 3, 1))
    with pytest.raises(ValueError, match="aware"):
        full_days_between(datetime(2027, 3, 1), date(2027, 3, 8), tz="Europe/Paris")


# Pauses, long durations, calendars without open time -------------------------------------


def test_pauses_overlap_and_an_open_ended_one_stops_the_clock():
    cal = office()
    start = paris(2027, 3, 1, 9)
    pauses = [
        (paris(2027, 3, 1, 10), paris(2027, 3, 1, 11)),
        (paris(2027, 3, 1, 10, 30), paris(2027, 3, 1, 14, 30)),
    ]
    assert cal.add(start, 2 * H, pauses) == paris(2027, 3, 1, 15, 30)
    assert cal.between(start, paris(2027, 3, 1, 18), pauses) == 4 * H + 30 * timedelta(minutes=1)
    assert cal.add(start, 2 * H, [(paris(2027, 3, 1, 10), None)]) is None
    assert cal.add(start, H, [(paris(2027, 3, 1, 10), None)]) == paris(2027, 3, 1, 10)
    assert cal.between(start, paris(2027, 3, 2, 18), [(paris(2027, 3, 1, 10), None)]) == H


def test_a_start_outside_hours_waits_for_the_opening():
    cal = office()
    assert cal.add(paris(2027, 3, 6, 8), H) == paris(2027, 3, 8, 10)  # Saturday
    assert cal.add(paris(2027, 3, 1, 12, 30), H) == paris(2027, 3, 1, 15)
    assert cal.add(paris(2027, 3, 1, 11), H) == paris(2027, 3, 1, 12)  # not 14:00
    assert cal.add(paris(2027, 3, 6, 8), timedelta(0)) == paris(2027, 3, 6, 8)


def test_long_durations_skip_whole_days():
    cal = office()
    start = paris(2027, 1, 4, 9)
    years = timedelta(hours=7 * 5 * 52 * 10)  # about ten working years
    end = cal.add(start, years)
    assert 2036 <= end.year <= 2038
    assert cal.between(start, end) == years


def test_a_calendar_without_open_time_raises_instead_of_looping():
    with pytest.raises(ValueError, match="no open time"):
        BusinessCalendar(hours={0: [], 1: []})
    with pytest.raises(ValueError, match="no open time"):
        BusinessCalendar(hours={})
    closed = office(closures=[(date(2027, 1, 1), date(2040, 1, 1))])
    with pytest.raises(ValueError, match="no open time"):
        closed.add(paris(2027, 1, 1), H)
    with pytest.raises(ValueError, match="no open time"):
        closed.add_business_days(date(2027, 1, 1), 1)


# Validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": {0: [("09:00", "12:00"), ("11:00", "13:00")]}}, "overlap"),
        ({"hours": {0: [("12:00", "09:00")]}}, "ends before it starts"),
        ({"hours": {0: [("09:00", "09:00")]}}, "ends before it starts"),
        ({"hours": {0: [("9h", "12:00")]}}, "not a time of day"),
        ({"hours": {0: [("24:00", "24:00")]}}, "not a time of day"),
        ({"hours": {0: [("09:00", "25:00")]}}, "not a time of day"),
        ({"hours": {7: [("09:00", "12:00")]}}, "not a weekday"),
        ({"hours": {"monday": [("09:00", "12:00")]}}, "not a weekday"),
        ({"hours": {0: ["09:00-12:00"]}}, "pair"),
        ({"hours": [("09:00", "12:00")]}, "weekday"),
        ({"hours": OFFICE, "region": "99"}, "Unknown region"),
        ({"hours": OFFICE, "region": "Bavaria"}, "Unknown region"),
        ({"hours": OFFICE, "tz": "Europe/Atlantis"}, "Unknown time zone"),
        ({"hours": OFFICE, "closures": [(date(2027, 8, 13), date(2027, 8, 9))]}, "ends before"),
        ({"hours": OFFICE, "closures": [(datetime(2027, 8, 9), date(2027, 8, 13))]}, "not a date"),
        ({"hours": OFFICE, "worked_holidays": ["Boxing Day"]}, "not a holiday"),
    ],
)
def test_bad_calendars_are_refused_clearly(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**kwargs)


def test_touching_segments_merge():
    cal = BusinessCalendar(hours={0: [("12:00", "14:00"), ("09:00", "12:00")]})
    assert cal.open_intervals(date(2027, 3, 1)) == [(paris(2027, 3, 1, 9), paris(2027, 3, 1, 14))]


def test_bad_arguments_are_refused_clearly():
    cal = office()
    with pytest.raises(ValueError, match="aware"):
        cal.add(datetime(2027, 3, 1, 9), H)
    with pytest.raises(ValueError, match="aware"):
        cal.between(paris(2027, 3, 1, 9), datetime(2027, 3, 1, 10))
    with pytest.raises(ValueError, match="aware"):
        cal.add(paris(2027, 3, 1, 9), H, [(datetime(2027, 3, 1, 9), None)])
    with pytest.raises(ValueError, match="ends before it starts"):
        cal.add(paris(2027, 3, 1, 9), H, [(paris(2027, 3, 1, 10), paris(2027, 3, 1, 9))])
    with pytest.raises(ValueError, match="timedelta"):
        cal.add(paris(2027, 3, 1, 9), -H)
    with pytest.raises(ValueError, match="timedelta"):
        cal.add(paris(2027, 3, 1, 9), 3600)
    with pytest.raises(ValueError, match="before start"):
        cal.between(paris(2027, 3, 1, 10), paris(2027, 3, 1, 9))
    with pytest.raises(ValueError, match="aware"):
        cal.is_business_day(datetime(2027, 3, 1, 9))
    with pytest.raises(ValueError, match="integer"):
        cal.add_business_days(date(2027, 3, 1), 1.5)


def test_the_calendar_imports_no_django():
    """Besides the import-linter contract: importing it for real loads no Django module."""
    src = Path(calendar_module.__file__).resolve().parents[2]
    code = (
        "import sys, civitas.core.calendar as c; "
        "assert c.__file__.startswith(sys.argv[1]), c.__file__; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'wagtail')); "
        "assert not bad, bad"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(src)],
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
