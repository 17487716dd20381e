"""Check-in on the event day: lists (who may enter where), scans, and what happened to the
meetings (held, no-show)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .event import Day, Event, EventChild, Session
from .meetings import Meeting
from .registration import Representative


class CheckinList(EventChild):
    """A list for one point of entry: the whole event, one day, one B2B session, or a
    target another part of the module registers (an animation: `target_type`/`target_id`,
    whose eligibility rule is registered in services/checkin.py)."""

    class Kind(models.TextChoices):
        EVENT = "event", _("Whole event")
        DAY = "day", _("Day")
        SESSION = "session", _("B2B session")
        OTHER = "other", _("Other (animation)")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="checkin_lists")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EVENT)
    day = models.ForeignKey(
        Day, verbose_name=_("day"), null=True, blank=True, on_delete=models.CASCADE
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), null=True, blank=True, on_delete=models.CASCADE
    )
    # A generic target (e.g. "animation", 12) for lists of other aggregates.
    target_type = models.CharField(max_length=50, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    allow_exit = models.BooleanField(_("exit scans"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("check-in list")
        verbose_name_plural = _("check-in lists")
        ordering = ["kind", "name", "pk"]

    def __str__(self):
        return self.name


class Checkin(EventChild):
    """One accepted scan. The first entry of a person on a list wins (unique constraint);
    a device's scan id makes a re-sent scan harmless (unique per list)."""

    class Direction(models.TextChoices):
        ENTRY = "entry", _("Entry")
        EXIT = "exit", _("Exit")

    checkin_list = models.ForeignKey(CheckinList, on_delete=models.CASCADE, related_name="checkins")
    representative = models.ForeignKey(
        Representative, on_delete=models.CASCADE, related_name="checkins"
    )
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.ENTRY)
    scanned_at = models.DateTimeField(_("scanned at"), db_index=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    device = models.CharField(_("device"), max_length=100, blank=True)
    client_id = models.CharField(max_length=64)
    method = models.CharField(max_length=10, default="scan")  # scan, search, walkin

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["scanned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkin_list", "representative"],
                condition=models.Q(direction="entry"),
                name="events_checkin_first_entry",
            ),
            models.UniqueConstraint(
                fields=["checkin_list", "client_id"], name="events_checkin_client_id"
            ),
        ]

    civitas_scope_fields = {"event": "checkin_list__event"}

    def get_event(self):
        return self.checkin_list.event


class MeetingOutcome(EventChild):
    """Whether a meeting took place: confirmed by a party or the organiser, or a no-show."""

    class State(models.TextChoices):
        HELD = "held", _("Held")
        NO_SHOW = "no_show", _("No-show")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="outcome")
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    absent = models.ForeignKey(
        Representative,
        verbose_name=_("absent party"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_by_rep = models.ForeignKey(
        Representative, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting outcome")
        verbose_name_plural = _("meeting outcomes")

    civitas_scope_fields = {"event": "meeting__event"}

    def get_event(self):
        return self.meeting.event
