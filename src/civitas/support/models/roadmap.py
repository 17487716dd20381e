"""Evolution requests, their examination and the roadmap (004 §4.4): requests entered on
the portal, examined and ranked by the provider, planned in a version, announced in the
version sheets."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Evolution(models.Model):
    """The examination of one evolution request (a ticket of the "evolution" service)."""

    class Decision(models.TextChoices):
        SUBMITTED = "submitted", _("To be examined")
        PLANNED = "planned", _("On the roadmap")
        REFUSED = "refused", _("Not kept")
        DELIVERED = "delivered", _("Delivered")

    class Interest(models.TextChoices):
        GENERAL = "general", _("General interest")
        SPECIFIC = "specific", _("Specific to one customer")
        REGULATORY = "regulatory", _("Regulatory adaptation")

    ticket = models.OneToOneField(
        "support.Ticket", on_delete=models.CASCADE, related_name="evolution"
    )
    title = models.CharField(
        _("title on the roadmap"),
        max_length=200,
        help_text=_("What every customer reads on the roadmap and the version sheet."),
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.SUBMITTED
    )
    interest = models.CharField(
        _("interest"), max_length=10, choices=Interest.choices, default=Interest.GENERAL
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=[(1, _("High")), (2, _("Normal")), (3, _("Low"))], default=2
    )
    version = models.ForeignKey(
        "support.Version",
        verbose_name=_("planned in version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evolutions",
    )
    rationale = models.TextField(_("reason given to the customer"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    civitas_scope_fields = {"unit": "ticket__structure__unit"}

    class Meta:
        verbose_name = _("evolution request")
        verbose_name_plural = _("evolution requests")
        ordering = ["priority", "ticket__opened_at"]

    def __str__(self):
        return self.title
