"""Reminder schedule of an event and the record of each reminder sent (sent once)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .event import Event, EventChild


class ReminderRule(EventChild):
    class About(models.TextChoices):
        EVENT = "event", _("The event (with its programme)")
        MEETING = "meeting", _("Each business meeting")
        EXPERT_MEETING = "expert_meeting", _("Each expert meeting")
        BOOKING = "booking", _("Book meetings before the deadline")

    class Channel(models.TextChoices):
        MAIL = "mail", _("E-mail")
        SMS = "sms", _("SMS")
        BOTH = "both", _("E-mail and SMS")

    class Audience(models.TextChoices):
        PARTICIPANTS = "participants", _("Participants")
        EXPERTS = "experts", _("Experts")
        BOTH = "both", _("Participants and experts")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reminder_rules")
    about = models.CharField(_("about"), max_length=20, choices=About.choices)
    minutes_before = models.PositiveIntegerField(
        _("minutes before"),
        validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 90)],
        help_text=_("1440 = the day before, 2880 = two days before."),
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.MAIL
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.PARTICIPANTS
    )
    quiet_from = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet hours until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["about", "-minutes_before", "pk"]

    def __str__(self):
        return f"{self.get_about_display()} – {self.minutes_before} min"


class ReminderSent(EventChild):
    """One reminder to one person about one thing: the unique constraint makes a second
    sending impossible, whatever the number of workers or restarts."""

    rule = models.ForeignKey(ReminderRule, on_delete=models.CASCADE, related_name="sent")
    target = models.CharField(max_length=50)  # "event:3", "meeting:12", "expert_meeting:4"
    recipient = models.CharField(max_length=50)  # "rep:7", "expert:2"
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "target", "recipient"], name="events_reminder_sent_once"
            )
        ]

    civitas_scope_fields = {"event": "rule__event"}

    def get_event(self):
        return self.rule.event
