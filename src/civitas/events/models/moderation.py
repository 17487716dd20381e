"""Moderation of what a participant publishes besides the company itself: its
representatives and its offers/requests (seed 003 §5: "validation des demandes
d'inscription : Entreprises, participants, produits/services").

Items registered with the company are validated together with it; items added or
materially edited by a participant afterwards wait for an administrator
(services/moderation.py). The default is "validated" so rows created by organisers
(back office, CRM API, demo data) are public with their company.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting validation")
    VALIDATED = "validated", _("Validated")
    REJECTED = "rejected", _("Rejected")


class Moderated(models.Model):
    moderation = models.CharField(
        _("moderation"),
        max_length=10,
        choices=ModerationStatus.choices,
        default=ModerationStatus.VALIDATED,
        db_index=True,
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderation_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.moderation == ModerationStatus.PENDING

    @property
    def is_validated(self) -> bool:
        return self.moderation == ModerationStatus.VALIDATED
