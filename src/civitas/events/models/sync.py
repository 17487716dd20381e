"""What the CRM interface needs besides the records themselves: deletion tombstones for the
incremental sync, webhook subscriptions and their delivery log."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .event import SCOPE_EVENT, Event, EventChild


class DeletedRecord(models.Model):
    """A tombstone: one record of a synced model was deleted.

    The API lists tombstones (`/deletions/?updated_since=`) so a CRM can remove what it
    copied. Only the type and id are kept (never personal data). `event_id` is a plain
    integer: the tombstone outlives the record and must not block the event's own deletion
    (tombstones of a deleted event are removed with it, see services/sync.py).
    """

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        CONTACT = "contact", _("Contact")
        OFFER = "offer", _("Offer or request")
        REQUEST = "request", _("Meeting request")
        MEETING = "meeting", _("Meeting")

    event_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField(_("id"))
    deleted_at = models.DateTimeField(_("deleted at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("deleted record")
        verbose_name_plural = _("deleted records")
        ordering = ["deleted_at", "pk"]

    def __str__(self):
        return f"{self.kind} #{self.object_id}"


def new_secret() -> str:
    """A fresh signing secret for a webhook subscription."""
    return secrets.token_urlsafe(32)


def _secret():  # the field default named by migration 0008: keep the name
    return new_secret()


class WebhookSubscription(EventChild):
    """An external system (the CRM) asks to be told when something happens in one event."""

    class Topic(models.TextChoices):
        COMPANY_REGISTERED = "company.registered", _("Company registered")
        COMPANY_VALIDATED = "company.validated", _("Company validated")
        COMPANY_REJECTED = "company.rejected", _("Company rejected")
        MEETING_SCHEDULED = "meeting.scheduled", _("Meeting scheduled")
        MEETING_MOVED = "meeting.moved", _("Meeting moved")
        MEETING_CANCELLED = "meeting.cancelled", _("Meeting cancelled")
        PING = "ping", _("Test message")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="webhooks")
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("address (URL)"),
        max_length=500,
        help_text=_("The address that receives a POST request for each notification."),
    )
    secret = models.CharField(_("signing secret"), max_length=100, default=_secret)
    topics = models.JSONField(_("notifications sent"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def wants(self, topic: str) -> bool:
        return self.is_active and (topic == "ping" or topic in (self.topics or []))


class WebhookDelivery(EventChild):
    """One notification to one subscription: the payload, then every attempt's outcome."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        RETRYING = "retrying", _("Waiting for a new attempt")
        FAILED = "failed", _("Failed")

    CLAIMABLE = (State.QUEUED, State.RETRYING)

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    topic = models.CharField(_("notification"), max_length=40)
    payload = models.JSONField(_("content"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, db_index=True)
    response_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    response_body = models.TextField(_("response (start)"), blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    # Every attempt: {"at": iso, "status": int|None, "error": str, "ms": int}
    log = models.JSONField(_("attempts log"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self):
        return f"{self.topic} → {self.subscription}"

    civitas_scope_fields = {SCOPE_EVENT: "subscription__event"}

    def get_event(self):
        return self.subscription.event
