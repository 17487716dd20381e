"""Check-in: the one place that decides what a scan means.

    result = checkin.scan(lst, code, by=user, device="Entrée A", client_id="d1-0007")
    result.status   # "valid", "already", "not_registered", "unknown", "refused", "exit"

`code` is what the convocation or badge QR code says (the absolute address of the
check-in look-up, …/checkin/<token>/) or the bare token a hand scanner or a person types.
A device gives each scan its own `client_id`: sending the same scan again (a queue flushed
twice after a network cut) returns the first answer and records nothing more. The first
entry scan of a person on a list wins (a unique constraint, so two devices scanning at the
same moment cannot both record one); later scans answer "already checked in at 09:12 by X".

Eligibility of a list ("is this person registered for it") lives in `eligible()`; other
aggregates (animations) register theirs for lists with a `target_type` through
`register_target()`, and extra refusals (unpaid registration) through `register_check()`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Checkin,
    CheckinList,
    Company,
    Meeting,
    MeetingOutcome,
    Representative,
)
from . import ServiceError

VALID = "valid"
ALREADY = "already"
NOT_REGISTERED = "not_registered"
UNKNOWN = "unknown"
REFUSED = "refused"
EXIT = "exit"

# How far a device's clock may be ahead of the server's before its time is not believed.
MAX_CLOCK_AHEAD = timedelta(minutes=5)
MAX_BATCH = 500

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_IN_URL = re.compile(r"/checkin/([A-Za-z0-9_-]{16,64})/?(?:[?#].*)?$")


@dataclass(frozen=True)
class Target:
    """How lists of another aggregate are kept: who is on them (`eligible(lst, rep)`; and in
    bulk, `eligible_ids(lst, rep_ids) -> set`, for the cached offline list), what a person
    not on them is told, and which lists an event should have (`lists(event)` ->
    [(target_id, name)], created or renamed by `ensure_lists`)."""

    eligible: Callable
    eligible_ids: Callable | None = None
    not_registered: Callable | None = None
    lists: Callable | None = None


# target_type -> Target
_targets: dict[str, Target] = {}
# [check(checkin_list, representative) -> message or None] (e.g. "unpaid")
_checks: list[Callable] = []
# check -> refusals(checkin_list) -> {rep_id: message}: the same check for a whole list
_bulk_checks: dict[Callable, Callable] = {}


def register_target(
    target_type: str,
    eligible: Callable,
    *,
    eligible_ids: Callable | None = None,
    not_registered: Callable | None = None,
    lists: Callable | None = None,
) -> None:
    """Lists of another aggregate (an animation): `eligible(lst, rep)` says who is on it."""
    _targets[target_type] = Target(eligible, eligible_ids, not_registered, lists)


def register_check(check: Callable, *, refusals: Callable | None = None) -> None:
    """An extra refusal asked at every entry scan (`check(lst, rep)` -> message or None);
    `refusals(lst)` -> {rep_id: message} gives the same answers for the whole list at once
    (the cached offline list carries them)."""
    if check not in _checks:
        _checks.append(check)
    if refusals is not None:
        _bulk_checks[check] = refusals


def unregister_check(check: Callable) -> None:
    if check in _checks:
        _checks.remove(check)
    _bulk_checks.pop(check, None)


def refusal(lst: CheckinList, rep: Representative) -> str:
    """The first refusal of the registered checks for an entry of this person ("" if none)."""
    for check in _checks:
        message = check(lst, rep)
        if message:
            return str(message)
    return ""


def refusals(lst: CheckinList, rep_ids) -> dict[int, str]:
    """{rep_id: refusal} for the people of a list, in a few queries per check."""
    out: dict[int, str] = {}
    reps = None
    for check in _checks:
        bulk = _bulk_checks.get(check)
        if bulk is not None:
            found = bulk(lst)
            for rep_id in rep_ids:
                if rep_id not in out and found.get(rep_id):
                    out[rep_id] = str(found[rep_id])
            continue
        if reps is None:
            reps = Representative.objects.filter(pk__in=rep_ids).select_related("company")
        for rep in reps:
            if rep.pk not in out:
                message = check(lst, rep)
                if message:
                    out[rep.pk] = str(message)
    return out


def not_registered_message(lst: CheckinList) -> str:
    """What a person who is not on the list is told (the list's target may say it better)."""
    target = _targets.get(lst.target_type) if lst.target_type else None
    if target is not None and target.not_registered is not None:
        return str(target.not_registered(lst))
    return _("Not registered for %(list)s") % {"list": lst.name}


@dataclass
class ScanResult:
    status: str
    message: str
    representative: Representative | None = None
    checkin: Checkin | None = None
    previous: Checkin | None = None
    replayed: bool = False
    client_id: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        rep = self.representative
        return {
            "client_id": self.client_id,
            "status": self.status,
            "message": self.message,
            "ok": self.status in (VALID, EXIT),
            "replayed": self.replayed,
            "person": rep.full_name if rep else "",
            "company": rep.company.name if rep else "",
            "rep": rep.pk if rep else None,
        }


# ---------------------------------------------------------------- lists


def ensure_lists(event) -> list[CheckinList]:
    """The standard lists of an event: the whole event, each day, each B2B session, and
    one per target the registered aggregates ask for (each animation). Idempotent: a list
    that exists is left as it is (a target's list follows its target's name)."""
    created = []

    def get(kind, name, **kw):
        lst = CheckinList.objects.filter(event=event, kind=kind, **kw).first()
        if lst is None:
            lst = CheckinList.objects.create(event=event, kind=kind, name=name, **kw)
            created.append(lst)
        return lst

    get(CheckinList.Kind.EVENT, str(event.name))
    for day in event.days.prefetch_related("sessions").order_by("date"):
        get(CheckinList.Kind.DAY, _("Day %(d)s") % {"d": day.date.strftime("%d/%m/%Y")}, day=day)
        for session in day.sessions.all():
            get(
                CheckinList.Kind.SESSION,
                f"{day.date:%d/%m/%Y} {session.name}",
                session=session,
                day=day,
            )
    for target_type, target in _targets.items():
        if target.lists is None:
            continue
        for target_id, name in target.lists(event):
            ensure_target_list(event, target_type, target_id, name, created)
    return created


def ensure_target_list(event, target_type: str, target_id: int, name: str, created=None):
    """The list of one target (an animation): created, or renamed when its name changed."""
    name = str(name)[:200]
    lst = CheckinList.objects.filter(
        event=event, kind=CheckinList.Kind.OTHER, target_type=target_type, target_id=target_id
    ).first()
    if lst is None:
        lst = CheckinList.objects.create(
            event=event,
            kind=CheckinList.Kind.OTHER,
            name=name,
            target_type=target_type,
            target_id=target_id,
        )
        if created is not None:
            created.append(lst)
    elif lst.name != name:
        lst.name = name
        lst.save(update_fields=["name"])
    return lst


def list_day(lst: CheckinList) -> date | None:
    if lst.session_id:
        return lst.session.day.date
    if lst.day_id:
        return lst.day.date
    return None


def eligible(lst: CheckinList, rep: Representative) -> bool:
    """Is this person registered for this list? A validated company of the event; for a day
    or session, not declared absent from it; for another target, its registered rule."""
    company = rep.company
    if company.event_id != lst.event_id or company.status != Company.Status.VALIDATED:
        return False
    if lst.kind == CheckinList.Kind.SESSION and lst.session_id:
        return not rep.absent_sessions.filter(pk=lst.session_id).exists()
    if lst.kind == CheckinList.Kind.DAY and lst.day_id:
        sessions = set(lst.day.sessions.values_list("pk", flat=True))
        if not sessions:
            return True
        absent = set(rep.absent_sessions.filter(pk__in=sessions).values_list("pk", flat=True))
        return absent != sessions
    if lst.target_type:
        target = _targets.get(lst.target_type)
        return bool(target and target.eligible(lst, rep))
    return True


def eligible_ids(lst: CheckinList) -> set[int]:
    """The representatives registered for the list, in a few queries (for the cached list)."""
    reps = Representative.objects.filter(
        company__event_id=lst.event_id, company__status=Company.Status.VALIDATED
    )
    if lst.kind == CheckinList.Kind.SESSION and lst.session_id:
        reps = reps.exclude(absent_sessions=lst.session_id)
        return set(reps.values_list("pk", flat=True))
    if lst.kind == CheckinList.Kind.DAY and lst.day_id:
        sessions = list(lst.day.sessions.values_list("pk", flat=True))
        ids = set(reps.values_list("pk", flat=True))
        if not sessions:
            return ids
        through = Representative.absent_sessions.through
        absent: dict[int, int] = {}
        for rep_id in through.objects.filter(
            session_id__in=sessions, representative_id__in=ids
        ).values_list("representative_id", flat=True):
            absent[rep_id] = absent.get(rep_id, 0) + 1
        return {i for i in ids if absent.get(i, 0) < len(sessions)}
    if lst.target_type:
        target = _targets.get(lst.target_type)
        if target is None:
            return set()
        if target.eligible_ids is not None:
            return set(target.eligible_ids(lst, reps.values_list("pk", flat=True)))
        return {r.pk for r in reps.select_related("company") if target.eligible(lst, r)}
    return set(reps.values_list("pk", flat=True))


# ---------------------------------------------------------------- scans


def token_of(code: str) -> str | None:
    """The check-in token inside what was scanned or typed (URL or bare token)."""
    code = (code or "").strip()
    if not code or len(code) > 500:
        return None
    m = _IN_URL.search(code)
    if m:
        return m.group(1)
    return code if _TOKEN.match(code) else None


def find(lst: CheckinList, code: str) -> Representative | None:
    token = token_of(code)
    if token is None:
        return None
    return (
        Representative.objects.select_related("company")
        .filter(checkin_token=token, company__event_id=lst.event_id)
        .first()
    )


def _when(at: datetime | None) -> datetime:
    now = timezone.now()
    if at is None or timezone.is_naive(at) or at > now + MAX_CLOCK_AHEAD:
        return now
    return at


def _who(checkin: Checkin) -> str:
    if checkin.by_id is None:
        return checkin.device or _("a device")
    user = checkin.by
    return user.get_full_name() or user.email


def _already(rep, previous: Checkin, client_id: str) -> ScanResult:
    local = timezone.localtime(previous.scanned_at)
    return ScanResult(
        ALREADY,
        _("Already checked in at %(time)s by %(who)s")
        % {"time": local.strftime("%H:%M"), "who": _who(previous)},
        representative=rep,
        previous=previous,
        client_id=client_id,
    )


def _replay(existing: Checkin, client_id: str) -> ScanResult:
    rep = existing.representative
    status = EXIT if existing.direction == Checkin.Direction.EXIT else VALID
    return ScanResult(
        status,
        _("Already received"),
        representative=rep,
        checkin=existing,
        replayed=True,
        client_id=client_id,
    )


def scan(
    lst: CheckinList,
    code: str,
    *,
    by=None,
    device: str = "",
    client_id: str = "",
    at: datetime | None = None,
    direction: str = Checkin.Direction.ENTRY,
) -> ScanResult:
    """What a scanned or typed code means on this list, recording a valid entry or exit."""
    if client_id:
        existing = (
            Checkin.objects.select_related("representative__company")
            .filter(checkin_list=lst, client_id=client_id)
            .first()
        )
        if existing is not None:
            return _replay(existing, client_id)
    rep = find(lst, code)
    if rep is None:
        return ScanResult(UNKNOWN, _("Unknown code"), client_id=client_id)
    return check_in(lst, rep, by=by, device=device, client_id=client_id, at=at, direction=direction)


def check_in(
    lst: CheckinList,
    rep: Representative,
    *,
    by=None,
    device: str = "",
    client_id: str = "",
    at: datetime | None = None,
    direction: str = Checkin.Direction.ENTRY,
    method: str = "scan",
) -> ScanResult:
    """Record the entry (or exit) of a known person: the search-and-tick path and the
    scan path both end here."""
    client_id = (client_id or "")[:64] or f"srv-{timezone.now().timestamp()}-{rep.pk}"
    if direction not in Checkin.Direction.values:
        raise ServiceError(_("Unknown direction."))
    if direction == Checkin.Direction.EXIT and not lst.allow_exit:
        raise ServiceError(_("This list does not record exits."))
    existing = (
        Checkin.objects.select_related("representative__company")
        .filter(checkin_list=lst, client_id=client_id)
        .first()
    )
    if existing is not None:
        return _replay(existing, client_id)
    if not eligible(lst, rep):
        return ScanResult(
            NOT_REGISTERED,
            not_registered_message(lst),
            representative=rep,
            client_id=client_id,
        )
    if direction == Checkin.Direction.ENTRY:
        refused = refusal(lst, rep)
        if refused:
            return ScanResult(REFUSED, refused, representative=rep, client_id=client_id)
        previous = (
            Checkin.objects.select_related("by")
            .filter(checkin_list=lst, representative=rep, direction=Checkin.Direction.ENTRY)
            .first()
        )
        if previous is not None:
            return _already(rep, previous, client_id)
    row = Checkin(
        checkin_list=lst,
        representative=rep,
        direction=direction,
        scanned_at=_when(at),
        by=by if by is not None and by.is_authenticated else None,
        device=(device or "")[:100],
        client_id=client_id,
        method=method,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # Another device recorded the same scan id or the first entry a moment earlier.
        existing = Checkin.objects.filter(checkin_list=lst, client_id=client_id).first()
        if existing is not None:
            return _replay(existing, client_id)
        previous = (
            Checkin.objects.select_related("by")
            .filter(checkin_list=lst, representative=rep, direction=Checkin.Direction.ENTRY)
            .first()
        )
        return _already(rep, previous, client_id)
    if direction == Checkin.Direction.EXIT:
        return ScanResult(
            EXIT, _("Exit recorded"), representative=rep, checkin=row, client_id=client_id
        )
    return ScanResult(VALID, _("Welcome!"), representative=rep, checkin=row, client_id=client_id)


def sync(lst: CheckinList, scans: list[dict], *, by=None, device: str = "") -> list[ScanResult]:
    """A device's queue of scans: each {"client_id", "code" or "rep", "at" (ISO),
    "direction"}; answers in the same order. Malformed items answer "unknown"."""
    if len(scans) > MAX_BATCH:
        raise ServiceError(_("Too many scans in one batch (%(n)s at most).") % {"n": MAX_BATCH})
    results = []
    for item in scans:
        if not isinstance(item, dict):
            results.append(ScanResult(UNKNOWN, _("Unknown code")))
            continue
        client_id = str(item.get("client_id") or "")[:64]
        at = _parse_time(item.get("at"))
        direction = item.get("direction") or Checkin.Direction.ENTRY
        if direction not in Checkin.Direction.values or (
            direction == Checkin.Direction.EXIT and not lst.allow_exit
        ):
            results.append(ScanResult(UNKNOWN, _("Unknown direction."), client_id=client_id))
            continue
        rep_id = item.get("rep")
        if rep_id is not None:
            rep = None
            if type(rep_id) is int and 0 < rep_id < 2**63:  # not a bool
                rep = (
                    Representative.objects.select_related("company")
                    .filter(pk=rep_id, company__event_id=lst.event_id)
                    .first()
                )
            if rep is None:
                results.append(ScanResult(UNKNOWN, _("Unknown code"), client_id=client_id))
                continue
            results.append(
                check_in(
                    lst,
                    rep,
                    by=by,
                    device=device,
                    client_id=client_id,
                    at=at,
                    direction=direction,
                    method="search",
                )
            )
            continue
        results.append(
            scan(
                lst,
                str(item.get("code") or ""),
                by=by,
                device=device,
                client_id=client_id,
                at=at,
                direction=direction,
            )
        )
    return results


def _parse_time(value) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else None


def snapshot(lst: CheckinList) -> dict:
    """What a device caches to keep working offline: the people of the list with their
    token, whether they are on it, the refusal they would get at the entry ("refused":
    unpaid registration...) and whether (and when) they are already in; and what a person
    not on the list is told."""
    ids = eligible_ids(lst)
    refused = refusals(lst, ids)
    entries = {
        c.representative_id: c
        for c in Checkin.objects.filter(
            checkin_list=lst, direction=Checkin.Direction.ENTRY
        ).select_related("by")
    }
    people = []
    for rep in (
        Representative.objects.filter(company__event_id=lst.event_id)
        .select_related("company")
        .order_by("last_name", "first_name", "pk")
    ):
        c = entries.get(rep.pk)
        people.append(
            {
                "rep": rep.pk,
                "token": rep.checkin_token,
                "name": rep.full_name,
                "company": rep.company.name,
                "registered": rep.pk in ids,
                "refused": refused.get(rep.pk, ""),
                "in_at": timezone.localtime(c.scanned_at).strftime("%H:%M") if c else "",
                "in_by": _who(c) if c else "",
            }
        )
    return {
        "list": {
            "id": lst.pk,
            "name": lst.name,
            "allow_exit": lst.allow_exit,
            "not_registered": not_registered_message(lst),
        },
        "people": people,
        "generated_at": timezone.now().isoformat(),
    }


def search(lst: CheckinList, words: str, limit: int = 20) -> list[Representative]:
    """Search by name or company, for ticking a person without a code."""
    words = (words or "").split()[:5]
    qs = Representative.objects.filter(company__event_id=lst.event_id).select_related("company")
    for w in words:
        qs = qs.filter(
            Q(first_name__icontains=w) | Q(last_name__icontains=w) | Q(company__name__icontains=w)
        )
    return list(qs.order_by("last_name", "first_name")[:limit]) if words else []


# ---------------------------------------------------------------- presence


def presence(event, day: date) -> dict[int, dict]:
    """Presence per person on a day: {rep_id: {"first_in", "last_out"}} from the entry and
    exit scans of every list of the event made that (local) day."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    end = start + timedelta(days=1)
    out: dict[int, dict] = {}
    for rep_id, direction, at in Checkin.objects.filter(
        checkin_list__event=event, scanned_at__gte=start, scanned_at__lt=end
    ).values_list("representative_id", "direction", "scanned_at"):
        p = out.setdefault(rep_id, {"first_in": None, "last_out": None})
        if direction == Checkin.Direction.ENTRY:
            if p["first_in"] is None or at < p["first_in"]:
                p["first_in"] = at
        elif p["last_out"] is None or at > p["last_out"]:
            p["last_out"] = at
    return out


def present_ids(event, day: date) -> set[int]:
    return {rep for rep, p in presence(event, day).items() if p["first_in"]}


# ---------------------------------------------------------------- meetings


def confirm_held(meeting: Meeting, *, by_rep: Representative | None = None, by_user=None):
    """A party (or the organiser) confirms the meeting took place."""
    if meeting.state != Meeting.State.SCHEDULED:
        raise ServiceError(_("This meeting is cancelled."))
    req = meeting.request
    if by_rep is not None and by_rep.pk not in (req.sender_id, req.recipient_id):
        raise ServiceError(_("Only a party to the meeting can confirm it."))
    if meeting.slot.start > timezone.now():
        raise ServiceError(_("This meeting has not started yet."))
    if by_rep is not None:
        _party_may_answer(meeting)
    outcome, _created = MeetingOutcome.objects.update_or_create(
        meeting=meeting,
        defaults={
            "state": MeetingOutcome.State.HELD,
            "absent": None,
            "confirmed_by_rep": by_rep,
            "confirmed_by_user": by_user,
        },
    )
    return outcome


def _party_may_answer(meeting: Meeting) -> None:
    """What the organiser recorded is final: a party no longer changes it."""
    outcome = MeetingOutcome.objects.filter(meeting=meeting).first()
    if outcome is not None and outcome.confirmed_by_user_id is not None:
        raise ServiceError(_("The organiser has already recorded whether this meeting was held."))


def report_not_held(meeting: Meeting, *, by_rep: Representative):
    """A party says the meeting did not take place: the other party is recorded absent.

    Either party may answer (the last answer of a party stands) until the organiser records
    the outcome, which is final."""
    if meeting.state != Meeting.State.SCHEDULED:
        raise ServiceError(_("This meeting is cancelled."))
    req = meeting.request
    if by_rep.pk not in (req.sender_id, req.recipient_id):
        raise ServiceError(_("Only a party to the meeting can confirm it."))
    if meeting.slot.start > timezone.now():
        raise ServiceError(_("This meeting has not started yet."))
    _party_may_answer(meeting)
    other_id = req.recipient_id if by_rep.pk == req.sender_id else req.sender_id
    outcome, _created = MeetingOutcome.objects.update_or_create(
        meeting=meeting,
        defaults={
            "state": MeetingOutcome.State.NO_SHOW,
            "absent_id": other_id,
            "confirmed_by_rep": by_rep,
            "confirmed_by_user": None,
        },
    )
    return outcome


def meetings_to_confirm(rep: Representative, now=None) -> list[tuple]:
    """[(meeting, other party, outcome or None)]: the person's published meetings that have
    started, latest first, with what was recorded about them."""
    now = now or timezone.now()
    meetings = (
        Meeting.objects.filter(
            Q(request__sender=rep) | Q(request__recipient=rep),
            state=Meeting.State.SCHEDULED,
            published=True,
            slot__start__lte=now,
        )
        .select_related(
            "slot", "room", "request__sender__company", "request__recipient__company", "outcome"
        )
        .order_by("-slot__start", "pk")
    )
    out = []
    for m in meetings:
        out.append((m, m.request.other(rep), getattr(m, "outcome", None)))
    return out


def mark_no_show(meeting: Meeting, absent: Representative | None, *, by_user=None):
    """The organiser records that a meeting did not take place (who was absent, if known)."""
    req = meeting.request
    if absent is not None and absent.pk not in (req.sender_id, req.recipient_id):
        raise ServiceError(_("The absent person is not a party to this meeting."))
    outcome, _created = MeetingOutcome.objects.update_or_create(
        meeting=meeting,
        defaults={
            "state": MeetingOutcome.State.NO_SHOW,
            "absent": absent,
            "confirmed_by_rep": None,
            "confirmed_by_user": by_user,
        },
    )
    return outcome


def likely_no_shows(event, now=None) -> list[tuple[Meeting, list[Representative]]]:
    """Scheduled meetings already started, with no outcome, where a party has not been
    checked in that day: the organiser confirms them as no-shows (or held)."""
    now = now or timezone.now()
    meetings = list(
        Meeting.objects.filter(
            event=event,
            state=Meeting.State.SCHEDULED,
            slot__start__lte=now,
            outcome__isnull=True,
        ).select_related("slot", "room", "request__sender__company", "request__recipient__company")
    )
    by_day: dict[date, set[int]] = {}
    out = []
    for m in meetings:
        day = timezone.localtime(m.slot.start).date()
        if day not in by_day:
            by_day[day] = present_ids(event, day)
        absent = [r for r in (m.request.sender, m.request.recipient) if r.pk not in by_day[day]]
        if absent:
            out.append((m, absent))
    return out
