"""Waiting lists per slot (direct booking mode): join, position, leave, automatic placement
of the first compatible entry when a place frees up, expiry when the slot starts, and the
PostgreSQL race for the last table."""

import datetime as dt
import threading
import time

import pytest
from django.db import IntegrityError, connection
from django.urls import reverse
from django.utils import timezone

from civitas.core.locking import race_test
from civitas.core.outbox.models import Message
from civitas.events.models import Meeting, MeetingRequest, Slot, SlotWaitlistEntry
from civitas.events.services import ServiceError, manual, waitlist
from civitas.events.services import meetings as svc

from .conftest import make_company, make_event

State = SlotWaitlistEntry.State


def _reps(event, *names):
    return [make_company(event, n).representatives.get() for n in names]


def _first_slot(event):
    return Slot.objects.filter(session__day__event=event).order_by("start").first()


def _meet(x, y, slot):
    req = svc.send_request(x, y, slot=slot)
    svc.accept_request(req, y)
    return svc.confirm_request(req, x)


def _accepted(x, y, slot):
    req = svc.send_request(x, y, slot=slot)
    return svc.accept_request(req, y)


@pytest.mark.django_db
def test_full_slot_waiting_list_positions_and_promotion():
    event = make_event("wl", mode="slots", tables=1)
    slot = _first_slot(event)
    x, y, a, b, c, d = _reps(event, "Xeno", "Ypsi", "Alpha", "Beta", "Gamma", "Delta")
    first = _meet(x, y, slot)
    ab = _accepted(a, b, slot)
    with pytest.raises(ServiceError, match="No table is left"):
        svc.confirm_request(ab, a)
    e1 = waitlist.join(ab, a)
    cd = _accepted(c, d, slot)
    e2 = waitlist.join(cd, d)  # either party may join
    assert (waitlist.position(e1), waitlist.position(e2)) == (1, 2)
    with pytest.raises(ServiceError, match="already on the waiting list"):
        waitlist.join(ab, b)
    Message.objects.all().delete()
    # The participant X cancels: the place goes to the first entry.
    svc.cancel_request(first, x)
    ab.refresh_from_db()
    e1.refresh_from_db()
    assert ab.state == "confirmed" and e1.state == State.PLACED
    meeting = Meeting.objects.get(request=ab, state="scheduled")
    assert meeting.slot == slot and e1.meeting == meeting and meeting.published
    promoted = Message.objects.filter(template_code="events.waitlist_promoted")
    assert sorted(promoted.values_list("to", flat=True)) == sorted([a.email, b.email])
    assert "09:00" in promoted[0].body_text
    assert Message.objects.filter(channel="sms", body_text__contains="place").count() >= 2
    assert waitlist.position(e2) == 1
    # Leaving the list
    waitlist.leave(e2, c)
    e2.refresh_from_db()
    assert e2.state == State.LEFT and waitlist.position(e2) is None
    with pytest.raises(ServiceError):
        waitlist.leave(e2, c)


@pytest.mark.django_db
def test_other_party_busy_and_first_compatible_entry():
    event = make_event("wl-busy", mode="slots", tables=5)
    slot = _first_slot(event)
    a, b, c, d, z = _reps(event, "Alpha", "Beta", "Gamma", "Delta", "Zeta")
    ab = _accepted(a, b, slot)
    bz = _meet(b, z, slot)  # meanwhile B confirms another meeting at that slot
    with pytest.raises(ServiceError, match="already has a meeting"):
        svc.confirm_request(ab, a)
    # B is the one who is busy: B cannot join for A-B (their own meeting is in the way).
    with pytest.raises(ServiceError, match="You already have a meeting"):
        waitlist.join(ab, b)
    e_ab = waitlist.join(ab, a)
    # C-D has a free place (5 tables, both free), so it cannot join: confirm instead.
    cd = _accepted(c, d, slot)
    with pytest.raises(ServiceError, match="A place is free"):
        waitlist.join(cd, c)
    # A pending request cannot wait: both parties must have agreed.
    pending = svc.send_request(d, z, slot=Slot.objects.filter(session__day__event=event)[1])
    with pytest.raises(ServiceError, match="accepted by both"):
        waitlist.join(pending, d)
    # The organisers move B-Z away from the slot: B is free, A-B takes the slot.
    bz_meeting = Meeting.objects.get(request=bz, state="scheduled")
    later = Slot.objects.filter(session__day__event=event).order_by("start")[2]
    manual.move_meeting(bz_meeting, later)
    e_ab.refresh_from_db()
    assert e_ab.state == State.PLACED
    assert Meeting.objects.get(request=ab, state="scheduled").slot == slot


@pytest.mark.django_db
def test_incompatible_first_entry_is_skipped():
    event = make_event("wl-skip", mode="slots", tables=2)
    s1, s2, _ = Slot.objects.filter(session__day__event=event).order_by("start")
    x, y, p, q, a, b, c, d = _reps(event, "X", "Y", "P", "Q", "Alpha", "Beta", "Gamma", "Delta")
    m1 = _meet(x, y, s1)
    _meet(p, q, s1)
    e_ab = waitlist.join(_accepted(a, b, s1), a)
    e_cd = waitlist.join(_accepted(c, d, s1), c)
    # A, first on the list, now says they will miss that session.
    a.absent_sessions.add(s1.session)
    manual.cancel_placement(Meeting.objects.get(request=m1), "Salle", close_request=True)
    e_ab.refresh_from_db()
    e_cd.refresh_from_db()
    assert e_ab.state == State.WAITING  # A does not attend: skipped, still waiting
    assert e_cd.state == State.PLACED
    assert Meeting.objects.filter(slot=s2).count() == 0


@pytest.mark.django_db
def test_entries_expire_when_the_slot_starts():
    event = make_event("wl-exp", mode="slots", tables=1)
    slot = _first_slot(event)
    x, y, a, b = _reps(event, "X", "Y", "Alpha", "Beta")
    _meet(x, y, slot)
    entry = waitlist.join(_accepted(a, b, slot), a)
    Message.objects.all().delete()
    assert waitlist.expire() == 0
    start = timezone.now() - dt.timedelta(minutes=1)
    Slot.objects.filter(pk=slot.pk).update(start=start, end=start + dt.timedelta(minutes=20))
    assert waitlist.expire() == 1
    entry.refresh_from_db()
    assert entry.state == State.EXPIRED and entry.ended_at
    mails = Message.objects.filter(template_code="events.waitlist_expired")
    assert sorted(mails.values_list("to", flat=True)) == sorted([a.email, b.email])
    with pytest.raises(ServiceError, match="already started"):
        waitlist.join(MeetingRequest.objects.get(sender=a), b)


@pytest.mark.django_db
def test_participant_views_join_see_position_leave(client):
    event = make_event("wl-views", mode="slots", tables=1)
    slot = _first_slot(event)
    x, y, a, b, c, d = _reps(event, "X", "Y", "Alpha", "Beta", "Gamma", "Delta")
    _meet(x, y, slot)
    ab = _accepted(a, b, slot)
    cd = _accepted(c, d, slot)
    waitlist.join(cd, c)
    client.force_login(a.user)
    home = client.get(reverse("events:area_home", kwargs={"slug": event.slug})).content.decode()
    join_url = reverse("events:area_waitlist_join", kwargs={"slug": event.slug, "pk": ab.pk})
    assert join_url in home
    r = client.post(join_url)
    assert r.status_code == 302
    entry = SlotWaitlistEntry.objects.get(request=ab)
    page = client.get(reverse("events:area_waitlist", kwargs={"slug": event.slug}))
    html = page.content.decode()
    assert "Beta" in html and "<td>2</td>" in html  # behind Gamma-Delta
    assert "Gamma" not in html  # another company's entry is never shown
    # Someone else cannot join or leave for them.
    client.force_login(c.user)
    assert client.post(join_url).status_code == 404
    leave_url = reverse("events:area_waitlist_leave", kwargs={"slug": event.slug, "pk": entry.pk})
    assert client.post(leave_url).status_code == 404
    entry.refresh_from_db()
    assert entry.state == State.WAITING
    client.force_login(b.user)
    assert client.post(leave_url).status_code == 302
    entry.refresh_from_db()
    assert entry.state == State.LEFT


def _race(monkeypatch, locking):
    """Two tables, one free; two waiting entries promoted at the same time."""
    event = make_event(f"wl-race-{locking}", mode="slots", tables=2)
    slot = _first_slot(event)
    x, y, p, q, a, b, c, d = _reps(event, "X", "Y", "P", "Q", "Alpha", "Beta", "Gamma", "Delta")
    _meet(x, y, slot)
    pq = _meet(p, q, slot)
    e1 = waitlist.join(_accepted(a, b, slot), a)
    e2 = waitlist.join(_accepted(c, d, slot), c)
    # Free the last table without going through the waiting list.
    Meeting.objects.filter(request=pq).update(state=Meeting.State.CANCELLED)
    passed_checks = []

    def slow():
        passed_checks.append(1)
        time.sleep(0.5)

    start = threading.Barrier(2)
    results = {}

    def promote(entry):
        try:
            start.wait()
            waitlist.promote_entry(entry)
            results[entry.pk] = "ok"
        except ServiceError as exc:
            results[entry.pk] = str(exc)
        except IntegrityError:
            results[entry.pk] = "integrity error"
        finally:
            connection.close()

    threads = [threading.Thread(target=promote, args=(e,)) for e in (e1, e2)]
    with race_test(locks=locking, after_checks=slow):
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    count = Meeting.objects.filter(slot=slot, state="scheduled").count()
    return results, count, len(passed_checks)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_race_for_the_last_table_exists_without_locks(monkeypatch):
    results, count, passed = _race(monkeypatch, locking=False)
    # Both promotions passed the checks with the same table in view: only the database
    # constraint stopped the second one, with an error instead of a clear message.
    assert passed == 2
    assert sorted(results.values()) == ["integrity error", "ok"]
    assert count == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_promotions_for_the_last_table_never_both_succeed(monkeypatch):
    results, count, passed = _race(monkeypatch, locking=True)
    assert passed == 1  # the second one waited for the lock, then saw the table taken
    assert sum(v == "ok" for v in results.values()) == 1
    refusal = next(v for v in results.values() if v != "ok")
    assert "10/03/2027 09:00" in refusal  # the clear "no table left" message, naming the slot
    assert count == 2  # X-Y and the one promoted
    assert SlotWaitlistEntry.objects.filter(state=State.WAITING).count() == 1


# --- Back office: the waiting lists of an event ------------------------------------------


@pytest.mark.django_db
def test_back_office_lists_and_removes_with_event_scope(client):
    from civitas.core.models import JournalEntry, Role
    from civitas.core.permissions import clear_cache
    from tests.conftest import make_user

    event = make_event("wl-bo", mode="slots", tables=1)
    other_event = make_event("wl-bo-other", mode="slots", tables=1)
    slot = _first_slot(event)
    x, y, a, b, c, d = _reps(event, "Xeno", "Ypsi", "Alpha", "Beta", "Gamma", "Delta")
    _meet(x, y, slot)
    e1 = waitlist.join(_accepted(a, b, slot), a)
    e2 = waitlist.join(_accepted(c, d, slot), d)
    role = Role.objects.create(
        code="meetops",
        name="Meetings",
        permissions=["core.access_backoffice", "events.manage_meetings"],
    )
    admin = make_user("meetops@example.org", role_code=role.code, scope=("event", event.pk))
    clear_cache(admin)
    client.force_login(admin)
    agendas = client.get(reverse("events:bo_agendas", kwargs={"pk": event.pk}))
    lists_url = reverse("events:bo_waitlists", kwargs={"pk": event.pk})
    assert lists_url in agendas.content.decode()
    page = client.get(lists_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.index(a.full_name) < page.index(c.full_name)  # by position
    assert b.company.name in page and d.company.name in page
    assert x.full_name not in page  # placed meetings are not on the list
    remove_url = reverse("events:bo_waitlist_remove", kwargs={"pk": event.pk, "entry_pk": e1.pk})
    assert remove_url in page
    # Too long a reason: refused, the text stays in the form, nothing changed.
    r = client.post(remove_url, {"reason": "z" * 301})
    assert r.status_code == 200 and "z" * 301 in r.content.decode()
    e1.refresh_from_db()
    assert e1.state == State.WAITING
    r = client.post(remove_url, {"reason": "Duplicate request"})
    assert r.status_code == 302 and r["Location"] == lists_url
    e1.refresh_from_db()
    assert e1.state == State.REMOVED and e1.ended_at is not None
    assert waitlist.position(e2) == 1
    entry = JournalEntry.objects.get(action="events.waitlist_entry_removed")
    assert entry.details["reason"] == "Duplicate request"
    page = client.get(lists_url).content.decode()
    assert a.full_name not in page and c.full_name in page
    # A second removal of the same entry: refused with a message, no second journal line.
    r = client.post(remove_url, {"reason": ""})
    assert r.status_code == 200
    assert JournalEntry.objects.filter(action="events.waitlist_entry_removed").count() == 1
    # Another event's lists: refused; its entry through this event: 404, left untouched.
    ox, oy, oa, ob = _reps(other_event, "Omega", "Opal", "Orca", "Onyx")
    oslot = _first_slot(other_event)
    _meet(ox, oy, oslot)
    other_entry = waitlist.join(_accepted(oa, ob, oslot), oa)
    assert (
        client.get(reverse("events:bo_waitlists", kwargs={"pk": other_event.pk})).status_code == 403
    )
    kw = {"pk": other_event.pk, "entry_pk": other_entry.pk}
    assert client.post(reverse("events:bo_waitlist_remove", kwargs=kw), {}).status_code == 403
    kw["pk"] = event.pk
    assert client.post(reverse("events:bo_waitlist_remove", kwargs=kw), {}).status_code == 404
    other_entry.refresh_from_db()
    assert other_entry.state == State.WAITING
    # A participant never gets in.
    client.force_login(a.user)
    assert client.get(lists_url).status_code == 403
