"""Loading and validating instances: one test per kind of malformed input."""

import copy

import pytest

from civitas.scheduling import ValidationError, load_instance

BASE = {
    "format": "civitas-schedule/1",
    "slots": [
        {"id": "s1", "start": "2027-03-10T09:00:00", "end": "2027-03-10T09:20:00", "session": "am"},
        {"id": "s2", "start": "2027-03-10T09:20:00", "end": "2027-03-10T09:40:00", "session": "am"},
        {"id": "s3", "start": "2027-03-10T14:00:00", "end": "2027-03-10T14:20:00", "session": "pm"},
    ],
    "locations": [{"id": "hall", "tables": 2}],
    "participants": [
        {"id": "p1", "unavailable": [], "max_meetings": None, "table": None},
        {"id": "p2", "unavailable": ["s3"], "max_meetings": 2, "table": None},
        {
            "id": "p3",
            "unavailable": [],
            "max_meetings": None,
            "table": {"location": "hall", "table": 2},
        },
    ],
    "meetings": [
        {
            "id": "m1",
            "participants": ["p1", "p2"],
            "rank": 1,
            "sessions": None,
            "location": None,
            "fixed": None,
        },
        {
            "id": "m2",
            "participants": ["p1", "p3"],
            "rank": 2,
            "sessions": ["pm"],
            "location": "hall",
            "fixed": None,
        },
    ],
}


def errors_of(mutate):
    data = copy.deepcopy(BASE)
    mutate(data)
    with pytest.raises(ValidationError) as exc:
        load_instance(data)
    return exc.value.errors


def test_valid_instance_loads():
    inst = load_instance(copy.deepcopy(BASE))
    assert [s.session for s in inst.slots] == ["am", "am", "pm"]
    assert inst.participants[2].table == (0, 2)
    assert inst.meetings[1].sessions == frozenset({1})


def test_unknown_top_level_key():
    errs = errors_of(lambda d: d.update(extra=1))
    assert any('unknown key "extra"' in e for e in errs)


def test_unknown_meeting_key():
    errs = errors_of(lambda d: d["meetings"][0].update(duration=20))
    assert errs == [
        'meetings[0] (id "m1"): unknown key "duration" (allowed: fixed, id, location, '
        "participants, rank, sessions)"
    ]


def test_unknown_participant_key():
    errs = errors_of(lambda d: d["participants"][0].update(name="x"))
    assert any('participants[0] (id "p1"): unknown key "name"' in e for e in errs)


def test_wrong_format():
    errs = errors_of(lambda d: d.update(format="other/1"))
    assert any('"format" must be' in e for e in errs)


def test_dangling_participant():
    errs = errors_of(lambda d: d["meetings"][0].update(participants=["p1", "p9"]))
    assert errs == ["meetings[0] (id \"m1\"): participant 'p9' is not a known participant"]


def test_dangling_slot_in_unavailable():
    errs = errors_of(lambda d: d["participants"][0].update(unavailable=["s9"]))
    assert any("unavailable slot 's9' is not a known slot" in e for e in errs)


def test_dangling_session_and_location():
    def mutate(d):
        d["meetings"][0]["sessions"] = ["night"]
        d["meetings"][0]["location"] = "nowhere"

    errs = errors_of(mutate)
    assert any("session 'night' is not a known session" in e for e in errs)
    assert any("location 'nowhere' is not a known location" in e for e in errs)


def test_duplicate_ids():
    def mutate(d):
        d["meetings"].append(copy.deepcopy(d["meetings"][0]))
        d["participants"].append(copy.deepcopy(d["participants"][0]))
        d["slots"].append(copy.deepcopy(d["slots"][-1]))

    errs = errors_of(mutate)
    assert any('duplicate meeting id "m1"' in e for e in errs)
    assert any('duplicate participant id "p1"' in e for e in errs)
    assert any('duplicate slot id "s3"' in e for e in errs)


def test_meeting_with_one_participant():
    errs = errors_of(lambda d: d["meetings"][0].update(participants=["p1"]))
    assert errs == ['meetings[0] (id "m1"): a meeting needs at least two participants, got 1']


def test_meeting_with_same_participant_twice():
    errs = errors_of(lambda d: d["meetings"][0].update(participants=["p1", "p1"]))
    assert any("participant 'p1' listed twice" in e for e in errs)


def test_bad_rank_and_table():
    def mutate(d):
        d["meetings"][0]["rank"] = "first"
        d["participants"][0]["table"] = {"location": "hall", "table": 5}

    errs = errors_of(mutate)
    assert any('"rank" must be an integer' in e for e in errs)
    assert any("table 5 does not exist" in e for e in errs)


def test_non_contiguous_session():
    errs = errors_of(
        lambda d: d["slots"].append(
            {
                "id": "s4",
                "start": "2027-03-10T15:00:00",
                "end": "2027-03-10T15:20:00",
                "session": "am",
            }
        )
    )
    assert any('session "am" is not contiguous' in e for e in errs)


def test_slots_out_of_order():
    errs = errors_of(lambda d: d["slots"].reverse())
    assert any("time order" in e for e in errs)


def fix(d, i, slot, table=1, location="hall"):
    d["meetings"][i]["fixed"] = {"slot": slot, "location": location, "table": table}


def test_fixed_on_unavailable_slot():
    errs = errors_of(lambda d: fix(d, 0, "s3"))
    assert any("participant p2 is unavailable at s3" in e for e in errs)


def test_fixed_outside_allowed_session():
    errs = errors_of(lambda d: fix(d, 1, "s1", table=2))
    assert any("session am is not allowed" in e for e in errs)


def test_fixed_not_at_owner_table():
    errs = errors_of(lambda d: fix(d, 1, "s3", table=1))
    assert any("must be at a table of its owner (p3 owns hall table 2)" in e for e in errs)


def test_fixed_at_someone_elses_table():
    errs = errors_of(lambda d: fix(d, 0, "s1", table=2))
    assert any("the table is owned by p3, who is not in the meeting" in e for e in errs)


def test_fixed_participant_clash_and_table_clash():
    def mutate(d):
        d["meetings"].append(
            {
                "id": "m3",
                "participants": ["p1", "p2"],
                "rank": 3,
                "sessions": None,
                "location": None,
                "fixed": None,
            }
        )
        fix(d, 0, "s1")
        fix(d, 2, "s1")

    errs = errors_of(mutate)
    assert any("participant p1 is also in fixed meeting m1" in e for e in errs)
    assert any("the table is already used by fixed meeting m1" in e for e in errs)


def test_fixed_exceeding_quota():
    def mutate(d):
        d["participants"][1]["max_meetings"] = 0
        fix(d, 0, "s1")

    errs = errors_of(mutate)
    assert any("1 fixed meetings exceed max_meetings 0" in e for e in errs)


def test_fixed_nonexistent_table():
    errs = errors_of(lambda d: fix(d, 0, "s1", table=7))
    assert any("table does not exist (1..2)" in e for e in errs)
