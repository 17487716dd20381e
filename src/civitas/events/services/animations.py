"""Animations (workshops, conferences, trainings, round tables): seats, registrations,
waiting lists and the organisers' operations. One function per rule; views stay thin.

Seats: `availability` is the one place that counts them. A registration "registered" or
"offered" (a freed place offered to the first person waiting, until `confirm_by`) holds a
seat; "waiting" does not. Registering locks the animation row (civitas.core.locking) before
counting, so two people never take the last seat together (tests/events/test_animations_race.py).

When a seat frees up (leave, cancellation, transfer, expired offer, more capacity, reopening)
`promote` offers it to the first person waiting, who has `offer_hours` to confirm; the
periodic job `events.expire_animation_offers` ends the offers not confirmed in time and
offers the seat to the next person.

People are told through the outbox (notify.tell): mail, and SMS for the messages that have
one (cancellation of the animation, offered place).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civitas.core import journal, locking

from ..models import Animation, AnimationRegistration, Representative
from . import ServiceError, notify, placement

Status = AnimationRegistration.Status
ANIMATION = "animation"  # the placement commitment kind


# --- Messages --------------------------------------------------------------------------------

P_ANIMATION = {
    "animation": gettext_lazy("Animation title"),
    "when": gettext_lazy("Date and time"),
    "where": gettext_lazy("Place"),
}

MESSAGES = [
    notify.EventMessage(
        "animation_registered",
        gettext_lazy("Events: registered to an animation"),
        ("Inscription confirmée", "Registration confirmed"),
        (
            "Vous êtes inscrit(e) à « {{ animation }} » : {{ when }}, {{ where }}.",
            "You are registered to \u201c{{ animation }}\u201d: {{ when }}, {{ where }}.",
        ),
        sms=False,
    ),
    notify.EventMessage(
        "animation_waiting",
        gettext_lazy("Events: on the waiting list of an animation"),
        ("Liste d'attente", "Waiting list"),
        (
            "« {{ animation }} » est complet : vous êtes sur la liste d'attente. Si une place "
            "se libère, elle vous sera proposée.",
            "\u201c{{ animation }}\u201d is full: you are on the waiting list. If a seat "
            "frees up, it will be offered to you.",
        ),
        sms=False,
    ),
    notify.EventMessage(
        "animation_offered",
        gettext_lazy("Events: a seat is offered at an animation (to confirm)"),
        ("Une place s'est libérée", "A seat became free"),
        (
            "Une place s'est libérée à « {{ animation }} » ({{ when }}). Confirmez-la dans "
            "votre espace avant le {{ deadline }}.",
            "A seat became free at \u201c{{ animation }}\u201d ({{ when }}). Confirm it in "
            "your area before {{ deadline }}.",
        ),
        placeholders={"deadline": gettext_lazy("Deadline to confirm")},
    ),
    notify.EventMessage(
        "animation_offer_expired",
        gettext_lazy("Events: an offered seat was not confirmed in time"),
        ("Place non confirmée", "Seat not confirmed"),
        (
            "La place proposée à « {{ animation }} » n'a pas été confirmée à temps : elle est "
            "proposée à la personne suivante.",
            "The seat offered at \u201c{{ animation }}\u201d was not confirmed in time: it is "
            "offered to the next person.",
        ),
        sms=False,
    ),
    notify.EventMessage(
        "animation_registration_cancelled",
        gettext_lazy("Events: animation registration cancelled by the organisers"),
        ("Inscription annulée", "Registration cancelled"),
        (
            "Les organisateurs ont annulé votre inscription à « {{ animation }} » ({{ when }})."
            "{% if reason %} Motif : {{ reason }}.{% endif %}",
            "The organisers cancelled your registration to \u201c{{ animation }}\u201d "
            "({{ when }}).{% if reason %} Reason: {{ reason }}.{% endif %}",
        ),
        placeholders={"reason": gettext_lazy("Reason given")},
        sms=False,
    ),
    notify.EventMessage(
        "animation_transferred",
        gettext_lazy("Events: animation registration transferred"),
        ("Inscription transférée", "Registration transferred"),
        (
            "Les organisateurs ont transféré votre inscription vers « {{ animation }} » : "
            "{{ when }}, {{ where }}.",
            "The organisers transferred your registration to \u201c{{ animation }}\u201d: "
            "{{ when }}, {{ where }}.",
        ),
        sms=False,
    ),
    notify.EventMessage(
        "animation_changed",
        gettext_lazy("Events: animation changed (date, time or place)"),
        ("Animation modifiée", "Animation changed"),
        (
            "« {{ animation }} » change : {{ when }}, {{ where }}.",
            "\u201c{{ animation }}\u201d changes: {{ when }}, {{ where }}.",
        ),
    ),
    notify.EventMessage(
        "animation_cancelled",
        gettext_lazy("Events: animation cancelled"),
        ("Animation annulée", "Animation cancelled"),
        (
            "« {{ animation }} » ({{ when }}) est annulé(e).{% if reason %} Motif : "
            "{{ reason }}.{% endif %}",
            "\u201c{{ animation }}\u201d ({{ when }}) is cancelled.{% if reason %} Reason: "
            "{{ reason }}.{% endif %}",
        ),
        placeholders={"reason": gettext_lazy("Reason given")},
    ),
]


# The messages of this file that go by SMS too (the others are e-mail only).
SENT_BY_SMS = [m.code for m in MESSAGES if m.sms]


def register_templates():
    notify.register_event_messages(
        MESSAGES, placeholders={**notify.P_EVENT, **notify.P_PERSON, **P_ANIMATION}
    )
    from civitas.core.outbox import templates

    templates.register(
        "events.animation_fill_alert",
        gettext_lazy("Events: animation fill rate below the forecast (to the organisers)"),
        placeholders={
            **notify.P_EVENT,
            "animation": gettext_lazy("Animation title"),
            "rate": gettext_lazy("Fill rate (%)"),
            "forecast": gettext_lazy("Forecast (%)"),
        },
        default_subject={
            "fr": "Taux de remplissage sous la prévision : {{ animation }}",
            "en": "Fill rate below the forecast: {{ animation }}",
        },
        default_body={
            "fr": "Bonjour,\n\n« {{ animation }} » ({{ event }}) est rempli(e) à {{ rate }} % "
            "pour une prévision de {{ forecast }} %.\n\n{{ organisation }}",
            "en": "Hello,\n\n\u201c{{ animation }}\u201d ({{ event }}) is {{ rate }} % full "
            "for a forecast of {{ forecast }} %.\n\n{{ organisation }}",
        },
    )


def place_label(animation: Animation) -> str:
    parts = [str(p) for p in (animation.site, animation.room_name or animation.room) if p]
    if animation.address:
        parts.append(animation.address.replace("\n", ", "))
    return ", ".join(dict.fromkeys(parts)) or "—"


def when_label(animation: Animation) -> str:
    start, end = timezone.localtime(animation.start), timezone.localtime(animation.end)
    return f"{start:%d/%m/%Y %H:%M}–{end:%H:%M}"


def _tell(reg: AnimationRegistration, code: str, *, sms=True, **extra):
    a = reg.animation
    notify.tell(
        reg.representative,
        f"events.{code}",
        sms=sms,
        extra={"animation": a.title, "when": when_label(a), "where": place_label(a), **extra},
    )


# --- Seats -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Availability:
    seats: int | None  # the capacity in force (None: none known)
    taken: int  # registered + offered
    waiting: int
    enforced: bool = True  # False: people are admitted beyond the capacity

    @property
    def left(self) -> int | None:
        """Seats left; None: no limit."""
        if self.seats is None or not self.enforced:
            return None
        return max(self.seats - self.taken, 0)

    @property
    def full(self) -> bool:
        return self.left == 0

    @property
    def rate(self) -> int | None:
        """Fill rate in % of the capacity (even when the quota is not enforced)."""
        return None if not self.seats else round(100 * self.taken / self.seats)


def availability(animation: Animation) -> Availability:
    """The one count of seats: capacity in force, seats taken, people waiting."""
    counts = dict.fromkeys(Status.values, 0)
    for status in animation.registrations.filter(
        status__in=AnimationRegistration.ACTIVE
    ).values_list("status", flat=True):
        counts[status] += 1
    return Availability(
        animation.seats,
        counts[Status.REGISTERED] + counts[Status.OFFERED],
        counts[Status.WAITING],
        animation.quota_enforced,
    )


def _lock(animation: Animation) -> Animation:
    locking.lock(rows=[Animation.objects.filter(pk=animation.pk)])
    return Animation.objects.select_related("event", "room", "site").get(pk=animation.pk)


# --- Registration ----------------------------------------------------------------------------


def _check_can_register(animation: Animation, rep: Representative, *, by_organiser: bool):
    if rep.company.event_id != animation.event_id:
        raise ServiceError(_("This person is not registered to this event."))
    if animation.status == Animation.Status.CANCELLED:
        raise ServiceError(_("This animation is cancelled."))
    if animation.end <= timezone.now() and not by_organiser:
        raise ServiceError(_("This animation is over."))
    if (
        not by_organiser
        and not animation.public
        and not animation.invited.filter(pk=rep.pk).exists()
    ):
        raise ServiceError(_("This animation is on invitation only."))
    if animation.registrations.filter(
        representative=rep, status__in=AnimationRegistration.ACTIVE
    ).exists():
        raise ServiceError(
            _("%(name)s is already registered to this animation.") % {"name": rep.full_name}
        )
    busy = placement.commitments([rep.pk], start=animation.start, end=animation.end)[rep.pk]
    if busy:
        raise ServiceError(
            _("%(name)s is not free at that time (another animation or a meeting).")
            % {"name": rep.full_name}
        )


def _auto_close(animation: Animation) -> None:
    if (
        animation.full_policy == Animation.FullPolicy.CLOSE
        and animation.status == Animation.Status.OPEN
        and availability(animation).full
    ):
        animation.status = Animation.Status.CLOSED
        animation.status_reason = _("Full")
        animation.closed_automatically = True
        animation.save(update_fields=["status", "status_reason", "closed_automatically"])


@transaction.atomic
def register(
    animation: Animation, rep: Representative, *, by_organiser=False, request=None, notify_=True
) -> AnimationRegistration:
    """Register `rep`: a seat if one is left, else the waiting list (waiting-list policy),
    else a refusal. The organisers may register on a closed animation, never beyond the
    quota."""
    animation = _lock(animation)
    locking.lock(rows=[Representative.objects.filter(pk=rep.pk)])
    _check_can_register(animation, rep, by_organiser=by_organiser)
    if animation.status == Animation.Status.CLOSED and not by_organiser:
        raise ServiceError(_("Registrations to this animation are closed."))
    avail = availability(animation)
    locking.checkpoint()
    if avail.left is None or avail.left > 0:
        status = Status.REGISTERED
    elif animation.full_policy == Animation.FullPolicy.WAITLIST:
        status = Status.WAITING
    else:
        raise ServiceError(_("This animation is full."))
    reg = AnimationRegistration.objects.create(
        animation=animation, representative=rep, status=status
    )
    _auto_close(animation)
    if by_organiser:
        journal.record("events.animation_registration_added", request=request, obj=reg)
    if notify_:
        _tell(
            reg,
            "animation_registered" if status == Status.REGISTERED else "animation_waiting",
            sms=False,
        )
    return reg


def _lock_registration(reg: AnimationRegistration) -> AnimationRegistration:
    animation = _lock(reg.animation)
    reg = AnimationRegistration.objects.select_for_update().get(pk=reg.pk)
    reg.animation = animation
    return reg


def _end(reg: AnimationRegistration, status, reason="") -> None:
    reg.status = status
    reg.reason = reason[:300]
    reg.confirm_by = None
    reg.save(update_fields=["status", "reason", "confirm_by", "updated_at"])


@transaction.atomic
def leave(reg: AnimationRegistration, rep: Representative) -> AnimationRegistration:
    """A participant leaves a free animation (or its waiting list, or an offered seat)."""
    reg = _lock_registration(reg)
    if reg.representative_id != rep.pk:
        raise ServiceError(_("This registration is not yours."))
    if reg.status not in AnimationRegistration.ACTIVE:
        raise ServiceError(_("This registration is no longer active."))
    if reg.status == Status.REGISTERED and not reg.animation.is_free:
        raise ServiceError(
            _("This animation is paid: ask the organisers to cancel your registration.")
        )
    _end(reg, Status.CANCELLED, _("Left by the participant"))
    promote(reg.animation)
    return reg


@transaction.atomic
def confirm_offer(
    reg: AnimationRegistration, rep: Representative, *, now=None
) -> AnimationRegistration:
    now = now or timezone.now()
    reg = _lock_registration(reg)
    if reg.representative_id != rep.pk:
        raise ServiceError(_("This registration is not yours."))
    if reg.status != Status.OFFERED:
        raise ServiceError(_("No seat is offered to you at this animation."))
    if reg.confirm_by and reg.confirm_by < now:
        raise ServiceError(_("The deadline to confirm this seat has passed."))
    reg.status = Status.REGISTERED
    reg.confirm_by = None
    reg.save(update_fields=["status", "confirm_by", "updated_at"])
    _tell(reg, "animation_registered", sms=False)
    return reg


def promote(animation: Animation, *, now=None) -> list[AnimationRegistration]:
    """Offer the free seats to the first people waiting (call with the animation locked).
    Reopens an animation closed only because it was full."""
    now = now or timezone.now()
    if animation.status == Animation.Status.CANCELLED:
        return []
    if (
        animation.closed_automatically
        and animation.status == Animation.Status.CLOSED
        and not availability(animation).full
    ):
        animation.status = Animation.Status.OPEN
        animation.status_reason = ""
        animation.closed_automatically = False
        animation.save(update_fields=["status", "status_reason", "closed_automatically"])
    if animation.status != Animation.Status.OPEN:
        return []
    offered = []
    left = availability(animation).left
    if left is None:
        # No limit: everyone waiting gets a seat offer.
        left = animation.registrations.filter(status=Status.WAITING).count()
    for reg in (
        animation.registrations.filter(status=Status.WAITING)
        .select_related("representative__company__event")
        .order_by("created_at", "pk")[:left]
    ):
        reg.status = Status.OFFERED
        reg.confirm_by = now + timedelta(hours=animation.offer_hours)
        reg.save(update_fields=["status", "confirm_by", "updated_at"])
        reg.animation = animation
        deadline = timezone.localtime(reg.confirm_by)
        _tell(reg, "animation_offered", deadline=f"{deadline:%d/%m/%Y %H:%M}")
        offered.append(reg)
    return offered


def expire_offers(*, now=None) -> int:
    """Periodic job: offers not confirmed in time end; the seat goes to the next person."""
    now = now or timezone.now()
    count = 0
    ids = list(
        AnimationRegistration.objects.filter(status=Status.OFFERED, confirm_by__lt=now)
        .order_by("animation_id", "pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            reg = _lock_registration(
                AnimationRegistration.objects.select_related("animation").get(pk=pk)
            )
            if reg.status != Status.OFFERED or not reg.confirm_by or reg.confirm_by >= now:
                continue
            _end(reg, Status.CANCELLED, _("Seat not confirmed in time"))
            _tell(reg, "animation_offer_expired", sms=False)
            promote(reg.animation, now=now)
            count += 1
    return count


# --- Organisers ------------------------------------------------------------------------------


@transaction.atomic
def cancel_registration(
    reg: AnimationRegistration, *, reason="", request=None
) -> AnimationRegistration:
    reg = _lock_registration(reg)
    if reg.status not in AnimationRegistration.ACTIVE:
        raise ServiceError(_("This registration is no longer active."))
    _end(reg, Status.CANCELLED, reason)
    journal.record(
        "events.animation_registration_cancelled",
        request=request,
        obj=reg,
        details={"reason": reason},
    )
    _tell(reg, "animation_registration_cancelled", sms=False, reason=reason)
    promote(reg.animation)
    return reg


@transaction.atomic
def transfer(
    reg: AnimationRegistration, target: Animation, *, request=None
) -> AnimationRegistration:
    """Move a registration to another animation of the same event (a seat there, or its
    waiting list); the seat left behind goes to the first person waiting."""
    if target.pk == reg.animation_id:
        raise ServiceError(_("Choose another animation."))
    if target.event_id != reg.animation.event_id:
        raise ServiceError(_("The animation belongs to another event."))
    # One order for every path: animations by primary key.
    first, second = sorted([reg.animation, target], key=lambda a: a.pk)
    _lock(first)
    _lock(second)
    reg = _lock_registration(reg)
    if reg.status not in AnimationRegistration.ACTIVE:
        raise ServiceError(_("This registration is no longer active."))
    _end(reg, Status.TRANSFERRED)
    new = register(target, reg.representative, by_organiser=True, request=request, notify_=False)
    reg.transferred_to = new
    reg.save(update_fields=["transferred_to", "updated_at"])
    journal.record(
        "events.animation_registration_transferred",
        request=request,
        obj=reg,
        details={"to": target.pk, "status": new.status},
    )
    _tell(
        new,
        "animation_transferred" if new.status == Status.REGISTERED else "animation_waiting",
        sms=False,
    )
    promote(reg.animation)
    return new


@transaction.atomic
def close(animation: Animation, *, reason: str, request=None) -> Animation:
    animation = _lock(animation)
    if animation.status != Animation.Status.OPEN:
        raise ServiceError(_("Only an open animation can be closed."))
    if not reason.strip():
        raise ServiceError(_("Give the reason for closing."))
    animation.status = Animation.Status.CLOSED
    animation.status_reason = reason.strip()[:300]
    animation.closed_automatically = False
    animation.save(update_fields=["status", "status_reason", "closed_automatically"])
    journal.record(
        "events.animation_closed", request=request, obj=animation, details={"reason": reason}
    )
    return animation


@transaction.atomic
def reopen(animation: Animation, *, request=None) -> Animation:
    animation = _lock(animation)
    if animation.status != Animation.Status.CLOSED:
        raise ServiceError(_("Only a closed animation can be reopened."))
    animation.status = Animation.Status.OPEN
    animation.status_reason = ""
    animation.closed_automatically = False
    animation.save(update_fields=["status", "status_reason", "closed_automatically"])
    journal.record("events.animation_reopened", request=request, obj=animation)
    promote(animation)
    return animation


TOLD_FIELDS = ("start", "end", "site_id", "room_id", "room_name", "address", "address_kind")


@transaction.atomic
def save_animation(animation: Animation, *, request=None) -> list[str]:
    """Create or change an animation (a form's instance). When the date, time or place of an
    existing one changes, the people registered (and offered a seat) are told; more seats
    go to the waiting list. Returns the names of the fields that changed."""
    if animation.end <= animation.start:
        raise ServiceError(_("The end must be after the start."))
    if animation.room_id and animation.room.get_event().pk != animation.event_id:
        raise ServiceError(_("The room belongs to another event."))
    if animation.site_id and animation.site.event_id != animation.event_id:
        raise ServiceError(_("The site belongs to another event."))
    if animation.pk is None:
        animation.save()
        journal.record("events.animation_created", request=request, obj=animation)
        _checkin_list(animation)
        return []
    before = _lock(animation)
    changed = [f for f in TOLD_FIELDS if getattr(before, f) != getattr(animation, f)]
    other = [
        f
        for f in (
            "capacity",
            "quota_enforced",
            "full_policy",
            "title_fr",
            "title_en",
            "public",
            "price",
        )
        if getattr(before, f) != getattr(animation, f)
    ]
    animation.status, animation.status_reason = before.status, before.status_reason
    animation.closed_automatically = before.closed_automatically
    animation.save()
    journal.record(
        "events.animation_changed",
        request=request,
        obj=animation,
        details={"fields": changed + other},
    )
    if changed:
        for reg in animation.registrations.filter(
            status__in=AnimationRegistration.SEATED
        ).select_related("representative__company__event", "representative__user"):
            reg.animation = animation
            _tell(reg, "animation_changed")
    promote(animation)
    _auto_close(animation)
    _checkin_list(animation)
    return changed + other


@transaction.atomic
def cancel_animation(animation: Animation, *, reason="", request=None) -> int:
    """Cancel the animation: every active registration ends, everyone is told by mail and
    SMS. Returns how many people were told."""
    animation = _lock(animation)
    if animation.status == Animation.Status.CANCELLED:
        raise ServiceError(_("This animation is already cancelled."))
    animation.status = Animation.Status.CANCELLED
    animation.status_reason = reason[:300]
    animation.save(update_fields=["status", "status_reason"])
    regs = list(
        animation.registrations.filter(status__in=AnimationRegistration.ACTIVE).select_related(
            "representative__company__event", "representative__user"
        )
    )
    for reg in regs:
        _end(reg, Status.CANCELLED, reason or _("Animation cancelled"))
        reg.animation = animation
        _tell(reg, "animation_cancelled", reason=reason)
    journal.record(
        "events.animation_cancelled",
        request=request,
        obj=animation,
        details={"reason": reason, "told": len(regs)},
    )
    return len(regs)


# --- Placement: a person is busy during the animations they hold a seat at -----------------


def _busy(rep_ids, start, end, ignore):
    qs = AnimationRegistration.objects.filter(
        representative_id__in=rep_ids, status__in=AnimationRegistration.SEATED
    ).exclude(animation__status=Animation.Status.CANCELLED)
    if start is not None:
        qs = qs.filter(animation__end__gt=start)
    if end is not None:
        qs = qs.filter(animation__start__lt=end)
    for reg in qs.select_related("animation").order_by("animation__start", "pk"):
        yield placement.Clash(
            ANIMATION, reg.representative_id, reg.animation.start, reg.animation.end, reg
        )


def _busy_message(clash, rep, slot) -> str:
    return _("%(name)s attends “%(animation)s” at %(slot)s.") % {
        "name": rep.full_name,
        "animation": clash.obj.animation.title,
        "slot": slot,
    }


def basket_lines(company) -> list:
    """The paid animations the company's people hold a seat in, as lines of the company's
    basket (services/checkout.py); each line's code names the seat, so the buyer can take
    it out of the basket."""
    from decimal import Decimal

    from civitas.core.billing.invoices import Line

    seats = (
        AnimationRegistration.objects.filter(
            representative__company=company,
            status=AnimationRegistration.Status.REGISTERED,
            animation__price__gt=0,
        )
        .exclude(animation__status=Animation.Status.CANCELLED)
        .select_related("animation", "representative")
        .order_by("animation__start", "pk")
    )
    return [
        Line(
            _("%(animation)s (%(person)s)")
            % {"animation": seat.animation.title, "person": seat.representative.full_name},
            seat.animation.price,
            Decimal("1"),
            code=f"animation:{seat.pk}",
        )
        for seat in seats
    ]


def register_checkout():
    """Called from EventsConfig.ready(): paid animations go into the registration's basket."""
    from . import checkout

    checkout.register_line_source(basket_lines)


# --- Check-in ---------------------------------------------------------------------------------


def checkin_list_name(animation: Animation) -> str:
    """The name of an animation's check-in list: its title, date and time."""
    start = timezone.localtime(animation.start)
    return f"{animation.title_fr} {start:%d/%m/%Y %H:%M}"


def _checkin_lists(event) -> list[tuple[int, str]]:
    return [
        (a.pk, checkin_list_name(a))
        for a in event.animations.exclude(status=Animation.Status.CANCELLED)
    ]


def _checkin_list(animation: Animation) -> None:
    """An animation gets its check-in list when created (and its name follows the title and
    the time), once the event's lists exist; a cancelled one gets none."""
    from ..models import CheckinList
    from . import checkin

    if animation.status == Animation.Status.CANCELLED:
        return
    if not CheckinList.objects.filter(event_id=animation.event_id).exists():
        return  # ensure_lists creates them all, this one with them
    checkin.ensure_target_list(
        animation.event, ANIMATION, animation.pk, checkin_list_name(animation)
    )


def booked_ids(animation_id: int, rep_ids=None) -> set[int]:
    """The people holding a confirmed booking of an animation: registered (not on the
    waiting list, not offered a seat still to confirm, not cancelled or transferred)."""
    qs = AnimationRegistration.objects.filter(
        animation_id=animation_id,
        animation__status__in=(Animation.Status.OPEN, Animation.Status.CLOSED),
        status=Status.REGISTERED,
    )
    if rep_ids is not None:
        qs = qs.filter(representative_id__in=rep_ids)
    return set(qs.values_list("representative_id", flat=True))


def _checkin_eligible(lst, rep: Representative) -> bool:
    return bool(lst.target_id) and rep.pk in booked_ids(lst.target_id, [rep.pk])


def _checkin_eligible_ids(lst, rep_ids) -> set[int]:
    return booked_ids(lst.target_id, rep_ids) if lst.target_id else set()


def _checkin_not_registered(lst) -> str:
    return _("Not registered for this animation (%(list)s)") % {"list": lst.name}


def register_checkin():
    """Called from EventsConfig.ready(): each animation has its check-in list, on which are
    the people who booked it."""
    from . import checkin

    checkin.register_target(
        ANIMATION,
        _checkin_eligible,
        eligible_ids=_checkin_eligible_ids,
        not_registered=_checkin_not_registered,
        lists=_checkin_lists,
    )


def register_placement():
    """Called from EventsConfig.ready(): the scheduler, manual placement and slot booking
    see a person as busy during their animations."""
    placement.register_source(placement.Source(ANIMATION, _busy, _busy_message))


# --- Fill rates ------------------------------------------------------------------------------


def event_fill(event) -> dict:
    """Fill rate of each animation of an event and of the event as a whole (seats taken over
    the capacity of the animations that have one; cancelled ones left out)."""
    rows = []
    seats = taken = 0
    for animation in event.animations.exclude(status=Animation.Status.CANCELLED).select_related(
        "room"
    ):
        avail = availability(animation)
        rows.append((animation, avail))
        if avail.seats:
            seats += avail.seats
            taken += avail.taken
    return {
        "rows": rows,
        "seats": seats,
        "taken": taken,
        "rate": round(100 * taken / seats) if seats else None,
    }


def below_forecast(animation: Animation, *, today=None) -> bool:
    today = today or timezone.localdate()
    if animation.forecast_rate is None or animation.forecast_date is None:
        return False
    if animation.forecast_date > today or animation.status == Animation.Status.CANCELLED:
        return False
    rate = availability(animation).rate
    return rate is not None and rate < animation.forecast_rate


def fill_alerts(*, today=None) -> int:
    """Periodic job: once an animation's alert date has come, mail its person in charge and
    the event's organisers when its fill rate is below the forecast (once)."""
    from civitas.core import accounts
    from civitas.core.outbox import services as outbox

    sent = 0
    for animation in Animation.objects.filter(
        forecast_rate__isnull=False, forecast_date__isnull=False, forecast_alerted_at__isnull=True
    ).select_related("event", "room", "person_in_charge"):
        if not below_forecast(animation, today=today):
            continue
        event = animation.event
        addresses = {u.email for u in accounts.holders("events.manage_event", event) if u.email}
        if animation.person_in_charge and animation.person_in_charge.email:
            addresses.add(animation.person_in_charge.email)
        if event.organiser_email:
            addresses.add(event.organiser_email)
        for address in sorted(addresses):
            outbox.send_message(
                "events.animation_fill_alert",
                email=address,
                context={
                    "event": event.name,
                    "event_url": notify.event_url(event),
                    "animation": animation.title_fr,
                    "rate": availability(animation).rate,
                    "forecast": animation.forecast_rate,
                },
                scope_type="event",
                scope_id=event.pk,
            )
        animation.forecast_alerted_at = timezone.now()
        animation.save(update_fields=["forecast_alerted_at"])
        sent += 1
    return sent


# --- Training agreement (convention de formation) --------------------------------------------


def training_agreement(reg: AnimationRegistration) -> bytes:
    """The training agreement of one participant's company, as PDF (WeasyPrint)."""
    from civitas.core.documents import pdf

    animation = reg.animation
    if animation.kind != Animation.Kind.TRAINING:
        raise ServiceError(_("Training agreements exist for trainings only."))
    if reg.status not in AnimationRegistration.SEATED:
        raise ServiceError(_("This person holds no seat at this training."))
    hours = (animation.end - animation.start).total_seconds() / 3600
    return pdf.render_pdf(
        "events/animations/agreement_pdf.html",
        {
            "event": animation.event,
            "animation": animation,
            "reg": reg,
            "rep": reg.representative,
            "company": reg.representative.company,
            "speakers": list(animation.speakers.all()),
            "when": when_label(animation),
            "place": place_label(animation),
            "hours": f"{hours:g}",
            "title": _("Training agreement"),
            "printed_at": timezone.localtime(),
        },
    )
