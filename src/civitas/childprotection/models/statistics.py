"""Identifiers given at each yearly OLINPE extraction, for NUMANONYMANT continuity."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OlinpeIdentifier(models.Model):
    child = models.ForeignKey(
        "childprotection.Child", on_delete=models.CASCADE, related_name="olinpe_ids"
    )
    year = models.PositiveIntegerField(_("year"))
    numanonym = models.CharField(_("NUMANONYM"), max_length=128)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("OLINPE identifier")
        verbose_name_plural = _("OLINPE identifiers")
        constraints = [
            models.UniqueConstraint("child", "year", name="cp_olinpe_child_year"),
        ]

    def __str__(self):
        return f"{self.year} {self.numanonym[:12]}"
