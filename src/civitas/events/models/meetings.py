"""Meeting requests, meetings and scheduling runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .event import SCOPE_COORGANISER, SCOPE_EVENT, Event, EventChild, Room, Slot
from .registration import Representative
from .tracking import Tracked


def _parties_scope_q(visible, prefix="") -> Q:
    """permissions.restrict() for a request or a meeting: its event's readers, and the
    readers of the co-organiser of either party."""
    q = Q(pk__in=[])
    if visible.get(SCOPE_EVENT):
        q |= Q(**{f"{prefix}event__in": sorted(visible[SCOPE_EVENT])})
    ids = sorted(visible.get(SCOPE_COORGANISER, ()))
    if ids:
        q |= Q(**{f"{prefix}sender__company__co_organiser__in": ids})
        q |= Q(**{f"{prefix}recipient__company__co_organiser__in": ids})
    return q


def _parties_chain(req, event) -> list:
    """The co-organisers of both parties (most specific first), then the event."""
    cached = [
        getattr(req, name)
        for name in ("sender", "recipient")
        if req._meta.get_field(name).is_cached(req)
    ]
    if len(cached) == 2 and all(rep._meta.get_field("company").is_cached(rep) for rep in cached):
        found = [rep.company.co_organiser_id for rep in cached]
    else:  # one query rather than up to four
        found = list(
            Representative.objects.filter(pk__in=[req.sender_id, req.recipient_id])
            .order_by("pk")
            .values_list("company__co_organiser_id", flat=True)
        )
    co_ids = []
    for co in found:
        if co and co not in co_ids:
            co_ids.append(co)
    return [*((SCOPE_COORGANISER, co) for co in co_ids), *event.civitas_scope_chain()]


class MeetingRequest(Tracked, EventChild):
    """A asks B; B accepts or declines; A confirms. Never accepted by default."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted (waiting for confirmation)")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    OPEN_STATES = (State.PENDING, State.ACCEPTED, State.CONFIRMED)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_requests")
    sender = models.ForeignKey(
        Representative, on_delete=models.CASCADE, related_name="sent_requests"
    )
    recipient = models.ForeignKey(
        Representative, on_delete=models.CASCADE, related_name="received_requests"
    )
    message = models.TextField(_("message"), blank=True)
    # Slot booking: the slot asked for (confirming places the meeting there).
    slot = models.ForeignKey(
        Slot, verbose_name=_("slot"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # A request without a slot: the sessions the sender prefers, shown to the recipient and
    # the organisers (the scheduler takes only hard session limits, so it does not use them).
    preferred_sessions = models.ManyToManyField(
        "events.Session", verbose_name=_("preferred sessions"), blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    # Order of arrival: the rank used by the scheduler.
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        Representative, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["event", "state"])]

    def __str__(self):
        return f"{self.sender.full_name} → {self.recipient.full_name}"

    def other(self, representative):
        return self.recipient if representative.pk == self.sender_id else self.sender

    @classmethod
    def civitas_scope_q(cls, visible) -> Q:
        return _parties_scope_q(visible)

    def civitas_scope_chain(self):
        return _parties_chain(self, self.event)


class Meeting(Tracked, EventChild):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    request = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="meetings")
    # RESTRICT: a slot or room holding meetings cannot be deleted on its own (no silent
    # loss of meetings), but deleting the whole event removes its meetings with it.
    slot = models.ForeignKey(
        Slot, verbose_name=_("slot"), on_delete=models.RESTRICT, related_name="meetings"
    )
    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.RESTRICT, related_name="meetings"
    )
    table_number = models.PositiveIntegerField(_("table"))
    locked = models.BooleanField(_("locked"), default=False)
    published = models.BooleanField(_("published"), default=False)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SCHEDULED
    )
    # Placed by an organiser although one of the two people declared not attending the
    # session: the reason they gave (empty for every other meeting).
    absence_override = models.CharField(
        _("placed despite an absence, because"), max_length=300, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["slot__start", "room__name", "table_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "room", "table_number"],
                condition=models.Q(state="scheduled"),
                name="events_meeting_one_per_table",
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(state="scheduled"),
                name="events_meeting_one_per_request",
            ),
        ]

    def __str__(self):
        return f"{self.request} @ {self.slot} {self.room} #{self.table_number}"

    @classmethod
    def civitas_scope_q(cls, visible) -> Q:
        return _parties_scope_q(visible, "request__")

    def civitas_scope_chain(self):
        return _parties_chain(self.request, self.event)


class ScheduleRun(EventChild):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    job_id = models.CharField(max_length=64, blank=True)
    incremental = models.BooleanField(_("incremental (no scheduled meeting moves)"), default=False)
    requested = models.PositiveIntegerField(_("meetings to place"), default=0)
    scheduled = models.PositiveIntegerField(_("meetings placed"), default=0)
    breaks = models.PositiveIntegerField(_("breaks"), default=0)
    unscheduled = models.JSONField(_("unscheduled meetings"), default=list, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        verbose_name = _("scheduling run")
        verbose_name_plural = _("scheduling runs")
        ordering = ["-started_at"]

    @property
    def fill_rate(self) -> float:
        return (self.scheduled / self.requested) if self.requested else 0.0
