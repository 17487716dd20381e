"""Feedback: question sets per event (meeting evaluation, event evaluation), invitations
sent at the moment the organiser chose, answers."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from .event import Event, EventChild
from .meetings import Meeting
from .registration import Representative


def _token():
    return secrets.token_urlsafe(24)


class Survey(EventChild):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Evaluation of each meeting (by each party)")
        EVENT = "event", _("Evaluation of the event")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="surveys")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    send_at = models.DateTimeField(
        _("send at"),
        help_text=_("End of the meetings, of the day, of the event, or months later."),
    )
    remind_after_days = models.PositiveIntegerField(
        _("remind non-respondents after (days)"), default=7
    )
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["send_at", "pk"]

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        CHOICE = "choice", _("One choice")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CHOICE)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label


class Invitation(EventChild):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    representative = models.ForeignKey(
        Representative, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE)
    token = models.CharField(max_length=64, default=_token, unique=True, editable=False)
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "representative", "meeting"], name="events_invitation_once"
            ),
            models.UniqueConstraint(
                fields=["survey", "representative"],
                condition=models.Q(meeting__isnull=True),
                name="events_invitation_once_event",
            ),
        ]

    civitas_scope_fields = {"event": "survey__event"}

    def __str__(self):
        return f"{self.survey} – {self.representative_id}"

    def get_event(self):
        return self.survey.event


class Answer(models.Model):
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invitation", "question"], name="events_answer_once")
        ]

    def __str__(self):
        return self.value[:50]
