"""Co-organisers of an event (seed 003 §3 and §16.2, EEN): CCIs or partner organisations
shown on the mini-site, each following its own participants; the rules that assign a
registered company to one of them (first matching rule in order wins)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .event import SCOPE_COORGANISER, SCOPE_EVENT, Event, EventChild
from .lists import Sector


def _logo_to(instance, filename):
    return f"events/{instance.event_id}/co-organisers/{filename}"


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


class CoOrganiser(EventChild):
    class Kind(models.TextChoices):
        CCI = "cci", _("Chamber of commerce and industry (CCI)")
        PARTNER = "partner", _("Partner organisation")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="co_organisers")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CCI)
    role_fr = models.CharField(_("role (French)"), max_length=300, blank=True)
    role_en = models.CharField(_("role (English)"), max_length=300, blank=True)
    argument_fr = models.TextField(_("commercial argument (French)"), blank=True)
    argument_en = models.TextField(_("commercial argument (English)"), blank=True)
    logo = models.ImageField(_("logo"), upload_to=_logo_to, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Receives a copy of the registrations of the companies it follows."),
    )
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("co-organiser")
        verbose_name_plural = _("co-organisers")
        ordering = ["position", "name", "pk"]

    def __str__(self):
        return self.name

    # A co-organiser is its own scope, inside its event's.
    civitas_scope_fields = {SCOPE_EVENT: "event", SCOPE_COORGANISER: "pk"}

    def civitas_scope_chain(self):
        return [(SCOPE_COORGANISER, self.pk), *self.event.civitas_scope_chain()]

    @property
    def role(self) -> str:
        return self.role_en if _english() and self.role_en else self.role_fr

    @property
    def argument(self) -> str:
        return self.argument_en if _english() and self.argument_en else self.argument_fr


class CoOrganiserRule(EventChild):
    """Companies matching every criterion given go to the co-organiser; the event's rules
    are tried in order (`position`, then creation) and the first match wins."""

    co_organiser = models.ForeignKey(
        CoOrganiser,
        verbose_name=_("co-organiser"),
        on_delete=models.CASCADE,
        related_name="rules",
    )
    country = CountryField(_("country"), blank=True)
    postcode_prefix = models.CharField(
        _("postcode starting with"),
        max_length=10,
        blank=True,
        help_text=_("E.g. 75 for Paris, 9 for the whole 9x range."),
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.CASCADE
    )
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["position", "pk"]

    civitas_scope_fields = {SCOPE_EVENT: "co_organiser__event"}

    def get_event(self):
        return self.co_organiser.event

    def __str__(self):
        parts = []
        if self.country:
            parts.append(str(self.country.name))
        if self.postcode_prefix:
            parts.append(f"{self.postcode_prefix}…")
        if self.sector_id:
            parts.append(str(self.sector))
        return " + ".join(parts) or "—"
