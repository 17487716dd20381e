"""Reminders of an event: the organiser's schedule (about the event and its programme, each
meeting, each expert meeting, booking before the deadline; N minutes before; e-mail and/or
SMS; participants and/or experts; quiet hours), sent by a periodic job exactly once.

Exactly once: each reminder first inserts its ReminderSent row (unique per rule, target and
recipient) and queues its messages in the same transaction. A second worker, a restart
after a crash or a run repeated a minute later finds the row and sends nothing; a crash
before the commit leaves neither the row nor the messages, and the next run sends it.

Also here: a bulk SMS to a filtered set of participants.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import journal
from civitas.core.outbox import services as outbox
from civitas.core.outbox import templates

from ..models import (
    SCOPE_EVENT,
    Company,
    Event,
    ExpertMeeting,
    Meeting,
    MeetingRequest,
    ReminderRule,
    ReminderSent,
    Representative,
)
from . import ServiceError, convocation, notify

SMS_MAX = 320
# Quiet hours may push a reminder by up to a day: look that far beyond the offset.
_SLACK = dt.timedelta(days=1)


# The reminders a rule may send by SMS as well as by mail (the rule's channel decides).
SENT_BY_SMS = ["reminder_event", "reminder_meeting", "reminder_booking"]


def register_templates():
    p_event = {"event": gettext_lazy("Event name"), "name": gettext_lazy("Recipient's name")}
    p_when = {"when": gettext_lazy("Date and time"), "where": gettext_lazy("Place")}
    templates.register(
        "events.reminder_event",
        gettext_lazy("Events: reminder of the event"),
        placeholders={
            **p_event,
            "when": gettext_lazy("Date and time"),
            "programme": gettext_lazy("Programme (days, sessions, venue)"),
        },
        default_subject={"fr": "Rappel : {{ event }}", "en": "Reminder: {{ event }}"},
        default_body={
            "fr": "Bonjour {{ name }},\n\nNous vous attendons à {{ event }} le {{ when }}.\n\n"
            "{{ programme }}\n\nPensez à votre convocation ou votre badge (QR code).\n\n"
            "{{ organisation }}",
            "en": "Hello {{ name }},\n\nWe look forward to seeing you at {{ event }} on "
            "{{ when }}.\n\n{{ programme }}\n\nBring your convocation or badge (QR code).\n\n"
            "{{ organisation }}",
        },
        sms={
            "fr": "Rappel : {{ event }} le {{ when }}.",
            "en": "Reminder: {{ event }} on {{ when }}.",
        },
    )
    templates.register(
        "events.reminder_meeting",
        gettext_lazy("Events: reminder of a meeting"),
        placeholders={**p_event, **p_when, "other": gettext_lazy("The other party")},
        default_subject={
            "fr": "Rappel de rendez-vous : {{ when }}",
            "en": "Meeting reminder: {{ when }}",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\nVotre rendez-vous avec {{ other }} : {{ when }}, "
            "{{ where }} ({{ event }}).\n\n{{ organisation }}",
            "en": "Hello {{ name }},\n\nYour meeting with {{ other }}: {{ when }}, {{ where }} "
            "({{ event }}).\n\n{{ organisation }}",
        },
        sms={
            "fr": "RDV {{ when }} avec {{ other }}, {{ where }}.",
            "en": "Meeting {{ when }} with {{ other }}, {{ where }}.",
        },
    )
    templates.register(
        "events.reminder_booking",
        gettext_lazy("Events: reminder to book meetings before the deadline"),
        placeholders={
            **p_event,
            "deadline": gettext_lazy("Deadline"),
            "area_url": gettext_lazy("Area"),
        },
        default_subject={
            "fr": "Réservez vos rendez-vous : {{ event }}",
            "en": "Book your meetings: {{ event }}",
        },
        default_body={
            "fr": "Bonjour {{ name }},\n\nVous n'avez encore demandé aucun rendez-vous pour "
            "{{ event }}. Les demandes sont ouvertes jusqu'au {{ deadline }} : "
            "{{ area_url }}\n\n{{ organisation }}",
            "en": "Hello {{ name }},\n\nYou have not requested any meeting for {{ event }} yet. "
            "Requests are open until {{ deadline }}: {{ area_url }}\n\n{{ organisation }}",
        },
        sms={
            "fr": "{{ event }} : demandez vos rendez-vous avant le {{ deadline }}.",
            "en": "{{ event }}: request your meetings before {{ deadline }}.",
        },
    )


# ---------------------------------------------------------------- planning


def event_start(event: Event) -> dt.datetime:
    """The start of the event: its first session, or 09:00 on its first day."""
    tz = timezone.get_current_timezone()
    first = (
        event.days.order_by("date").prefetch_related("sessions").first()
        if hasattr(event, "days")
        else None
    )
    if first is not None:
        sessions = sorted(first.sessions.all(), key=lambda s: s.start_time)
        if sessions:
            return dt.datetime.combine(first.date, sessions[0].start_time, tz)
        return dt.datetime.combine(first.date, dt.time(9), tz)
    return dt.datetime.combine(event.start_date, dt.time(9), tz)


def _in_quiet(t: dt.time, start: dt.time, end: dt.time) -> bool:
    if start <= end:
        return start <= t < end
    return t >= start or t < end  # overnight, e.g. 21:00 -> 08:00


def planned_at(rule: ReminderRule, anchor: dt.datetime) -> dt.datetime:
    """When the reminder of `anchor` goes: `minutes_before` earlier, moved out of the quiet
    hours (to their end, or to their start when their end is past the anchor)."""
    at = anchor - dt.timedelta(minutes=rule.minutes_before)
    if rule.quiet_from is None or rule.quiet_until is None or rule.quiet_from == rule.quiet_until:
        return at
    local = timezone.localtime(at)
    if not _in_quiet(local.time(), rule.quiet_from, rule.quiet_until):
        return at
    tz = local.tzinfo
    end = dt.datetime.combine(local.date(), rule.quiet_until, tz)
    if end <= local:
        end += dt.timedelta(days=1)
    if end < anchor:
        return end
    start = dt.datetime.combine(local.date(), rule.quiet_from, tz)
    if start > local:
        start -= dt.timedelta(days=1)
    return start - dt.timedelta(minutes=1)


def _wants(rule, audience) -> bool:
    return rule.audience in (audience, ReminderRule.Audience.BOTH)


def _reps(event):
    return Representative.objects.filter(
        company__event=event, company__status=Company.Status.VALIDATED
    ).select_related("company", "user")


def due(rule: ReminderRule, now: dt.datetime):
    """(target key, anchor, [(recipient key, kind, person, extra)]) due at `now`."""
    event = rule.event
    horizon = now + dt.timedelta(minutes=rule.minutes_before) + _SLACK
    about = rule.about
    out = []
    if about == ReminderRule.About.EVENT:
        anchor = event_start(event)
        if now < anchor <= horizon and planned_at(rule, anchor) <= now:
            people = []
            if _wants(rule, "participants"):
                people += [(f"rep:{r.pk}", "rep", r, {}) for r in _reps(event)]
            if _wants(rule, "experts"):
                people += [(f"expert:{e.pk}", "expert", e, {}) for e in event.experts.all()]
            out.append((f"event:{event.pk}", anchor, people))
    elif about == ReminderRule.About.BOOKING:
        anchor = event.registration_closes
        if anchor and now < anchor <= horizon and planned_at(rule, anchor) <= now:
            active = set(
                MeetingRequest.objects.filter(event=event).values_list("sender_id", flat=True)
            ) | set(
                MeetingRequest.objects.filter(event=event).values_list("recipient_id", flat=True)
            )
            people = [(f"rep:{r.pk}", "rep", r, {}) for r in _reps(event) if r.pk not in active]
            out.append((f"booking:{event.pk}", anchor, people))
    elif about == ReminderRule.About.MEETING and _wants(rule, "participants"):
        for m in Meeting.objects.filter(
            event=event,
            state=Meeting.State.SCHEDULED,
            published=True,
            slot__start__gt=now,
            slot__start__lte=horizon,
        ).select_related(
            "slot",
            "room__site",
            "request__sender__company",
            "request__recipient__company",
            "request__sender__user",
            "request__recipient__user",
        ):
            if planned_at(rule, m.slot.start) > now:
                continue
            a, b = m.request.sender, m.request.recipient
            ctx = notify.meeting_context(m)
            people = [
                (f"rep:{a.pk}", "rep", a, {**ctx, "other": f"{b.full_name} ({b.company.name})"}),
                (f"rep:{b.pk}", "rep", b, {**ctx, "other": f"{a.full_name} ({a.company.name})"}),
            ]
            out.append((f"meeting:{m.pk}", m.slot.start, people))
    elif about == ReminderRule.About.EXPERT_MEETING:
        for em in ExpertMeeting.objects.filter(
            event=event,
            state=ExpertMeeting.State.SCHEDULED,
            start__gt=now,
            start__lte=horizon,
        ).select_related("expert", "representative__company", "representative__user"):
            if planned_at(rule, em.start) > now:
                continue
            rep, expert = em.representative, em.expert
            when = f"{timezone.localtime(em.start):%d/%m/%Y %H:%M}"
            people = []
            if _wants(rule, "participants"):
                people.append(
                    (
                        f"rep:{rep.pk}",
                        "rep",
                        rep,
                        {"when": when, "where": expert.place, "other": expert.full_name},
                    )
                )
            if _wants(rule, "experts"):
                # The expert's reminder names the interlocutor.
                people.append(
                    (
                        f"expert:{expert.pk}",
                        "expert",
                        expert,
                        {
                            "when": when,
                            "where": expert.place,
                            "other": f"{rep.full_name} ({rep.company.name})",
                        },
                    )
                )
            out.append((f"expert_meeting:{em.pk}", em.start, people))
    return out


TEMPLATE = {
    ReminderRule.About.EVENT: "events.reminder_event",
    ReminderRule.About.BOOKING: "events.reminder_booking",
    ReminderRule.About.MEETING: "events.reminder_meeting",
    ReminderRule.About.EXPERT_MEETING: "events.reminder_meeting",
}


def _send(rule, kind, person, anchor, extra):
    event = rule.event
    local = timezone.localtime(anchor)
    ctx = {
        "event": event.name,
        "event_url": notify.event_url(event),
        "name": person.full_name,
        "when": f"{local:%d/%m/%Y %H:%M}",
        "where": "",
        "other": "",
        **extra,
    }
    if rule.about == ReminderRule.About.EVENT:
        ctx["programme"] = convocation.programme_text(event)
    if rule.about == ReminderRule.About.BOOKING:
        ctx["deadline"] = f"{local:%d/%m/%Y %H:%M}"
        ctx["area_url"] = notify.event_url(event)
    user = getattr(person, "user", None)
    language = getattr(user, "language", None) or "fr"
    mail = rule.channel in (ReminderRule.Channel.MAIL, ReminderRule.Channel.BOTH)
    sms = rule.channel in (ReminderRule.Channel.SMS, ReminderRule.Channel.BOTH)
    outbox.send_message(
        TEMPLATE[rule.about],
        email=person.email if mail else None,
        phone=person.phone if sms and person.phone else None,
        context=ctx,
        language=language,
        scope_type=SCOPE_EVENT,
        scope_id=event.pk,
    )


def run_due(now: dt.datetime | None = None) -> int:
    """Send every reminder due at `now` not sent yet; returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    rules = ReminderRule.objects.filter(
        active=True, event__end_date__gte=(now - dt.timedelta(days=1)).date()
    ).select_related("event")
    for rule in rules:
        for target, anchor, people in due(rule, now):
            for recipient, kind, person, extra in people:
                with transaction.atomic():
                    try:
                        with transaction.atomic():
                            ReminderSent.objects.create(
                                rule=rule, target=target, recipient=recipient
                            )
                    except IntegrityError:
                        continue  # already sent (another worker, an earlier run)
                    _send(rule, kind, person, anchor, extra)
                    sent += 1
    return sent


# ---------------------------------------------------------------- bulk SMS


def sms_recipients(event, *, statuses=None, country="", sector_id=None, checked_in=None):
    """Representatives with a mobile number, filtered by registration status, country,
    sector and whether they were checked in."""
    qs = Representative.objects.filter(company__event=event).exclude(phone="")
    if statuses:
        qs = qs.filter(company__status__in=statuses)
    if country:
        qs = qs.filter(company__country=country.upper())
    if sector_id:
        qs = qs.filter(company__sector_id=sector_id)
    if checked_in is not None:
        qs = (
            qs.filter(checkins__checkin_list__event=event)
            if checked_in
            else qs.exclude(checkins__checkin_list__event=event)
        )
    return qs.distinct().order_by("pk")


def bulk_sms(event, text: str, recipients, *, user=None, request=None) -> int:
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("The message is empty."))
    if len(text) > SMS_MAX:
        raise ServiceError(
            _("An SMS has %(max)s characters at most (here %(n)s).")
            % {"max": SMS_MAX, "n": len(text)}
        )
    count = 0
    with transaction.atomic():
        for rep in recipients:
            outbox.queue_sms(rep.phone, text, category=f"events.{event.slug}", related=rep)
            count += 1
        journal.record(
            "events.bulk_sms", request=request, actor=user, obj=event, details={"count": count}
        )
    return count
