from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SecondFactorThrottle(models.Model):
    """Wrong second-factor codes of one account, in the database so that every web
    process sees the same count (civitas.core.second_factor)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="second_factor_throttle",
    )
    failures = models.PositiveIntegerField(_("wrong codes"), default=0)
    first_failure_at = models.DateTimeField(_("first wrong code"), null=True, blank=True)
    locked_until = models.DateTimeField(_("blocked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("second-factor throttle")
        verbose_name_plural = _("second-factor throttles")

    def __str__(self):
        return f"{self.user_id}: {self.failures}"
