import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobProgress(models.Model):
    """Progress of a long background job, shown to its owner as a progress bar."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    label = models.CharField(_("label"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    fraction = models.FloatField(default=0.0)
    message = models.CharField(max_length=300, blank=True)
    result_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Heartbeat: every progress report moves it; a running job whose heartbeat stops was
    # interrupted (worker killed, machine restarted) and is reaped by a periodic job.
    updated_at = models.DateTimeField(_("last progress"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return self.label

    @property
    def percent(self):
        return round(self.fraction * 100)

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)
