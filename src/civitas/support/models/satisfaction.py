"""The satisfaction question asked once a ticket is resolved or closed (beyond the seeds)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Satisfaction(models.Model):
    """One question per ticket, answered once: by the link of its mail (the token) or on
    the ticket's page in the portal."""

    class Score(models.IntegerChoices):
        VERY_UNSATISFIED = 1, _("Very unsatisfied")
        UNSATISFIED = 2, _("Unsatisfied")
        NEUTRAL = 3, _("Neither satisfied nor unsatisfied")
        SATISFIED = 4, _("Satisfied")
        VERY_SATISFIED = 5, _("Very satisfied")

    class Via(models.TextChoices):
        LINK = "link", _("Link of the mail")
        PORTAL = "portal", _("Portal")

    ticket = models.OneToOneField(
        "support.Ticket", on_delete=models.CASCADE, related_name="satisfaction"
    )
    token = models.CharField(max_length=64, unique=True)
    asked_at = models.DateTimeField(_("asked at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(
        _("satisfaction"), choices=Score.choices, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    via = models.CharField(_("answered through"), max_length=6, choices=Via.choices, blank=True)

    civitas_scope_fields = {"unit": "ticket__structure__unit"}

    class Meta:
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")

    def __str__(self):
        return f"{self.ticket} {self.score or '—'}"
