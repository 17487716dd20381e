"""The quarter reports mailed to the customers (004 §4, 003 §13.6.5): a record of each
report sent, so that each recipient receives each quarter's report once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportMailing(models.Model):
    """One quarter report of one structure mailed to one of its correspondents."""

    structure = models.ForeignKey(
        "support.Structure",
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="report_mailings",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"))

    civitas_scope_fields = {"unit": "structure__unit"}

    class Meta:
        verbose_name = _("quarter report sent")
        verbose_name_plural = _("quarter reports sent")
        ordering = ["-year", "-quarter", "structure", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "year", "quarter", "recipient"],
                name="support_report_mailing_once",
            )
        ]

    def __str__(self):
        return f"{self.structure} {self.year}-T{self.quarter}"
