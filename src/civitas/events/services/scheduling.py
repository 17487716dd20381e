"""Automatic scheduling: build the civitas-schedule/1 instance from an event, solve it with
civitas.scheduling in a background task, keep the draft, lock, publish.

Locked and published meetings, and those a participant booked on a slot (booking modes
"slots" and "both"), are passed to the solver as fixed: a new run (late registrations,
freed slots) never moves them; the requests without a slot are scheduled around them.
Unlocked draft meetings are replaced.

The incremental fill ("place new meetings without moving any") fixes every scheduled
meeting, drafts included, and only adds meetings for the confirmed requests without one.
"""

from __future__ import annotations

import json
import re

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core import jobs, journal

from ..models import (
    Event,
    Meeting,
    MeetingRequest,
    Representative,
    Room,
    ScheduleRun,
    Session,
    Slot,
)
from . import ServiceError, notify, placement, webhooks


def _avoided_kinds(*, absent=True) -> list[str]:
    """The kinds of commitment (services/placement.py) the scheduler must avoid."""
    return [
        k for k in placement.KINDS if k != placement.MEETING and (absent or k != placement.ABSENT)
    ]


def confirmed_unplaced(event):
    placed = Meeting.objects.filter(request=OuterRef("pk"), state=Meeting.State.SCHEDULED)
    return event.meeting_requests.filter(state=MeetingRequest.State.CONFIRMED).exclude(
        Exists(placed)
    )


def live_figures(event) -> dict:
    """Where the event's scheduling stands now (not at the last run): confirmed requests,
    those with a scheduled meeting, the fill rate, and how many are published."""
    confirmed = event.meeting_requests.filter(state=MeetingRequest.State.CONFIRMED)
    scheduled = Meeting.objects.filter(
        event=event, state=Meeting.State.SCHEDULED, request__in=confirmed
    )
    n_confirmed = confirmed.count()
    n_placed = scheduled.values("request").distinct().count()
    return {
        "confirmed": n_confirmed,
        "placed": n_placed,
        "published": scheduled.filter(published=True).count(),
        "drafts": scheduled.filter(published=False).count(),
        "fill_rate": round(100 * n_placed / n_confirmed) if n_confirmed else None,
    }


def build_instance(event: Event, *, fix_all: bool = False) -> tuple[dict, dict]:
    """(instance dict, request id by meeting id). fix_all: every scheduled meeting is fixed
    (incremental fill), not only the locked and published ones."""
    slots = list(Slot.objects.filter(session__day__event=event).order_by("start"))
    rooms = list(Room.objects.filter(site__event=event).order_by("pk"))
    scheduled = Meeting.objects.filter(event=event, state=Meeting.State.SCHEDULED)
    fixed = {
        m.request_id: m
        for m in (
            scheduled
            if fix_all
            # Locked, published, and booked on a slot by the participants themselves.
            else scheduled.filter(locked=True)
            | scheduled.filter(published=True)
            | scheduled.filter(request__slot__isnull=False)
        ).select_related("request")
    }
    reqs = list(
        event.meeting_requests.filter(state=MeetingRequest.State.CONFIRMED).order_by(
            "created_at", "pk"
        )
    )
    rep_ids = {r.sender_id for r in reqs} | {r.recipient_id for r in reqs}
    # Absences, expert meetings and any other commitment make a person unavailable; B2B
    # meetings are the scheduler's own business (fixed or placed by it).
    busy = placement.busy_slots(event, rep_ids, kinds=_avoided_kinds())
    # A meeting an organiser placed despite a declared absence stays where it is: its slot is
    # not "unavailable" for its two people when the absence is the only reason.
    for m in fixed.values():
        if m.absence_override:
            for rep_pk in (m.request.sender_id, m.request.recipient_id):
                found = busy.get(rep_pk, {}).get(m.slot_id)
                if found and all(c.kind == placement.ABSENT for c in found):
                    del busy[rep_pk][m.slot_id]
    participants = []
    for rep_pk in Representative.objects.filter(pk__in=rep_ids).values_list("pk", flat=True):
        unavailable = [f"s{s.pk}" for s in slots if s.pk in busy[rep_pk]]
        participants.append(
            {"id": f"p{rep_pk}", "unavailable": unavailable, "max_meetings": None, "table": None}
        )
    meetings, by_id = [], {}
    for rank, r in enumerate(reqs, start=1):
        mid = f"m{r.pk}"
        by_id[mid] = r.pk
        m = fixed.get(r.pk)
        meetings.append(
            {
                "id": mid,
                "participants": [f"p{r.sender_id}", f"p{r.recipient_id}"],
                "rank": rank,
                "sessions": None,
                "location": None,
                "fixed": (
                    {"slot": f"s{m.slot_id}", "location": f"r{m.room_id}", "table": m.table_number}
                    if m
                    else None
                ),
            }
        )
    instance = {
        "format": "civitas-schedule/1",
        "slots": [
            {
                "id": f"s{s.pk}",
                "start": timezone.localtime(s.start).replace(tzinfo=None).isoformat(),
                "end": timezone.localtime(s.end).replace(tzinfo=None).isoformat(),
                "session": f"se{s.session_id}",
            }
            for s in slots
        ],
        "locations": [{"id": f"r{r.pk}", "tables": r.tables} for r in rooms],
        "participants": participants,
        "meetings": meetings,
    }
    return instance, by_id


@transaction.atomic
def apply_result(run: ScheduleRun, result: dict, by_id: dict) -> ScheduleRun:
    event = run.event
    if not run.incremental:
        keep = Meeting.objects.filter(event=event, state=Meeting.State.SCHEDULED).filter(
            locked=False, published=False
        )
        keep.delete()  # unlocked draft meetings are replaced by the new draft
    existing = set(
        Meeting.objects.filter(event=event, state=Meeting.State.SCHEDULED).values_list(
            "request_id", flat=True
        )
    )
    # Expert meetings booked while the solver ran are re-checked here (the instance was
    # built before): a clashing placement is dropped and reported, never saved.
    parties = {
        pk: (s, r)
        for pk, s, r in MeetingRequest.objects.filter(pk__in=by_id.values()).values_list(
            "pk", "sender_id", "recipient_id"
        )
    }
    people = {rep for pair in parties.values() for rep in pair}
    expert_busy = placement.busy_slots(event, people, kinds=_avoided_kinds(absent=False))
    clashes = []
    new = []
    for a in result["assignments"]:
        req_id = by_id[a["meeting"]]
        if req_id in existing:
            continue
        slot_pk = int(a["slot"][1:])
        busy = [rep for rep in parties[req_id] if slot_pk in expert_busy.get(rep, ())]
        if busy:
            clashes.append((a["meeting"], busy[0]))
            continue
        new.append(
            Meeting(
                event=event,
                request_id=req_id,
                slot_id=int(a["slot"][1:]),
                room_id=int(a["location"][1:]),
                table_number=a["table"],
            )
        )
    Meeting.objects.bulk_create(new)
    names = {
        f"m{r.pk}": str(r)
        for r in MeetingRequest.objects.filter(
            pk__in=[by_id[u["meeting"]] for u in result["unscheduled"]]
        ).select_related("sender", "recipient")
    }
    run.requested = len(by_id)
    run.scheduled = len(result["assignments"]) - len(clashes)
    if run.incremental:  # count what this run had to place, not the fixed meetings
        run.requested = len(by_id) - len(existing)
        run.scheduled = len(new)
    run.breaks = result["stats"].get("breaks", 0)
    readable = _id_namer(
        [u["reason"] for u in result["unscheduled"]]
        + [json.dumps(u.get("params") or {}) for u in result["unscheduled"]]
    )
    run.unscheduled = [
        {
            "request": by_id[u["meeting"]],
            "label": names.get(u["meeting"], u["meeting"]),
            "reason": readable(u["reason"]),
            # Worded in the reader's language when shown (services/unscheduled.py).
            "code": u.get("code", ""),
            "params": _named(u.get("params") or {}, readable),
        }
        for u in result["unscheduled"]
    ]
    if clashes:
        reps = {r.pk: r for r in Representative.objects.filter(pk__in=[c[1] for c in clashes])}
        labels = {
            r.pk: str(r)
            for r in MeetingRequest.objects.filter(
                pk__in=[by_id[c[0]] for c in clashes]
            ).select_related("sender", "recipient")
        }
        for mid, rep_pk in clashes:
            run.unscheduled.append(
                {
                    "request": by_id[mid],
                    "label": labels.get(by_id[mid], mid),
                    "code": "expert_clash",
                    "params": {"person": reps[rep_pk].full_name},
                    "reason": str(
                        _(
                            "%(name)s booked an expert meeting at this time while the "
                            "scheduling ran: run it again or place this meeting by hand."
                        )
                        % {"name": reps[rep_pk].full_name}
                    ),
                }
            )
    run.status = ScheduleRun.Status.DRAFT
    run.finished_at = timezone.now()
    run.save()
    return run


def _named(value, readable):
    """The scheduler's reason parameters with instance ids replaced by names."""
    if isinstance(value, str):
        return readable(value)
    if isinstance(value, list):
        return [_named(v, readable) for v in value]
    if isinstance(value, dict):
        return {k: _named(v, readable) for k, v in value.items()}
    return value


_INSTANCE_ID = re.compile(r"\b(se|p|s|r)(\d+)\b")


def _id_namer(texts: list[str]):
    """Replace the instance ids of build_instance (p<representative>, s<slot>, se<session>,
    r<room>) in the scheduler's reasons with what organisers know: names, times, rooms."""
    wanted: dict[str, set[int]] = {"p": set(), "s": set(), "se": set(), "r": set()}
    for text in texts:
        for prefix, pk in _INSTANCE_ID.findall(text):
            wanted[prefix].add(int(pk))
    labels: dict[str, str] = {}
    for rep in Representative.objects.filter(pk__in=wanted["p"]).select_related("company"):
        labels[f"p{rep.pk}"] = f"{rep.full_name} ({rep.company.name})"
    for slot in Slot.objects.filter(pk__in=wanted["s"]):
        labels[f"s{slot.pk}"] = timezone.localtime(slot.start).strftime("%d/%m %H:%M")
    for session in Session.objects.filter(pk__in=wanted["se"]).select_related("day"):
        labels[f"se{session.pk}"] = str(session)
    for room in Room.objects.filter(pk__in=wanted["r"]):
        labels[f"r{room.pk}"] = str(room)

    def readable(text: str) -> str:
        return _INSTANCE_ID.sub(lambda m: labels.get(m.group(0), m.group(0)), text)

    return readable


def run_now(run: ScheduleRun, progress_id=None, time_limit=60.0) -> ScheduleRun:
    from civitas import scheduling as scheduler

    instance, by_id = build_instance(run.event, fix_all=run.incremental)
    if not instance["slots"] or not instance["locations"]:
        raise ServiceError(_("Set up days, sessions and rooms before scheduling."))
    if not instance["meetings"]:
        raise ServiceError(_("There is no confirmed request to schedule."))

    def progress(fraction, message):
        if progress_id:
            jobs.update(progress_id, fraction * 0.95, message)

    inst = scheduler.load_instance(instance)
    result = scheduler.solve(inst, time_limit=time_limit, progress=progress)
    return apply_result(run, result, by_id)


def start(event: Event, *, user=None, request=None, incremental=False) -> ScheduleRun:
    """Start a run in the background. incremental: place the confirmed requests without a
    meeting, all scheduled meetings fixed (late registrations, freed slots)."""
    from ..tasks import schedule_event

    settle_interrupted(event)
    if event.schedule_runs.filter(status=ScheduleRun.Status.RUNNING).exists():
        raise ServiceError(_("A scheduling run is already in progress."))
    if incremental and not confirmed_unplaced(event).exists():
        raise ServiceError(_("Every confirmed request already has a meeting."))
    job = jobs.create("events.scheduling", _("Scheduling of %(e)s") % {"e": event}, owner=user)
    run = ScheduleRun.objects.create(
        event=event, started_by=user, job_id=str(job.pk), incremental=incremental
    )
    journal.record(
        "events.scheduling_started",
        request=request,
        obj=event,
        details={"incremental": True} if incremental else None,
    )
    transaction.on_commit(lambda: schedule_event.enqueue(run.pk, str(job.pk)))
    return run


def settle_interrupted(event: Event) -> int:
    """Mark failed the runs still "running" whose background job has ended without them: a
    worker killed during the run (the job reaper then fails its job), or a job lost. Without
    this, a killed run would forbid every later run of the event. Nothing of such a run was
    kept: its result is written in one transaction (apply_result). Returns the runs settled."""
    from civitas.core.models import JobProgress

    settled = 0
    for run in event.schedule_runs.filter(status=ScheduleRun.Status.RUNNING).exclude(job_id=""):
        job = job_for(run)
        if job is not None and job.status in (
            JobProgress.Status.QUEUED,
            JobProgress.Status.RUNNING,
        ):
            continue
        message = (job.message if job is not None else "") or _(
            "Interrupted: the background job of this run was lost. Start the scheduling again."
        )
        settled += ScheduleRun.objects.filter(pk=run.pk, status=ScheduleRun.Status.RUNNING).update(
            status=ScheduleRun.Status.FAILED, message=message, finished_at=timezone.now()
        )
    return settled


def job_for(run: ScheduleRun):
    from civitas.core.models import JobProgress

    return JobProgress.objects.filter(pk=run.job_id).first() if run.job_id else None


@transaction.atomic
def set_locked(meeting: Meeting, locked: bool, *, request=None) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(locked=locked)
    journal.record(
        "events.meeting_locked" if locked else "events.meeting_unlocked",
        request=request,
        obj=meeting,
    )


def publication_figures(event: Event) -> dict:
    """What publishing the draft would send: draft meetings and the people told."""
    drafts = Meeting.objects.filter(event=event, state=Meeting.State.SCHEDULED, published=False)
    people = set(drafts.values_list("request__sender", flat=True)) | set(
        drafts.values_list("request__recipient", flat=True)
    )
    n = drafts.count()
    return {"n_drafts": n, "n_people": len(people), "n_messages": 2 * n}


@transaction.atomic
def publish(event: Event, *, request=None, notify_people=True) -> int:
    """Publish the draft: each person is told the time, room and table of each meeting."""
    drafts = list(
        Meeting.objects.select_for_update()
        .filter(event=event, state=Meeting.State.SCHEDULED, published=False)
        .select_related(
            "slot", "room__site", "request__sender__company", "request__recipient__company"
        )
    )
    if not drafts:
        raise ServiceError(_("There is no draft meeting to publish."))
    Meeting.objects.filter(pk__in=[m.pk for m in drafts]).update(published=True, locked=True)
    webhooks.meetings_scheduled(event, drafts)
    for m in drafts if notify_people else []:
        for rep in (m.request.sender, m.request.recipient):
            notify.tell(rep, "events.meeting_scheduled", other=m.request.other(rep), meeting=m)
    event.schedule_runs.filter(status=ScheduleRun.Status.DRAFT).update(
        status=ScheduleRun.Status.PUBLISHED
    )
    journal.record(
        "events.schedule_published", request=request, obj=event, details={"meetings": len(drafts)}
    )
    return len(drafts)
