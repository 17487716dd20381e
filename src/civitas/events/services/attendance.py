"""Printed documents of the event day: attendance sheets (émargement) per B2B session and
per animation, table tents (chevalets) per table with their meeting times, attendance
certificates from the actual check-ins."""

from __future__ import annotations

from itertools import groupby

from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civitas.core.documents import pdf

from ..models import Checkin, Company, Meeting, MeetingOutcome, Representative
from . import ServiceError, checkin


def sheet_people(session):
    """The people expected at a session (validated, not declared absent), with the time of
    their check-in on the session's list if they already came."""
    reps = (
        Representative.objects.filter(
            company__event=session.day.event, company__status=Company.Status.VALIDATED
        )
        .exclude(absent_sessions=session)
        .select_related("company")
        .order_by("last_name", "first_name", "pk")
    )
    times = dict(
        Checkin.objects.filter(
            checkin_list__session=session, direction=Checkin.Direction.ENTRY
        ).values_list("representative_id", "scanned_at")
    )
    return [(r, times.get(r.pk)) for r in reps]


def attendance_sheet_pdf(session) -> bytes:
    event = session.day.event
    return pdf.render_pdf(
        "events/attendance/sheet_pdf.html",
        {
            "event": event,
            "session": session,
            "rows": sheet_people(session),
            "title": _("Attendance sheet"),
        },
    )


def animation_sheet_people(animation):
    """The people expected at an animation: those on its check-in list (a confirmed booking,
    a validated company), with the time of their check-in on that list if they already came."""
    from . import animations

    reps = (
        Representative.objects.filter(
            company__event_id=animation.event_id,
            company__status=Company.Status.VALIDATED,
            pk__in=animations.booked_ids(animation.pk),
        )
        .select_related("company")
        .order_by("last_name", "first_name", "pk")
    )
    times = dict(
        Checkin.objects.filter(
            checkin_list__event_id=animation.event_id,
            checkin_list__target_type=animations.ANIMATION,
            checkin_list__target_id=animation.pk,
            direction=Checkin.Direction.ENTRY,
        ).values_list("representative_id", "scanned_at")
    )
    return [(r, times.get(r.pk)) for r in reps]


def animation_sheet_pdf(animation) -> bytes:
    from . import animations

    return pdf.render_pdf(
        "events/attendance/animation_sheet_pdf.html",
        {
            "event": animation.event,
            "animation": animation,
            "when": animations.when_label(animation),
            "where": animations.place_label(animation),
            "speakers": list(animation.speakers.all()),
            "rows": animation_sheet_people(animation),
            "title": _("Attendance sheet"),
        },
    )


def table_tents(event, day=None) -> list[dict]:
    """[{room, table, meetings: [Meeting]}] for each table holding scheduled meetings."""
    qs = Meeting.objects.filter(event=event, state=Meeting.State.SCHEDULED).select_related(
        "slot", "room", "request__sender__company", "request__recipient__company"
    )
    if day is not None:
        qs = qs.filter(slot__session__day=day)
    qs = qs.order_by("room__name", "room_id", "table_number", "slot__start")
    tents = []
    for (room, table), meetings in groupby(qs, key=lambda m: (m.room, m.table_number)):
        tents.append({"room": room, "table": table, "meetings": list(meetings)})
    return tents


def table_tents_pdf(event, day=None) -> bytes:
    return pdf.render_pdf(
        "events/attendance/tents_pdf.html",
        {"event": event, "tents": table_tents(event, day), "title": _("Table tents")},
    )


def certificate_facts(rep) -> dict:
    """What a certificate states: the days the person was checked in and the meetings held
    (confirmed held, or both parties checked in that day and no no-show recorded)."""
    event = rep.company.event
    days = sorted(
        {
            timezone.localtime(at).date()
            for at in Checkin.objects.filter(
                representative=rep,
                checkin_list__event=event,
                direction=Checkin.Direction.ENTRY,
            ).values_list("scanned_at", flat=True)
        }
    )
    if not days:
        raise ServiceError(_("This person was never checked in: no certificate."))
    present = {d: checkin.present_ids(event, d) for d in days}
    meetings = (
        Meeting.objects.filter(event=event, state=Meeting.State.SCHEDULED)
        .filter(Q(request__sender=rep) | Q(request__recipient=rep))
        .select_related("slot", "request__sender__company", "request__recipient__company")
    )
    outcomes = dict(
        MeetingOutcome.objects.filter(meeting__in=meetings).values_list("meeting_id", "state")
    )
    held = []
    for m in meetings:
        state = outcomes.get(m.pk)
        day = timezone.localtime(m.slot.start).date()
        both_in = {m.request.sender_id, m.request.recipient_id} <= present.get(day, set())
        if state == MeetingOutcome.State.HELD or (state is None and both_in):
            held.append(m)
    held.sort(key=lambda m: m.slot.start)
    return {"days": days, "meetings": held}


def certificate_pdf(rep) -> bytes:
    facts = certificate_facts(rep)
    return pdf.render_pdf(
        "events/attendance/certificate_pdf.html",
        {
            "event": rep.company.event,
            "rep": rep,
            "company": rep.company,
            **facts,
            "issued": timezone.localdate(),
            "title": _("Certificate of attendance"),
        },
    )


def file_name(kind: str, event, obj=None) -> str:
    suffix = f"-{slugify(str(obj))}" if obj is not None else ""
    return f"{kind}-{event.slug}{suffix}.pdf"
