from django.db import models
from django.utils.translation import gettext_lazy as _


class ProbeResult(models.Model):
    """One check of the login page by the availability probe."""

    class Alert(models.TextChoices):
        NONE = "", _("None")
        DOWN = "down", _("Outage alert sent")
        UP = "up", _("Recovery notice sent")

    at = models.DateTimeField(_("time"), db_index=True)
    url = models.CharField(_("URL"), max_length=500)
    ok = models.BooleanField(_("available"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    milliseconds = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    alert = models.CharField(_("alert"), max_length=4, choices=Alert.choices, blank=True)

    class Meta:
        verbose_name = _("availability check")
        verbose_name_plural = _("availability checks")
        ordering = ["-at", "-id"]
        default_permissions = ()

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {'OK' if self.ok else 'KO'} {self.status_code or ''}"
