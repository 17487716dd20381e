"""The badge design of an event: paper, fields, colours and logo."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .event import Event, EventChild

_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour such as #000091."))


def default_fields():
    return ["name", "company", "job_title", "country", "qr"]


class BadgeDesign(EventChild):
    class Paper(models.TextChoices):
        A4_8 = "a4-8", _("A4 sheet of 8 badges (95 × 65 mm)")
        A4_10 = "a4-10", _("A4 sheet of 10 labels (85 × 54 mm)")
        A6 = "a6", _("One badge per page (A6 landscape)")

    FIELDS = (
        ("name", _("Name")),
        ("company", _("Company")),
        ("job_title", _("Job title")),
        ("country", _("Country")),
        ("sector", _("Sector")),
        ("qr", _("Check-in QR code")),
    )

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="badge_design")
    paper = models.CharField(_("paper"), max_length=10, choices=Paper.choices, default=Paper.A4_8)
    fields = models.JSONField(_("fields shown"), default=default_fields, blank=True)
    band_colour = models.CharField(
        _("band colour"), max_length=7, default="#000091", validators=[_COLOUR]
    )
    text_colour = models.CharField(
        _("text colour"), max_length=7, default="#161616", validators=[_COLOUR]
    )
    show_logo = models.BooleanField(_("show the event's logo"), default=True)
    footer = models.CharField(_("footer text"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("badge design")
        verbose_name_plural = _("badge designs")

    def shows(self, name: str) -> bool:
        return name in (self.fields or [])
