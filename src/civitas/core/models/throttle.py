from django.db import models
from django.utils.translation import gettext_lazy as _


class ThrottleCount(models.Model):
    """Attempts counted for one key in one fixed time window (civitas.core.throttle).

    In the database so every web process and worker sees the same counts. The key is a
    SHA-256 of what is counted (an e-mail address, an IP address), never the value itself."""

    key = models.CharField(_("key"), max_length=64)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("throttle count")
        verbose_name_plural = _("throttle counts")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="unique_throttle_window")
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self):
        return f"{self.key[:12]}… @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
