"""The job that mails each person the link to their agenda, and the people it has mailed
(each one once per job, whatever the restarts)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .event import Event, EventChild
from .registration import Representative


class AgendaLinksMailing(EventChild):
    """One "mail each person the link to their agenda" job (its JobProgress is `job_id`).

    `updated_at` is its heartbeat: moved with every person mailed; a job still running
    without heartbeat for CIVITAS_JOB_STALE_MINUTES lost its worker and is taken up again."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda_links_mailings")
    job_id = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    total = models.PositiveIntegerField(_("messages queued"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mailing of the agenda links")
        verbose_name_plural = _("mailings of the agenda links")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.event_id} / {self.job_id}"


class AgendaLinkSent(EventChild):
    """The link went to this person in this job: the unique constraint makes a second
    message of the same job impossible, whatever the number of workers or restarts."""

    mailing = models.ForeignKey(AgendaLinksMailing, on_delete=models.CASCADE, related_name="sent")
    representative = models.ForeignKey(Representative, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agenda link sent")
        verbose_name_plural = _("agenda links sent")
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "representative"], name="events_agenda_link_sent_once"
            )
        ]

    civitas_scope_fields = {"event": "mailing__event"}

    def get_event(self):
        return self.mailing.event
