"""Expert meetings (003 §4.2.3): both assignment modes, quota, no double booking with B2B
meetings, the scheduler's view, agendas, last-minute absence, back office and scope."""

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from civitas.core.locking import race_test
from civitas.core.models import JournalEntry, Role, RoleAssignment
from civitas.core.outbox.models import Message
from civitas.core.permissions import clear_cache
from civitas.events.models import (
    Day,
    Expert,
    ExpertAbsence,
    ExpertiseField,
    ExpertMeeting,
    MeetingRequest,
    Session,
    Slot,
)
from civitas.events.services import ServiceError, agenda, setup
from civitas.events.services import experts as svc
from civitas.events.services import meetings as meeting_svc
from civitas.events.services import scheduling as scheduling_svc

from .conftest import make_company, make_event

S = ExpertMeeting.State


def at(hour, minute=0, day=10):
    return timezone.make_aware(dt.datetime(2027, 3, day, hour, minute))


def field(event, label):
    return ExpertiseField.objects.get_or_create(event=event, label_fr=label)[0]


def make_expert(event, last_name, fields=("Export",), *, sessions=None, **kw):
    expert = Expert(
        event=event,
        first_name="Eve",
        last_name=last_name,
        email=f"{last_name.lower()}@experts.example",
        phone=kw.pop("phone", "+33700000001"),
        place=kw.pop("place", f"Desk {last_name}"),
        **kw,
    )
    return svc.save_expert(
        expert,
        fields=[field(event, f) for f in fields],
        sessions=sessions or list(Session.objects.filter(day__event=event)),
        sought_sectors=[],
    )


def rep_of(event, name):
    return make_company(event, name).representatives.get()


def b2b(rep, other, start):
    """A confirmed B2B meeting of `rep` and `other` placed at `start`."""
    slot = Slot.objects.get(session__day__event=rep.company.event, start=start)
    req = MeetingRequest.objects.create(
        event=rep.company.event, sender=rep, recipient=other, state=MeetingRequest.State.CONFIRMED
    )
    with transaction.atomic():  # place_meeting is called inside a transaction
        return meeting_svc.place_meeting(req, slot)


def emails_to(address, code=None):
    qs = Message.objects.filter(channel="email", to=address)
    return qs.filter(template_code=code) if code else qs


def sms_containing(text):
    return Message.objects.filter(channel="sms", body_text__contains=text)


# --- "As they come" ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_as_they_come_in_order_of_arrival_until_the_quota(event):
    expert = make_expert(event, "Roux", quota=2)
    a, b, c = rep_of(event, "Alpha"), rep_of(event, "Beta"), rep_of(event, "Gamma")
    m1 = svc.request_meeting(a, expert, "Export to Morocco")
    m2 = svc.request_meeting(b, expert)
    assert (m1.state, m1.start, m1.end) == (S.SCHEDULED, at(9), at(9, 20))
    assert (m2.state, m2.start) == (S.SCHEDULED, at(9, 20))
    with pytest.raises(ServiceError, match="limit of 2 meetings"):
        svc.request_meeting(c, expert)
    assert not ExpertMeeting.objects.filter(representative=c).exists()
    # Participant and expert are told, by mail and SMS, with time and place.
    assert emails_to(a.email, "events.expert_meeting_scheduled").count() == 1
    to_expert = emails_to(expert.email, "events.expert_meeting_for_expert")
    assert to_expert.count() == 2
    # the interlocutor's identity
    assert "P0 Alpha (Alpha)" in to_expert.order_by("pk").first().body_text
    assert sms_containing("Desk Roux").filter(to="+33700000001").count() == 2
    assert sms_containing("10/03/2027 09:00").exclude(to="+33700000001").count() == 1


@pytest.mark.django_db
def test_a_participant_cannot_ask_the_same_expert_twice_nor_before_validation(event):
    expert = make_expert(event, "Roux")
    a = rep_of(event, "Alpha")
    svc.request_meeting(a, expert)
    with pytest.raises(ServiceError, match="already have"):
        svc.request_meeting(a, expert)
    pending = make_company(event, "Pending", validated=False).representatives.get()
    with pytest.raises(ServiceError, match="validated"):
        svc.request_meeting(pending, expert)


@pytest.mark.django_db
def test_no_double_booking_with_b2b_meetings_and_unattended_sessions(event):
    expert = make_expert(event, "Roux")
    a, b, c = rep_of(event, "Alpha"), rep_of(event, "Beta"), rep_of(event, "Gamma")
    b2b(a, b, at(9))
    em = svc.request_meeting(a, expert)
    assert em.start == at(9, 20)  # 9:00 is taken by the B2B meeting
    # The other way round: no B2B meeting where the person meets an expert.
    with pytest.raises(ServiceError, match="expert meeting"):
        b2b(a, c, at(9, 20))
    # Sessions the participant does not attend are neutralised.
    c.absent_sessions.set(Session.objects.filter(day__event=event))
    with pytest.raises(ServiceError, match="no free time"):
        svc.request_meeting(c, expert)


@pytest.mark.django_db
def test_expert_slot_length_differs_from_the_b2b_one(event):
    expert = make_expert(event, "Long", slot_minutes=30)
    times = svc.expert_times(expert)
    assert [(t.start, t.end) for t in times] == [(at(9), at(9, 30)), (at(9, 30), at(10))]
    a, b = rep_of(event, "Alpha"), rep_of(event, "Beta")
    b2b(a, b, at(9, 20))  # overlaps both expert slots
    with pytest.raises(ServiceError, match="no free time"):
        svc.request_meeting(a, expert)


@pytest.mark.django_db
def test_the_b2b_scheduler_sees_expert_meetings_as_busy(event):
    expert = make_expert(event, "Long", slot_minutes=30)
    a, b = rep_of(event, "Alpha"), rep_of(event, "Beta")
    em = svc.request_meeting(a, expert)
    assert (em.start, em.end) == (at(9), at(9, 30))
    MeetingRequest.objects.create(
        event=event, sender=a, recipient=b, state=MeetingRequest.State.CONFIRMED
    )
    instance, _ = scheduling_svc.build_instance(event)
    slots = {s.start: f"s{s.pk}" for s in Slot.objects.filter(session__day__event=event)}
    unavailable = {p["id"]: set(p["unavailable"]) for p in instance["participants"]}
    assert unavailable[f"p{a.pk}"] == {slots[at(9)], slots[at(9, 20)]}
    assert unavailable[f"p{b.pk}"] == set()
    # The real solver then places the B2B meeting after the expert meeting.
    run = scheduling_svc.ScheduleRun.objects.create(event=event)
    scheduling_svc.run_now(run, time_limit=5)
    meeting = a.sent_requests.get().meetings.get(state="scheduled")
    assert meeting.slot.start == at(9, 40)


@pytest.mark.django_db
def test_an_expert_meeting_booked_while_the_solver_runs_is_not_double_booked(event):
    from civitas.scheduling import solve

    expert = make_expert(event, "Late")
    a, b = rep_of(event, "Alpha"), rep_of(event, "Beta")
    MeetingRequest.objects.create(
        event=event, sender=a, recipient=b, state=MeetingRequest.State.CONFIRMED
    )
    run = scheduling_svc.ScheduleRun.objects.create(event=event)
    instance, by_id = scheduling_svc.build_instance(event)
    result = solve(instance, time_limit=5)
    [placed] = result["assignments"]
    slot = Slot.objects.get(pk=int(placed["slot"][1:]))
    # Meanwhile Alpha books the expert at exactly that time.
    em = svc.request_meeting(a, expert)
    assert em.start == slot.start
    scheduling_svc.apply_result(run, result, by_id)
    assert not scheduling_svc.Meeting.objects.filter(event=event, state="scheduled").exists()
    assert run.scheduled == 0 and len(run.unscheduled) == 1
    assert "expert" in run.unscheduled[0]["reason"]


# --- Agendas ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_agendas_and_calendar_show_expert_meetings(event, client):
    from tests.conftest import make_user

    expert = make_expert(event, "Roux", place="Stand 12")
    a, b = rep_of(event, "Alpha"), rep_of(event, "Beta")
    b2b(a, b, at(9))
    em = svc.request_meeting(a, expert, "Our project")
    days = agenda.by_day(a)
    assert [(type(m).__name__, other) for m, other in days[0][1]] == [
        ("Meeting", b),
        ("ExpertMeeting", expert),
    ]
    client.force_login(a.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("events:area_agenda", kwargs={"slug": event.slug})).content.decode()
    assert "Expert: Eve Roux" in html and "Stand 12" in html and "09:20" in html
    ics = client.get(reverse("events:calendar_feed", kwargs={"token": a.calendar_token}))
    assert f"UID:expert-meeting-{em.pk}@".encode() in ics.content
    assert b"LOCATION:Stand 12" in ics.content
    # The expert's own agenda: the interlocutor and their project.
    expert_user = make_user(expert.email)
    expert = svc.save_expert(
        expert,
        fields=expert.fields.all(),
        sessions=expert.sessions.all(),
        sought_sectors=[],
    )
    assert expert.user == expert_user
    b = rep_of(event, "Gamma")
    svc.request_meeting(b, expert)
    mail = emails_to(expert.email, "events.expert_meeting_for_expert").order_by("-pk").first()
    assert f"/espace/evenements/{event.slug}/expert/agenda/" in mail.body_text
    client.force_login(expert_user)
    url = reverse("events:expert_agenda", kwargs={"slug": event.slug})
    html = client.get(url).content.decode()
    assert "P0 Alpha (Alpha)" in html and "Our project" in html
    assert "P0 Gamma (Gamma)" in html
    client.force_login(b.user)  # a participant is not an expert
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_backoffice_participant_agenda_shows_expert_meetings(event, client_for):
    expert = make_expert(event, "Roux")
    a = rep_of(event, "Alpha")
    svc.request_meeting(a, expert)
    url = reverse("events:bo_agenda", kwargs={"pk": event.pk, "rep_pk": a.pk})
    assert "Expert: Eve Roux" in client_for("principal", lang="en").get(url).content.decode()


# --- Pre-assignment validated by the organiser ---------------------------------------------


@pytest.mark.django_db
def test_pre_assignment_organiser_chooses_and_everyone_is_told(event, client_for):
    expert = make_expert(event, "Star", quota=2, mode=Expert.Mode.PRE_ASSIGNMENT)
    a, b, c = rep_of(event, "Alpha"), rep_of(event, "Beta"), rep_of(event, "Gamma")
    for rep in (a, b, c):
        em = svc.request_meeting(rep, expert, f"Project of {rep.company.name}")
        assert em.state == S.CANDIDATE and em.start is None
    assert emails_to(a.email, "events.expert_request_received").count() == 1
    url = reverse("events:bo_expert_candidates", kwargs={"pk": event.pk, "expert_pk": expert.pk})
    principal = client_for("principal")
    page = principal.get(url)
    # The automatic pre-assignment ticks the first two by order of arrival.
    assert page.context["form"].initial["chosen"] == [
        ExpertMeeting.objects.get(representative=a).pk,
        ExpertMeeting.objects.get(representative=b).pk,
    ]
    assert "Project of Gamma" in page.content.decode()
    chosen = [ExpertMeeting.objects.get(representative=r).pk for r in (a, c)]
    r = principal.post(url, {"chosen": chosen})
    assert r.status_code == 302
    ems = {em.representative_id: em for em in ExpertMeeting.objects.filter(expert=expert)}
    assert ems[a.pk].state == S.SCHEDULED and ems[c.pk].state == S.SCHEDULED
    assert {ems[a.pk].start, ems[c.pk].start} == {at(9), at(9, 20)}
    assert ems[b.pk].state == S.NOT_RETAINED
    assert emails_to(c.email, "events.expert_meeting_scheduled").count() == 1
    assert emails_to(b.email, "events.expert_not_retained").count() == 1
    assert emails_to(b.email, "events.expert_meeting_scheduled").count() == 0
    assert emails_to(expert.email, "events.expert_meeting_for_expert").count() == 2
    assert JournalEntry.objects.filter(action="events.expert_candidates_assigned").exists()


@pytest.mark.django_db
def test_pre_assignment_refuses_more_than_the_places_and_keeps_the_choice(event, client_for):
    expert = make_expert(event, "Star", quota=2, mode=Expert.Mode.PRE_ASSIGNMENT)
    reps = [rep_of(event, n) for n in ("Alpha", "Beta", "Gamma")]
    ems = [svc.request_meeting(r, expert) for r in reps]
    url = reverse("events:bo_expert_candidates", kwargs={"pk": event.pk, "expert_pk": expert.pk})
    r = client_for("principal", lang="en").post(url, {"chosen": [em.pk for em in ems]})
    assert r.status_code == 200
    html = r.content.decode()
    assert "only 2 places left" in html
    assert html.count("checked") == 3  # what was ticked is still ticked
    assert not ExpertMeeting.objects.filter(state=S.SCHEDULED).exists()
    assert not Message.objects.filter(template_code="events.expert_not_retained").exists()


@pytest.mark.django_db
def test_pre_assignment_finds_a_time_for_each_chosen_candidate(event):
    """Greedy in arrival order would give Alpha 9:00, the only time Beta is free; the
    assignment gives Alpha another time instead."""
    expert = make_expert(event, "Star", mode=Expert.Mode.PRE_ASSIGNMENT)
    a, b = rep_of(event, "Alpha"), rep_of(event, "Beta")
    x, y = rep_of(event, "Xeno"), rep_of(event, "Yota")
    b2b(b, x, at(9, 20))
    b2b(b, y, at(9, 40))
    ems = [svc.request_meeting(a, expert), svc.request_meeting(b, expert)]
    svc.assign_candidates(expert, [em.pk for em in ems])
    starts = dict(ExpertMeeting.objects.values_list("representative_id", "start"))
    assert starts[b.pk] == at(9) and starts[a.pk] == at(9, 20)
    # A candidate with no common free time cannot be chosen: clear refusal, nothing changes.
    z = rep_of(event, "Zeta")
    z.absent_sessions.set(Session.objects.filter(day__event=event))
    em = svc.request_meeting(z, expert)
    with pytest.raises(ServiceError, match="P0 Zeta"):
        svc.assign_candidates(expert, [em.pk])
    em.refresh_from_db()
    assert em.state == S.CANDIDATE


# --- Cancellation --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_participant_cancels_the_expert_and_organisers_are_told(event, client, users):
    expert = make_expert(event, "Roux", quota=1)
    a, b = rep_of(event, "Alpha"), rep_of(event, "Beta")
    em = svc.request_meeting(a, expert)
    client.force_login(b.user)  # not theirs
    url = reverse("events:area_expert_cancel", kwargs={"slug": event.slug, "pk": em.pk})
    assert client.post(url).status_code == 404
    client.force_login(a.user)
    assert client.post(url).status_code == 302
    em.refresh_from_db()
    assert em.state == S.CANCELLED
    assert emails_to(expert.email, "events.expert_meeting_cancelled_expert").count() == 1
    assert emails_to(a.email, "events.expert_meeting_cancelled").get().cc  # organisers in copy
    assert svc.request_meeting(b, expert).state == S.SCHEDULED  # the place is free again


# --- Last-minute absence ------------------------------------------------------------------------


@pytest.mark.django_db
def test_absence_moves_meetings_to_compatible_experts_and_cancels_the_rest(event, client_for):
    absent = make_expert(event, "Absent", ["Export", "Customs"])
    same = make_expert(event, "Same", ["Export"], quota=3, phone="+33700000002")
    make_expert(event, "Finance", ["Finance"])  # other field: never a replacement
    r1, r2, r3, r4 = (rep_of(event, n) for n in ("Alpha", "Beta", "Gamma", "Delta"))
    busy = svc.request_meeting(r4, same)  # Same is busy at 9:00
    assert busy.start == at(9)
    m1 = svc.request_meeting(r1, absent)  # 9:00
    m2 = svc.request_meeting(r2, absent)  # 9:20
    m3 = svc.request_meeting(r3, absent, topic=field(event, "Customs"))  # 9:40
    Message.objects.all().delete()
    principal = client_for("principal")
    url = reverse("events:bo_expert_absence", kwargs={"pk": event.pk, "expert_pk": absent.pk})
    r = principal.post(url, {"day": ""})
    assert r.status_code == 302
    for m in (m1, m2, m3):
        m.refresh_from_db()
    # 9:00 is taken at Same: Alpha moves to another time when both are free.
    assert (m1.state, m1.expert, m1.start, m1.moved_from) == (S.SCHEDULED, same, at(9, 20), absent)
    # Beta's 9:20 at Same now belongs to Alpha (earlier meetings first): Beta gets 9:40.
    assert (m2.state, m2.expert, m2.start) == (S.SCHEDULED, same, at(9, 40))
    # Gamma asked about customs: nobody else covers it.
    assert m3.state == S.CANCELLED
    absence = ExpertAbsence.objects.get()
    assert r["Location"].endswith(f"/absences/{absence.pk}/")
    assert [x["meeting"] for x in absence.moved] == [m1.pk, m2.pk]
    assert [x["meeting"] for x in absence.cancelled] == [m3.pk]
    report = principal.get(r["Location"]).content.decode()
    assert "P0 Gamma (Gamma)" in report and "Eve Same" in report and "Desk Same" in report
    # Everyone concerned is told, by mail and SMS.
    moved_mail = emails_to(r1.email, "events.expert_meeting_moved").get()
    assert "Eve Same" in moved_mail.body_text and "09:20" in moved_mail.body_text
    assert emails_to(r3.email, "events.expert_meeting_cancelled_absence").count() == 1
    assert sms_containing("Eve Absent").count() == 3  # 2 moved + 1 cancelled
    assert emails_to(same.email, "events.expert_meeting_for_expert").count() == 2
    assert not emails_to(r4.email).exists()
    entry = JournalEntry.objects.get(action="events.expert_absent")
    assert entry.details["moved"] == 2 and entry.details["cancelled"] == 1
    # The absent expert leaves the catalogue and takes no new request.
    absent.refresh_from_db()
    assert absent not in svc.public_experts(event)
    with pytest.raises(ServiceError):
        svc.request_meeting(rep_of(event, "Epsilon"), absent)


@pytest.mark.django_db
def test_absence_prefers_the_same_time_and_respects_quotas(event):
    absent = make_expert(event, "Absent")
    full = make_expert(event, "Full", quota=1)
    free = make_expert(event, "Free")
    svc.request_meeting(rep_of(event, "Delta"), full)  # Full has no place left
    m1 = svc.request_meeting(rep_of(event, "Alpha"), absent)
    svc.mark_absent(absent)
    m1.refresh_from_db()
    assert (m1.expert, m1.start) == (free, at(9))


@pytest.mark.django_db
def test_absence_for_one_day_leaves_the_other_days():
    event = make_event("two-days")
    day2 = Day.objects.create(event=event, date=dt.date(2027, 3, 11))
    session2 = Session.objects.create(
        day=day2, name="Matin", start_time=dt.time(9), end_time=dt.time(10), slot_minutes=20
    )
    setup.generate_slots(session2)
    day1 = Day.objects.get(event=event, date=dt.date(2027, 3, 10))
    expert = make_expert(event, "Roux")
    a = rep_of(event, "Alpha")
    a.absent_sessions.set([session2])
    m1 = svc.request_meeting(a, expert)
    b = rep_of(event, "Beta")
    b.absent_sessions.set(Session.objects.filter(day=day1))
    m2 = svc.request_meeting(b, expert)
    assert m1.start == at(9) and m2.start == at(9, day=11)
    svc.mark_absent(expert, day1)
    m1.refresh_from_db()
    m2.refresh_from_db()
    assert m1.state == S.CANCELLED  # no other expert
    assert (m2.state, m2.start) == (S.SCHEDULED, at(9, day=11))
    assert [t.start.date() for t in svc.expert_times(expert)] == [dt.date(2027, 3, 11)] * 3
    with pytest.raises(ServiceError, match="already"):
        svc.mark_absent(expert, day1)


# --- Back office: profiles, scope -------------------------------------------------------------


@pytest.mark.django_db
def test_expert_form_checks_input_keeps_it_and_links_the_account(event, client_for):
    from tests.conftest import make_user

    account = make_user("nadia@experts.example")
    session = Session.objects.get(day__event=event)
    export = field(event, "Export")
    url = reverse("events:bo_expert_new", kwargs={"pk": event.pk})
    data = {
        "first_name": "Nadia",
        "last_name": "Benali",
        "email": "Nadia@experts.example",
        "fields": [export.pk],
        "sessions": [session.pk],
        "place": "Stand 4",
        "sought_countries": "ma, Tunisia",
        "mode": "as_they_come",
        "is_public": "on",
        "bio": "Conseillère export Maghreb",
    }
    principal = client_for("principal")
    r = principal.post(url, data)
    assert r.status_code == 200
    assert "sought_countries" in r.context["form"].errors
    assert "Conseillère export Maghreb" in r.content.decode()  # nothing lost
    assert not Expert.objects.exists()
    data["sought_countries"] = "ma, tn"
    assert principal.post(url, data).status_code == 302
    expert = Expert.objects.get()
    assert expert.sought_countries == "MA, TN" and expert.user == account
    assert JournalEntry.objects.filter(action="events.expert_created").exists()
    # Public catalogue and profile.
    html = principal.get(reverse("events:catalogue", kwargs={"slug": event.slug})).content
    assert "Nadia Benali" in html.decode()
    html = principal.get(
        reverse("events:catalogue", kwargs={"slug": event.slug}) + "?q=maghreb"
    ).content.decode()
    assert "Nadia Benali" in html
    html = principal.get(
        reverse("events:catalogue", kwargs={"slug": event.slug}) + "?q=chine"
    ).content.decode()
    assert "Nadia Benali" not in html
    detail = reverse("events:expert_detail", kwargs={"slug": event.slug, "pk": expert.pk})
    assert "Stand 4" in principal.get(detail).content.decode()


@pytest.mark.django_db
def test_editing_an_expert_never_drops_a_meeting_silently(event, client_for):
    expert = make_expert(event, "Roux")
    svc.request_meeting(rep_of(event, "Alpha"), expert)
    url = reverse("events:bo_expert", kwargs={"pk": event.pk, "expert_pk": expert.pk})
    data = {
        "first_name": "Eve",
        "last_name": "Roux",
        "email": expert.email,
        "fields": [f.pk for f in expert.fields.all()],
        "sessions": [s.pk for s in expert.sessions.all()],
        "place": "Desk",
        "slot_minutes": "30",  # 9:00-9:30 no longer matches the 9:00-9:20 meeting
        "mode": "as_they_come",
    }
    r = client_for("principal", lang="en").post(url, data)
    assert r.status_code == 200
    assert "would no longer fit" in r.content.decode()
    expert.refresh_from_db()
    assert expert.slot_minutes is None and expert.place == "Desk Roux"
    svc.request_meeting(rep_of(event, "Beta"), expert)
    data.update(slot_minutes="", quota="1")
    r = client_for("principal", lang="en").post(url, data)
    assert "already has 2 meetings" in r.content.decode()
    expert.refresh_from_db()
    assert expert.quota is None


@pytest.mark.django_db
def test_participant_requests_from_the_area(event, client):
    expert = make_expert(event, "Roux", ["Export", "Customs"])
    a = rep_of(event, "Alpha")
    client.force_login(a.user)
    url = reverse("events:area_expert_request", kwargs={"slug": event.slug, "pk": expert.pk})
    r = client.post(url, {"message": ""})
    assert r.status_code == 200 and "message" in r.context["form"].errors
    customs = field(event, "Customs")
    r = client.post(url, {"message": "Export de vins", "topic": customs.pk})
    assert r.status_code == 302
    em = ExpertMeeting.objects.get()
    assert (em.topic, em.message, em.state) == (customs, "Export de vins", S.SCHEDULED)
    page = client.get(reverse("events:area_experts", kwargs={"slug": event.slug}))
    assert "09:00" in page.content.decode()
    # Another event's expert is not reachable through this event's address.
    other_event = make_event("autre")
    other = make_expert(other_event, "Ailleurs")
    url = reverse("events:area_expert_request", kwargs={"slug": event.slug, "pk": other.pk})
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_secondary_admin_of_another_event_gets_nothing(client, users):
    from tests.conftest import add_totp, make_user

    a, b = make_event("event-a"), make_event("event-b")
    expert_b = make_expert(b, "Confidentiel", mode=Expert.Mode.PRE_ASSIGNMENT)
    em = svc.request_meeting(rep_of(b, "Secret"), expert_b)
    absence = ExpertAbsence.objects.create(event=b, expert=expert_b)
    role = Role.objects.create(
        code="event_manager",
        name="Event manager",
        permissions=[
            "core.access_backoffice",
            "events.view_registrations",
            "events.manage_event",
            "events.manage_meetings",
        ],
    )
    user = make_user("manager@example.org")
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=a.pk)
    add_totp(user)
    clear_cache(user)
    client.force_login(user)
    assert client.get(reverse("events:bo_experts", kwargs={"pk": a.pk})).status_code == 200
    on_b = {"pk": b.pk, "expert_pk": expert_b.pk}
    for name in ("bo_expert", "bo_expert_candidates", "bo_expert_absence", "bo_expert_agenda"):
        assert client.get(reverse(f"events:{name}", kwargs=on_b)).status_code == 403, name
    assert client.get(reverse("events:bo_experts", kwargs={"pk": b.pk})).status_code == 403
    assert (
        client.post(
            reverse("events:bo_expert_candidates", kwargs=on_b), {"chosen": [em.pk]}
        ).status_code
        == 403
    )
    assert client.post(reverse("events:bo_expert_absence", kwargs=on_b)).status_code == 403
    cancel = {"pk": b.pk, "meeting_pk": em.pk}
    assert client.post(reverse("events:bo_expert_meeting_cancel", kwargs=cancel)).status_code == 403
    report = {"pk": b.pk, "absence_pk": absence.pk}
    assert client.get(reverse("events:bo_expert_absence_report", kwargs=report)).status_code == 403
    # Event B's objects through event A's addresses: not found.
    on_a = {"pk": a.pk, "expert_pk": expert_b.pk}
    assert client.get(reverse("events:bo_expert", kwargs=on_a)).status_code == 404
    assert client.post(reverse("events:bo_expert_absence", kwargs=on_a)).status_code == 404
    cancel_a = {"pk": a.pk, "meeting_pk": em.pk}
    assert (
        client.post(reverse("events:bo_expert_meeting_cancel", kwargs=cancel_a)).status_code == 404
    )
    report_a = {"pk": a.pk, "absence_pk": absence.pk}
    assert (
        client.get(reverse("events:bo_expert_absence_report", kwargs=report_a)).status_code == 404
    )
    em.refresh_from_db()
    expert_b.refresh_from_db()
    assert em.state == S.CANDIDATE and not expert_b.absent
    # Exports are scoped too.
    from civitas.core.exports.registry import get

    assert list(get("events.expert_meetings").queryset(user, {})) == []
    assert len(list(get("events.expert_meetings").queryset(users["principal"], {}))) == 1


# --- Concurrency (PostgreSQL) -------------------------------------------------------------------


def _race(monkeypatch, locking):
    """Two participants take the last place of an expert at the same moment."""
    event = make_event(f"expert-race-{locking}")
    expert = make_expert(event, "Roux", quota=1)
    a, b = rep_of(event, "Alpha"), rep_of(event, "Beta")
    b2b(b, rep_of(event, "Other"), at(9))  # so the two would not want the same time
    start = threading.Barrier(2)
    results = {}

    def ask(rep):
        try:
            start.wait()
            svc.request_meeting(rep, expert)
            results[rep.pk] = "ok"
        except ServiceError as exc:
            results[rep.pk] = str(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(r,)) for r in (a, b)]
    with race_test(locks=locking, after_checks=0.5):
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    return results, ExpertMeeting.objects.filter(expert=expert, state=S.SCHEDULED).count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_quota_race_exists_without_locks(monkeypatch):
    results, count = _race(monkeypatch, locking=False)
    assert list(results.values()) == ["ok", "ok"]
    assert count == 2  # two meetings for a quota of one


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_locks_keep_the_quota(monkeypatch):
    results, count = _race(monkeypatch, locking=True)
    assert sorted(results.values())[1] == "ok"
    assert "la limite de 1 rendez-vous" in sorted(results.values())[0]  # French interface
    assert count == 1


def _b2b_race(monkeypatch, locking):
    """The same person, at the same moment: a B2B meeting is confirmed on a slot ("slots"
    booking mode) while they ask an expert whose first free time is that slot."""
    event = make_event(f"mixed-race-{locking}", mode="slots")
    expert = make_expert(event, "Roux")
    a, b = rep_of(event, "Alpha"), rep_of(event, "Beta")
    slot = Slot.objects.get(session__day__event=event, start=at(9))
    req = meeting_svc.send_request(a, b, slot=slot)
    meeting_svc.accept_request(req, b)
    start = threading.Barrier(2)
    results = {}

    def run(name, call):
        try:
            start.wait()
            call()
            results[name] = "ok"
        except ServiceError as exc:
            results[name] = str(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("b2b", lambda: meeting_svc.confirm_request(req, a))),
        threading.Thread(target=run, args=("expert", lambda: svc.request_meeting(a, expert))),
    ]
    with race_test(locks=locking, after_checks=0.5):
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    b2b_starts = set(
        a.sent_requests.filter(meetings__state="scheduled").values_list(
            "meetings__slot__start", flat=True
        )
    )
    expert_starts = set(
        ExpertMeeting.objects.filter(representative=a, state=S.SCHEDULED).values_list(
            "start", flat=True
        )
    )
    return results, b2b_starts, expert_starts


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_b2b_and_expert_race_exists_without_locks(monkeypatch):
    results, b2b_starts, expert_starts = _b2b_race(monkeypatch, locking=False)
    assert results == {"b2b": "ok", "expert": "ok"}
    assert b2b_starts == expert_starts == {at(9)}  # two meetings at once for Alpha


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_locks_prevent_a_b2b_and_an_expert_meeting_at_once(monkeypatch):
    results, b2b_starts, expert_starts = _b2b_race(monkeypatch, locking=True)
    assert not b2b_starts & expert_starts
    if results["b2b"] == "ok":  # the expert request saw the B2B meeting: next free time
        assert results["expert"] == "ok" and expert_starts == {at(9, 20)}
    else:  # the expert meeting came first: the B2B confirmation is refused clearly
        assert "rendez-vous avec un expert" in results["b2b"] and expert_starts == {at(9)}


# --- The organiser moves one meeting by hand ----------------------------------------------------


def _move_url(event, em):
    return reverse("events:bo_expert_meeting_move", kwargs={"pk": event.pk, "meeting_pk": em.pk})


def _key(expert, start):
    from civitas.events.services.expert_moves import option_key

    return option_key(expert.pk, start)


@pytest.mark.django_db
def test_organiser_moves_a_meeting_to_another_time_of_the_same_expert(event, client_for):
    expert = make_expert(event, "Roux")
    a, b = rep_of(event, "Alpha"), rep_of(event, "Beta")
    em = svc.request_meeting(a, expert)
    assert em.start == at(9)
    b2b(a, b, at(9, 20))  # Alpha is busy at 9:20: not offered
    Message.objects.all().delete()
    principal = client_for("principal", lang="en")
    agenda_page = principal.get(
        reverse("events:bo_expert_agenda", kwargs={"pk": event.pk, "expert_pk": expert.pk})
    ).content.decode()
    assert _move_url(event, em) in agenda_page
    rep_agenda = principal.get(
        reverse("events:bo_agenda", kwargs={"pk": event.pk, "rep_pk": a.pk})
    ).content.decode()
    assert _move_url(event, em) in rep_agenda
    page = principal.get(_move_url(event, em))
    offered = {v for v, _label in _flat(page.context["form"].fields["target"].choices)}
    assert _key(expert, at(9, 40)) in offered
    assert _key(expert, at(9, 20)) not in offered and _key(expert, at(9)) not in offered
    r = principal.post(_move_url(event, em), {"target": _key(expert, at(9, 40))})
    assert r.status_code == 302
    moved = ExpertMeeting.objects.get()
    assert (moved.pk, moved.state, moved.expert, moved.start) == (
        em.pk,
        S.SCHEDULED,
        expert,
        at(9, 40),
    )
    assert moved.moved_from is None
    mail = emails_to(a.email, "events.expert_meeting_rescheduled").get()
    assert "09:40" in mail.body_text and "Desk Roux" in mail.body_text
    assert Message.objects.filter(channel="sms", to=a.phone).count() == 1
    assert emails_to(expert.email, "events.expert_meeting_rescheduled_expert").count() == 1
    entry = JournalEntry.objects.get(action="events.expert_meeting_moved")
    assert entry.details["old_start"] == "10/03/2027 09:00"
    assert entry.details["new_start"] == "10/03/2027 09:40"


def _flat(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        elif value:
            yield value, label


@pytest.mark.django_db
def test_organiser_moves_a_meeting_to_another_expert_of_the_same_field(event, client_for):
    roux = make_expert(event, "Roux", ["Export"])
    other = make_expert(event, "Same", ["Export", "Finance"], quota=1, phone="+33700000002")
    finance = make_expert(event, "Finance", ["Finance"])
    a = rep_of(event, "Alpha")
    em = svc.request_meeting(a, roux)
    Message.objects.all().delete()
    principal = client_for("principal")
    page = principal.get(_move_url(event, em))
    offered = {v for v, _label in _flat(page.context["form"].fields["target"].choices)}
    assert _key(other, at(9)) in offered  # same time, other expert
    assert not any(v.startswith(f"{finance.pk}-") for v in offered)  # no shared field
    r = principal.post(_move_url(event, em), {"target": _key(other, at(9))})
    assert r.status_code == 302
    em.refresh_from_db()
    assert (em.expert, em.start, em.moved_from) == (other, at(9), roux)
    assert emails_to(a.email, "events.expert_meeting_rescheduled").count() == 1
    assert Message.objects.filter(channel="sms", to=a.phone).count() == 1
    assert emails_to(other.email, "events.expert_meeting_for_expert").count() == 1
    old = emails_to(roux.email, "events.expert_meeting_cancelled_expert").get()
    assert "09:00" in old.body_text
    # Other's quota (1) is now used: the meeting of Beta cannot go there.
    em_b = svc.request_meeting(rep_of(event, "Beta"), roux)
    from django.utils import translation

    from civitas.events.services import expert_moves

    with translation.override("en"), pytest.raises(ServiceError, match="limit of 1"):
        expert_moves.move_meeting(em_b, other, at(9, 40))
    # Nor to an expert without a shared field.
    with translation.override("en"), pytest.raises(ServiceError, match="does not cover"):
        expert_moves.move_meeting(em_b, finance, at(9, 40))
    em_b.refresh_from_db()
    assert (em_b.expert, em_b.start) == (roux, at(9))  # Roux's 9:00 was freed


@pytest.mark.django_db
def test_a_move_to_a_time_taken_meanwhile_is_refused_and_the_choice_kept(event, client_for):
    expert = make_expert(event, "Roux")
    a, b = rep_of(event, "Alpha"), rep_of(event, "Beta")
    em = svc.request_meeting(a, expert)  # 9:00
    principal = client_for("principal", lang="en")
    page = principal.get(_move_url(event, em))
    choice = _key(expert, at(9, 20))
    assert choice in {v for v, _label in _flat(page.context["form"].fields["target"].choices)}
    svc.request_meeting(b, expert)  # Beta takes 9:20 in the meantime
    Message.objects.all().delete()
    r = principal.post(_move_url(event, em), {"target": choice})
    assert r.status_code == 200
    html = r.content.decode()
    assert "already has a meeting at that time" in html
    assert f'value="{choice}" selected' in html  # what was chosen is still chosen
    em.refresh_from_db()
    assert em.start == at(9) and not Message.objects.exists()
    assert not JournalEntry.objects.filter(action="events.expert_meeting_moved").exists()
    # The participant busy with a B2B meeting: refused with the reason.
    b2b(a, rep_of(event, "Gamma"), at(9, 40))
    r = principal.post(_move_url(event, em), {"target": _key(expert, at(9, 40))})
    assert r.status_code == 200
    assert "participant already has a meeting" in r.content.decode()


@pytest.mark.django_db
def test_admin_of_another_event_cannot_move_its_expert_meetings(client, users):
    from tests.conftest import add_totp, make_user

    a, b = make_event("event-a"), make_event("event-b")
    expert_b = make_expert(b, "Confidentiel")
    em = svc.request_meeting(rep_of(b, "Secret"), expert_b)
    role = Role.objects.create(
        code="event_manager",
        name="Event manager",
        permissions=[
            "core.access_backoffice",
            "events.view_registrations",
            "events.manage_meetings",
        ],
    )
    user = make_user("manager@example.org")
    RoleAssignment.objects.create(user=user, role=role, scope_type="event", scope_id=a.pk)
    add_totp(user)
    clear_cache(user)
    client.force_login(user)
    target = {"target": _key(expert_b, at(9, 20))}
    on_b = reverse("events:bo_expert_meeting_move", kwargs={"pk": b.pk, "meeting_pk": em.pk})
    assert client.get(on_b).status_code == 403
    assert client.post(on_b, target).status_code == 403
    on_a = reverse("events:bo_expert_meeting_move", kwargs={"pk": a.pk, "meeting_pk": em.pk})
    assert client.get(on_a).status_code == 404
    assert client.post(on_a, target).status_code == 404
    em.refresh_from_db()
    assert em.start == at(9)
    # An expert of event A is not a target for event B's meeting either.
    expert_a = make_expert(a, "Roux")
    from civitas.events.services import expert_moves

    with pytest.raises(ServiceError):
        expert_moves.move_meeting(em, expert_a, at(9, 20))
