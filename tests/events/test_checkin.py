"""Check-in: the scan rule, lists, idempotent queues, presence, meetings held and no-shows."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import make_user as _make_user
from tests.events.conftest import make_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists(event):
    from civitas.events.services import checkin

    checkin.ensure_lists(event)
    return {lst.kind: lst for lst in event.checkin_lists.all()}


@pytest.fixture
def make_user(db):
    def make(email, full_name=""):
        user = _make_user(email)
        if full_name:
            user.full_name = full_name
            user.save(update_fields=["full_name"])
        return user

    return make


@pytest.fixture
def acme(event):
    return make_company(event, "Acme", reps=2)


def payload(rep):
    from civitas.events.services import convocation

    return convocation.qr_payload(rep)


def test_ensure_lists_is_idempotent(event, lists):
    from civitas.events.services import checkin

    assert set(lists) == {"event", "day", "session"}
    assert checkin.ensure_lists(event) == []
    assert event.checkin_lists.count() == 3


def test_convocation_qr_and_bare_token_are_accepted(lists, acme, make_user):
    from civitas.events.services import checkin

    rep, other = acme.representatives.all()
    lst = lists["event"]
    user = make_user("accueil@example.org", full_name="Alice Accueil")
    first = checkin.scan(lst, payload(rep), by=user, device="Entrée", client_id="a1")
    assert first.status == "valid"
    assert first.checkin.representative == rep
    assert checkin.scan(lst, other.checkin_token, client_id="a2").status == "valid"


def test_second_scan_says_when_and_by_whom(lists, acme, make_user):
    from civitas.events.services import checkin

    rep = acme.representatives.first()
    lst = lists["event"]
    user = make_user("accueil@example.org", full_name="Alice Accueil")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    at = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(9, 12)))
    checkin.scan(lst, payload(rep), by=user, client_id="a1", at=at)
    again = checkin.scan(lst, payload(rep), client_id="b1")
    assert again.status == "already"
    assert again.message == "Already checked in at 09:12 by Alice Accueil"
    assert lst.checkins.count() == 1


def test_resent_scan_is_recorded_once(lists, acme):
    from civitas.events.services import checkin

    rep = acme.representatives.first()
    lst = lists["event"]
    assert checkin.scan(lst, payload(rep), client_id="dev-1").status == "valid"
    replay = checkin.scan(lst, payload(rep), client_id="dev-1")
    assert replay.status == "valid" and replay.replayed
    assert lst.checkins.count() == 1


def test_unknown_codes(lists, acme, event):
    from civitas.events.services import checkin

    lst = lists["event"]
    for code in ["", "hello", "x" * 600, "https://evil.example/checkin/../", "A" * 30]:
        assert checkin.scan(lst, code).status == "unknown", code
    # A token of another event is unknown here.
    from tests.events.conftest import make_event

    other_event = make_event("autre")
    stranger = make_company(other_event, "Stranger").representatives.first()
    assert checkin.scan(lst, payload(stranger)).status == "unknown"


def test_not_registered_for_session_or_unvalidated(lists, acme, event):
    from civitas.events.models import Session
    from civitas.events.services import checkin

    rep, other = acme.representatives.all()
    session = Session.objects.get(day__event=event)
    rep.absent_sessions.add(session)
    res = checkin.scan(lists["session"], payload(rep))
    assert res.status == "not_registered"
    assert "Not registered" in res.message
    # Absent from every session of the day: not on the day list either.
    assert checkin.scan(lists["day"], payload(rep)).status == "not_registered"
    assert checkin.scan(lists["day"], payload(other)).status == "valid"
    pending = make_company(event, "Pending", validated=False).representatives.first()
    assert checkin.scan(lists["event"], payload(pending)).status == "not_registered"
    assert checkin.eligible_ids(lists["session"]) == {other.pk}
    assert checkin.eligible_ids(lists["day"]) == {other.pk}


def test_registered_check_refuses(lists, acme):
    from civitas.events.services import checkin

    def unpaid(lst, rep):
        return "Unpaid"

    checkin.register_check(unpaid)
    try:
        res = checkin.scan(lists["event"], payload(acme.representatives.first()))
    finally:
        checkin.unregister_check(unpaid)
    assert res.status == "refused" and res.message == "Unpaid"


def test_generic_target_list(event, acme):
    from civitas.events.models import CheckinList
    from civitas.events.services import checkin

    rep, other = acme.representatives.all()
    lst = CheckinList.objects.create(
        event=event, name="Atelier", kind="other", target_type="workshop", target_id=4
    )
    assert checkin.scan(lst, payload(rep)).status == "not_registered"  # no rule yet
    checkin.register_target("workshop", lambda lst, r: r.pk == rep.pk)
    assert checkin.scan(lst, payload(rep)).status == "valid"
    assert checkin.scan(lst, payload(other)).status == "not_registered"
    assert checkin.eligible_ids(lst) == {rep.pk}


def test_sync_batch_answers_each_scan_in_order(lists, acme):
    from civitas.events.services import checkin

    rep, other = acme.representatives.all()
    lst = lists["event"]
    batch = [
        {"client_id": "q1", "code": payload(rep), "at": "2026-03-10T08:12:00Z"},
        {"client_id": "q2", "rep": other.pk},
        {"client_id": "q3", "code": "nope"},
        {"client_id": "q4", "code": payload(rep), "direction": "exit"},
        "garbage",
        {"client_id": "q5", "rep": "1; drop"},
        {"client_id": "q6", "rep": True},
    ]
    statuses = [r.status for r in checkin.sync(lst, batch)]
    assert statuses == ["valid", "valid", "unknown", "exit", "unknown", "unknown", "unknown"]
    # The same queue flushed twice records nothing more.
    again = checkin.sync(lst, batch)
    assert [r.replayed for r in again][:2] == [True, True]
    assert lst.checkins.count() == 3
    entry = lst.checkins.get(client_id="q1")
    assert entry.scanned_at == dt.datetime(2026, 3, 10, 8, 12, tzinfo=dt.UTC)
    assert entry.representative == rep


def test_device_clock_in_the_future_is_not_believed(lists, acme):
    from civitas.events.services import checkin

    rep = acme.representatives.first()
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    checkin.sync(lists["event"], [{"client_id": "f", "code": payload(rep), "at": future}])
    row = lists["event"].checkins.get()
    assert row.scanned_at <= timezone.now()


def test_presence_per_day(lists, acme, event):
    from civitas.events.services import checkin

    rep, other = acme.representatives.all()
    tz = timezone.get_current_timezone()
    day = timezone.localdate() - dt.timedelta(days=1)
    checkin.scan(lists["day"], payload(rep), at=dt.datetime.combine(day, dt.time(8, 50), tz))
    checkin.scan(
        lists["day"],
        payload(rep),
        at=dt.datetime.combine(day, dt.time(17, 5), tz),
        direction="exit",
        client_id="out",
    )
    p = checkin.presence(event, day)
    assert set(p) == {rep.pk}
    assert timezone.localtime(p[rep.pk]["first_in"]).hour == 8
    assert timezone.localtime(p[rep.pk]["last_out"]).hour == 17
    assert checkin.present_ids(event, day + dt.timedelta(days=1)) == set()


def _meeting(event, a, b):
    from civitas.events.models import Meeting, MeetingRequest, Room, Slot

    req = MeetingRequest.objects.create(event=event, sender=a, recipient=b, state="confirmed")
    slot = Slot.objects.filter(session__day__event=event).order_by("start").first()
    return Meeting.objects.create(
        event=event, request=req, slot=slot, room=Room.objects.first(), table_number=1
    )


def test_meeting_held_and_no_shows(lists, event, make_user):
    from civitas.events.services import ServiceError, checkin

    a = make_company(event, "Alpha").representatives.first()
    b = make_company(event, "Beta").representatives.first()
    c = make_company(event, "Gamma").representatives.first()
    meeting = _meeting(event, a, b)
    start = meeting.slot.start
    assert start > timezone.now()  # 2027: not started yet
    with pytest.raises(ServiceError):
        checkin.confirm_held(meeting, by_rep=a)
    # The meeting was yesterday at 10:00; only A came.
    tz = timezone.get_current_timezone()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    start = dt.datetime.combine(yesterday, dt.time(10), tz)
    meeting.slot.start, meeting.slot.end = start, start + dt.timedelta(minutes=20)
    meeting.slot.save()
    checkin.scan(lists["event"], payload(a), at=start - dt.timedelta(minutes=30))
    later = start + dt.timedelta(minutes=5)
    no_shows = checkin.likely_no_shows(event, now=later)
    assert [(m.pk, [r.pk for r in absent]) for m, absent in no_shows] == [(meeting.pk, [b.pk])]
    with pytest.raises(ServiceError):
        checkin.mark_no_show(meeting, c)
    outcome = checkin.mark_no_show(meeting, b, by_user=make_user("org@example.org"))
    assert outcome.state == "no_show" and outcome.absent == b
    assert checkin.likely_no_shows(event, now=later) == []


def test_confirm_held_by_party_only(lists, event):
    from civitas.events.services import ServiceError, checkin

    a = make_company(event, "Alpha").representatives.first()
    b = make_company(event, "Beta").representatives.first()
    c = make_company(event, "Gamma").representatives.first()
    meeting = _meeting(event, a, b)
    meeting.slot.start = timezone.now() - dt.timedelta(minutes=10)
    meeting.slot.save()
    with pytest.raises(ServiceError):
        checkin.confirm_held(meeting, by_rep=c)
    outcome = checkin.confirm_held(meeting, by_rep=b)
    assert outcome.state == "held" and outcome.confirmed_by_rep == b
