"""Break-glass access: reading a file outside one's scope, with a written reason."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BreakGlass(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.ForeignKey(
        "childprotection.File", on_delete=models.CASCADE, related_name="break_glasses"
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("break-glass access")
        verbose_name_plural = _("break-glass accesses")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} → {self.file}"
