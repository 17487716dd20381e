"""The registration form of an event: settings of the standard fields and extra fields.

The standard form is the one of frontoffice/forms.py. Per event, the organiser can hide the
optional standard fields or make them required (RegistrationFormSettings.standard) and add
extra fields (ExtraField) for the company or for each representative, possibly only for
companies of some sectors. The answers are stored in Company.extra / Representative.extra
as {field key: JSON value}.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .event import Event, EventChild
from .lists import Sector

key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$",
    _("Lower-case letters, digits and _, starting with a letter (40 characters at most)."),
)


class RegistrationFormSettings(EventChild):
    """How the standard fields behave for one event: {"company.website": "hidden", ...}.

    A field that is absent keeps its standard behaviour."""

    HIDDEN = "hidden"
    OPTIONAL = "optional"
    REQUIRED = "required"

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="form_settings")
    standard = models.JSONField(_("standard fields"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("registration form settings")
        verbose_name_plural = _("registration form settings")

    def __str__(self):
        return str(self.event)


class ExtraField(EventChild):
    class Target(models.TextChoices):
        COMPANY = "company", _("Company")
        REPRESENTATIVE = "representative", _("Each representative")

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        CHOICE = "choice", _("Choice list (one answer)")
        MULTIPLE = "multiple", _("Multiple choice")
        BOOLEAN = "boolean", _("Yes / no")
        NUMBER = "number", pgettext_lazy("field type", "Number")
        DATE = "date", _("Date")
        URL = "url", _("Web address (URL)")

    CHOICE_KINDS = (Kind.CHOICE, Kind.MULTIPLE)

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="extra_fields")
    target = models.CharField(
        _("asked for"), max_length=20, choices=Target.choices, default=Target.COMPANY
    )
    key = models.CharField(
        _("key"),
        max_length=40,
        validators=[key_validator],
        help_text=_("Short technical name, used in exports (e.g. annual_turnover)."),
    )
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    help_fr = models.CharField(_("help text (French)"), max_length=300, blank=True)
    help_en = models.CharField(_("help text (English)"), max_length=300, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_(
            "For choice lists: one choice per line, optionally “French | English”. "
            "The French label is the value stored."
        ),
    )
    required = models.BooleanField(_("required"), default=False)
    sectors = models.ManyToManyField(
        Sector,
        verbose_name=_("only for the sectors"),
        blank=True,
        related_name="+",
        help_text=_("Company fields only. Empty: asked to every company."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("extra registration field")
        verbose_name_plural = _("extra registration fields")
        ordering = ["target", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "target", "key"], name="events_extrafield_unique_key"
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "fr").startswith("en") and self.label_en:
            return self.label_en
        return self.label_fr

    @property
    def help(self) -> str:
        if (get_language() or "fr").startswith("en") and self.help_en:
            return self.help_en
        return self.help_fr

    @property
    def public_code(self) -> str:
        """The entry of Event.public_fields that publishes this field in the catalogue."""
        return f"extra.{self.key}"

    def choice_pairs(self) -> list[tuple[str, str]]:
        """[(stored value, label in the current language)]."""
        english = (get_language() or "fr").startswith("en")
        out = []
        for line in self.choices.splitlines():
            fr, _sep, en = line.partition("|")
            fr, en = fr.strip(), en.strip()
            if fr:
                out.append((fr, en if english and en else fr))
        return out
