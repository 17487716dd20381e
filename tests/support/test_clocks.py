"""SLA clocks on hand-checked cases and hypothesis properties (pure functions)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from civitas.core.calendar import BusinessCalendar
from civitas.support.services import clocks
from civitas.support.services.clocks import DAYS, HOURS, Entry, Target

PARIS = ZoneInfo("Europe/Paris")
WEEK = {d: [("09:00", "12:00"), ("14:00", "18:00")] for d in range(5)}
FRANCE = BusinessCalendar(hours=WEEK, region="FR")
ALSACE = BusinessCalendar(hours=WEEK, region="67")


def at(day, hour, minute=0, month=3):
    return datetime(2027, month, day, hour, minute, tzinfo=PARIS)


def test_easter_monday_is_skipped():
    opened = at(26, 16)  # Friday 26 March 2027, Easter Monday is 29 March
    # 2 h on Friday, Monday closed, 2 h on Tuesday morning.
    assert clocks.due(FRANCE, opened, Target(4, HOURS)) == at(30, 11)


def test_business_days_skip_easter_monday():
    opened = at(25, 16)  # Thursday: Friday, (Monday off), Tuesday, Wednesday
    assert clocks.due(FRANCE, opened, Target(3, DAYS)) == at(31, 16)


def test_alsace_good_friday_is_closed():
    opened = at(25, 16)  # Thursday 25 March 2027
    assert clocks.due(FRANCE, opened, Target(4, HOURS)) == at(26, 11)
    # Alsace-Moselle: Good Friday and Easter Monday closed.
    assert clocks.due(ALSACE, opened, Target(4, HOURS)) == at(30, 11)


def test_pause_across_a_weekend():
    opened = at(5, 10)  # Friday 5 March 2027
    history = [
        Entry(opened),
        Entry(at(5, 11), frozen=True, taken=True),  # waiting for the customer
        Entry(at(8, 10)),  # customer answered on Monday 10:00
    ]
    assert clocks.due(FRANCE, opened, Target(8, HOURS)) == at(8, 11)
    # 1 h before the pause, 7 h left from Monday 10:00: Monday 6 h, Tuesday 1 h.
    assert clocks.due(FRANCE, opened, Target(8, HOURS), history) == at(9, 10)
    assert clocks.paused_time(FRANCE, opened, history, at(9, 12)) == timedelta(hours=6)


def test_running_pause_holds_the_clock_and_says_since_when():
    opened = at(5, 10)
    history = [Entry(opened), Entry(at(5, 11), frozen=True, taken=True)]
    status = clocks.clock_status(FRANCE, opened, clocks.FIX, Target(8, HOURS), history, at(10, 9))
    assert status.due is None
    assert status.paused_since == at(5, 11)
    assert status.remaining == timedelta(hours=7)
    assert not status.late


def test_take_charge_met_by_first_provider_state_and_late_flag():
    opened = at(5, 10)
    history = [Entry(opened), Entry(at(8, 15), taken=True)]
    status = clocks.clock_status(
        FRANCE, opened, clocks.TAKE_CHARGE, Target(4, HOURS), history, at(9, 9)
    )
    assert status.met_at == at(8, 15)
    assert status.due == at(5, 16)
    assert status.late


def test_sla_change_mid_pause_keeps_the_pause():
    """Level 1 (8 h) requalified level 0 (4 h) while paused: the new deadline counts the
    hour before the pause and nothing of the pause."""
    opened = at(5, 10)
    history = [Entry(opened), Entry(at(5, 11), frozen=True, taken=True), Entry(at(8, 14))]
    assert clocks.due(FRANCE, opened, Target(4, HOURS), history) == at(8, 17)
    # Level 1 would have been: 1 h, then Monday 14-18 and Tuesday 9-12.
    assert clocks.due(FRANCE, opened, Target(8, HOURS), history) == at(9, 12)


def test_minor_becomes_major_after_ten_business_days():
    opened = at(1, 10)
    assert clocks.effective_level(FRANCE, 3, opened, at(12, 10), 10) == 3
    assert clocks.effective_level(FRANCE, 3, opened, at(15, 10), 10) == 1
    assert clocks.effective_level(FRANCE, 3, opened, at(15, 10), 0) == 3


# --- properties ----------------------------------------------------------------------------

START = at(1, 8)
offsets = st.lists(st.integers(min_value=0, max_value=60 * 24 * 40), min_size=0, max_size=8)
targets = st.builds(
    Target,
    st.integers(min_value=1, max_value=60),
    st.sampled_from([HOURS, DAYS]),
)


def history_from(minutes, open_end):
    """Alternating frozen / running entries at the given offsets."""
    times = sorted(set(minutes))
    entries = [Entry(START)]
    for index, minute in enumerate(times):
        entries.append(Entry(START + timedelta(minutes=minute + 1), frozen=index % 2 == 0))
    if not open_end and entries[-1].frozen:
        entries.append(Entry(entries[-1].at + timedelta(hours=3)))
    return entries


@settings(max_examples=60, deadline=None)
@given(offsets, targets, targets)
def test_any_sla_change_keeps_total_paused_time(minutes, first, second):
    history = history_from(minutes, open_end=False)
    for target in (first, second):
        deadline = clocks.due(FRANCE, START, target, history)
        allowed = clocks.target_open_time(FRANCE, START, target)
        # Outside pauses, exactly the allowed open time went by before the deadline...
        assert FRANCE.between(START, deadline, clocks.pauses(history)) == allowed
        # ...and every pause before it was added in full.
        assert FRANCE.between(START, deadline) - allowed == clocks.paused_time(
            FRANCE, START, history, deadline
        )


def history_of(intervals):
    """The history of a ticket frozen during the union of ``intervals`` (minutes)."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    entries = [Entry(START)]
    for start, end in merged:
        entries.append(Entry(START + timedelta(minutes=start + 1), frozen=True))
        entries.append(Entry(START + timedelta(minutes=end + 1)))
    return entries


intervals = st.lists(
    st.tuples(st.integers(0, 60 * 24 * 30), st.integers(1, 60 * 24 * 5)).map(
        lambda p: (p[0], p[0] + p[1])
    ),
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(intervals, targets, st.integers(0, 60 * 24 * 30), st.integers(1, 60 * 24 * 5))
def test_a_pause_never_brings_a_deadline_earlier(paused, target, pause_at, pause_length):
    before = clocks.due(FRANCE, START, target, history_of(paused))
    extra = history_of([*paused, (pause_at, pause_at + pause_length)])
    after = clocks.due(FRANCE, START, target, extra)
    assert after is not None
    assert after >= before


@settings(max_examples=40, deadline=None)
@given(intervals, targets, targets, st.integers(0, 60 * 24 * 60))
def test_next_due_is_the_earliest_running_deadline(paused, first, second, now_minutes):
    history = history_of(paused)
    chosen = {clocks.TAKE_CHARGE: first, clocks.FIX: second}
    now = START + timedelta(minutes=now_minutes)
    statuses = clocks.clocks(FRANCE, START, chosen, history, now)
    assert clocks.next_due(FRANCE, START, chosen, history) == clocks.next_deadline(statuses)
