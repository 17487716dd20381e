"""Reminders: planned times (offsets, quiet hours), sent exactly once with the clock moved
and across a restart, the expert's reminder naming the interlocutor; bulk SMS."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.events.conftest import make_company

pytestmark = pytest.mark.django_db


def at(day, hh, mm=0):
    return dt.datetime.combine(day, dt.time(hh, mm), timezone.get_current_timezone())


@pytest.fixture
def meeting(event):
    from civitas.events.models import Meeting, MeetingRequest, Room, Slot

    a = make_company(event, "Alpha").representatives.first()
    b = make_company(event, "Beta").representatives.first()
    req = MeetingRequest.objects.create(event=event, sender=a, recipient=b, state="confirmed")
    slot = Slot.objects.filter(session__day__event=event).order_by("start").first()
    return Meeting.objects.create(
        event=event,
        request=req,
        slot=slot,
        room=Room.objects.first(),
        table_number=2,
        published=True,
    )


def outbox_rows(**kw):
    from civitas.core.outbox.models import Message

    return Message.objects.filter(**kw)


def test_planned_time_with_quiet_hours(event):
    from civitas.events.models import ReminderRule
    from civitas.events.services.reminders import planned_at

    rule = ReminderRule(
        event=event,
        about="meeting",
        minutes_before=60 * 12,
        quiet_from=dt.time(21),
        quiet_until=dt.time(8),
    )
    day = dt.date(2027, 3, 10)
    # A 09:00 meeting, 12 h before = 21:00 the day before: quiet, moved to 08:00.
    assert planned_at(rule, at(day, 9)) == at(day, 8)
    # A 08:30 meeting, 12 h before = 20:30: not quiet.
    assert planned_at(rule, at(day, 8, 30)) == at(day - dt.timedelta(days=1), 20, 30)
    # A 07:00 meeting, 1 h before = 06:00 (quiet), 08:00 is too late: 20:59 the day before.
    rule.minutes_before = 60
    assert planned_at(rule, at(day, 7)) == at(day - dt.timedelta(days=1), 20, 59)


def test_meeting_reminder_sent_once_with_the_clock_moved(event, meeting):
    from civitas.events.models import ReminderRule, ReminderSent
    from civitas.events.services import reminders

    ReminderRule.objects.create(event=event, about="meeting", minutes_before=1440, channel="both")
    outbox_rows().delete()  # the registration mails
    start = meeting.slot.start
    # Two days before: nothing is due.
    assert reminders.run_due(start - dt.timedelta(days=2)) == 0
    # The day before, a minute after the planned time: both parties, mail and SMS.
    assert reminders.run_due(start - dt.timedelta(minutes=1439)) == 2
    assert outbox_rows(channel="email").count() == 2
    assert outbox_rows(channel="sms").count() == 2
    mail = outbox_rows(channel="email", to="p0@alpha.example").get()
    assert "Beta" in mail.body_text and "table 2" in mail.body_text
    # The job runs again (another worker, a restart): nothing more.
    assert reminders.run_due(start - dt.timedelta(minutes=1430)) == 0
    assert reminders.run_due(start - dt.timedelta(minutes=5)) == 0
    assert ReminderSent.objects.count() == 2
    assert outbox_rows().count() == 4
    # After the meeting: nothing.
    assert reminders.run_due(start + dt.timedelta(minutes=1)) == 0


def test_crash_before_commit_sends_later(event, meeting, monkeypatch):
    """A worker dying while sending leaves neither the record nor the message: the next
    run sends the reminder (once)."""
    from civitas.events.models import ReminderRule, ReminderSent
    from civitas.events.services import reminders

    ReminderRule.objects.create(event=event, about="meeting", minutes_before=60)
    outbox_rows().delete()
    real = reminders._send
    calls = {"n": 0}

    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(reminders, "_send", dying)
    now = meeting.slot.start - dt.timedelta(minutes=30)
    with pytest.raises(SystemExit):
        reminders.run_due(now)
    assert ReminderSent.objects.count() == 1
    assert outbox_rows().count() == 1
    monkeypatch.setattr(reminders, "_send", real)
    assert reminders.run_due(now) == 1
    assert ReminderSent.objects.count() == 2 and outbox_rows().count() == 2


def test_expert_reminder_names_interlocutor(event):
    from civitas.events.models import Expert, ExpertMeeting, ReminderRule
    from civitas.events.services import reminders

    rep = make_company(event, "Alpha").representatives.first()
    expert = Expert.objects.create(
        event=event, first_name="Eve", last_name="Expert", email="eve@x.example", place="Desk 1"
    )
    start = at(dt.date(2027, 3, 10), 9)
    ExpertMeeting.objects.create(
        event=event,
        expert=expert,
        representative=rep,
        state="scheduled",
        start=start,
        end=start + dt.timedelta(minutes=20),
    )
    ReminderRule.objects.create(
        event=event, about="expert_meeting", minutes_before=30, audience="both"
    )
    outbox_rows().delete()
    assert reminders.run_due(start - dt.timedelta(minutes=20)) == 2
    to_expert = outbox_rows(to="eve@x.example").get()
    assert rep.full_name in to_expert.body_text and "Alpha" in to_expert.body_text
    assert "Eve Expert" in outbox_rows(to=rep.email).get().body_text


def test_event_and_booking_reminders(event):
    from civitas.events.models import MeetingRequest, ReminderRule
    from civitas.events.services import reminders

    a = make_company(event, "Alpha").representatives.first()
    b = make_company(event, "Beta").representatives.first()
    make_company(event, "Pending", validated=False)
    c = make_company(event, "Gamma").representatives.first()
    MeetingRequest.objects.create(event=event, sender=a, recipient=b)
    event.registration_closes = at(dt.date(2027, 3, 1), 18)
    event.save()
    ReminderRule.objects.create(event=event, about="booking", minutes_before=2 * 1440)
    ReminderRule.objects.create(event=event, about="event", minutes_before=1440)
    outbox_rows().delete()
    assert reminders.run_due(at(dt.date(2027, 2, 27), 19)) == 1  # Gamma asked for nothing
    assert outbox_rows(to=c.email).count() == 1
    assert reminders.run_due(at(dt.date(2027, 3, 9), 9, 5)) == 3  # validated only
    body = outbox_rows(to=a.email).latest("pk").body_text
    assert "Matin" in body  # the programme


def test_bulk_sms(event):
    from civitas.events.services import ServiceError, reminders

    make_company(event, "Alpha", reps=2)
    make_company(event, "Pending", validated=False)
    make_company(event, "Gamma", country="DE")
    outbox_rows().delete()
    people = reminders.sms_recipients(event, statuses=["validated"], country="FR")
    assert people.count() == 2
    with pytest.raises(ServiceError):
        reminders.bulk_sms(event, "x" * 400, people)
    assert reminders.bulk_sms(event, "Le salon ouvre à 9 h.", people) == 2
    assert outbox_rows(channel="sms").count() == 2


def test_reminder_page_adds_rule_and_sends_sms(client_for, event):
    from civitas.events.models import ReminderRule

    make_company(event, "Alpha")
    c = client_for("principal", lang="en")
    url = f"/backoffice/evenements/{event.pk}/rappels/"
    r = c.post(
        url,
        {
            "action": "rule",
            "rule-about": "meeting",
            "rule-minutes_before": "abc",
            "rule-channel": "sms",
            "rule-audience": "participants",
        },
    )
    assert r.status_code == 200 and 'value="abc"' in r.content.decode()
    r = c.post(
        url,
        {
            "action": "rule",
            "rule-about": "meeting",
            "rule-minutes_before": "30",
            "rule-channel": "sms",
            "rule-audience": "participants",
            "rule-active": "on",
        },
    )
    assert r.status_code == 302 and ReminderRule.objects.get(event=event).minutes_before == 30
    outbox_rows().delete()
    data = {"action": "sms", "sms-text": "Ouverture à 9 h", "sms-statuses": ["validated"]}
    r = c.post(url, data)
    assert r.status_code == 200 and not outbox_rows(channel="sms").exists()
    assert "1 person will receive an SMS." in r.content.decode()
    r = c.post(url, {**data, "confirmed": "1"})
    assert r.status_code == 302 and outbox_rows(channel="sms").count() == 1
