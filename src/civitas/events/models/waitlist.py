"""Waiting lists per slot (direct booking mode): a request both parties agreed on waits for
a place at its slot; the first compatible entry takes a freed place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .event import Event, EventChild, Slot
from .meetings import Meeting, MeetingRequest
from .registration import Representative


class SlotWaitlistEntry(EventChild):
    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        PLACED = "placed", _("Placed")
        LEFT = "left", _("Left the list")
        EXPIRED = "expired", _("Expired (the slot started)")
        CLOSED = "closed", _("Closed (request answered otherwise)")
        REMOVED = "removed", _("Removed by the organisers")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="waitlist_entries")
    slot = models.ForeignKey(
        Slot, verbose_name=_("slot"), on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    request = models.ForeignKey(
        MeetingRequest, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    joined_by = models.ForeignKey(
        Representative, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.WAITING
    )
    # Order of arrival on the list: the position.
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True, db_index=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["slot", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(state="waiting"),
                name="events_waitlist_one_per_request",
            )
        ]

    def __str__(self):
        return f"{self.request} @ {self.slot}"
