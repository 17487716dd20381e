"""Private messages: one conversation per meeting request (its two parties) and one per
participant with the organisers.

Who may read a conversation is decided by its members (ConversationMember rows, created
with the conversation from the meeting request's two representatives, or the participant
writing to the organisers) plus the event's administrators holding
"events.manage_messages". Colleagues of the same company are not members: the spec makes
the two parties of the meeting the people who talk to each other.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .event import SCOPE_EVENT, Event, EventChild
from .meetings import MeetingRequest
from .registration import Representative

MAX_MESSAGE_LENGTH = 4000


class Conversation(EventChild):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Between the two parties of a meeting request")
        ORGANISERS = "organisers", _("With the organisers")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="conversations")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    request = models.OneToOneField(
        MeetingRequest,
        verbose_name=_("meeting request"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="conversation",
    )
    participant = models.OneToOneField(
        Representative,
        verbose_name=_("participant"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="organisers_conversation",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)
    # The organisers read and are notified as one team.
    organisers_read_at = models.DateTimeField(_("read by the organisers"), null=True, blank=True)
    organisers_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-pk"]
        indexes = [models.Index(fields=["event", "kind", "last_message_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="meeting", request__isnull=False, participant__isnull=True)
                    | models.Q(kind="organisers", request__isnull=True, participant__isnull=False)
                ),
                name="events_conversation_kind_target",
            )
        ]

    def __str__(self):
        if self.kind == self.Kind.MEETING:
            return str(self.request)
        return f"{self.participant} ↔ {_('organisers')}"


class ConversationMember(EventChild):
    """A participant who may read and write in a conversation, with their read marker."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="members")
    representative = models.ForeignKey(
        Representative, on_delete=models.CASCADE, related_name="conversation_memberships"
    )
    read_at = models.DateTimeField(_("read up to"), null=True, blank=True)
    # Last e-mail notice sent to this member (throttling).
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("conversation member")
        verbose_name_plural = _("conversation members")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "representative"], name="events_conversation_member"
            )
        ]

    civitas_scope_fields = {SCOPE_EVENT: "conversation__event"}

    def get_event(self):
        return self.conversation.event


class ConversationMessage(EventChild):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    # A participant's message has `author`; an organiser's has `from_organisers` and the
    # account that wrote it (kept for the record, shown as "the organisers").
    author = models.ForeignKey(
        Representative,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by (organiser account)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_organisers = models.BooleanField(_("from the organisers"), default=False)
    body = models.TextField(_("message"), max_length=MAX_MESSAGE_LENGTH)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("private message")
        verbose_name_plural = _("private messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.conversation}: {self.body[:40]}"

    civitas_scope_fields = {SCOPE_EVENT: "conversation__event"}

    def get_event(self):
        return self.conversation.event
