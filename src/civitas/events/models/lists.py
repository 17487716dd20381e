"""Per-event reference lists: sectors (NACE-coded by default), keywords, key figures,
cooperation types."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .event import Event, EventChild


class NaceSection(models.Model):
    """The NACE rev. 2 sections A–U, seeded by a data migration; copied into each event."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)

    class Meta:
        verbose_name = _("NACE section")
        verbose_name_plural = _("NACE sections")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.label_fr}"


class _Labelled(EventChild):
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def label(self):
        if (get_language() or "fr").startswith("en") and self.label_en:
            return self.label_en
        return self.label_fr

    def __str__(self):
        return self.label


class Sector(_Labelled):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sectors")
    code = models.CharField(_("code"), max_length=20, blank=True, help_text=_("NACE code"))

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["code", "label_fr"]

    def __str__(self):
        return f"{self.code} – {self.label}" if self.code else self.label


class Keyword(_Labelled):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="keywords")
    # Retired: no longer offered to choose, kept where it was already chosen.
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")
        ordering = ["label_fr"]


class KeyFigure(_Labelled):
    """A key figure offered for search (e.g. "turnover > 10 M€", "50–249 employees")."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="key_figures")

    class Meta:
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")
        ordering = ["label_fr"]


class CooperationType(_Labelled):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="cooperation_types")
    # Retired: no longer offered to choose, kept where it was already chosen.
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        verbose_name = _("cooperation type")
        verbose_name_plural = _("cooperation types")
        ordering = ["label_fr"]
