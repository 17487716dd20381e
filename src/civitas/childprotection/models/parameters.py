"""Parameter tables: every drop-down list of a file, edited by administrators.

Each value has validity dates: a retired value stays readable on the files that use it and
cannot be chosen on new ones (`Parameter.objects.available()`).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ParameterQuerySet(models.QuerySet):
    def available(self, on=None):
        """Values that may be chosen on `on` (default: today)."""
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        )

    def available_or(self, *keep_ids, on=None):
        """Available values, plus the ones already used (`keep_ids`) even if retired."""
        ids = [i for i in keep_ids if i]
        return self.filter(Q(pk__in=self.available(on).values("pk")) | Q(pk__in=ids))


class Parameter(models.Model):
    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("label"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = ParameterQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "label"]

    def __str__(self):
        return self.label

    def is_available(self, on=None) -> bool:
        on = on or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or self.valid_until >= on
        )


class FileType(Parameter):
    class Meta(Parameter.Meta):
        verbose_name = _("file type")
        verbose_name_plural = _("file types")
        constraints = [models.UniqueConstraint("code", name="cp_filetype_code")]


class Channel(Parameter):
    """How the report arrived: phone, interview, letter, 119 line..."""

    class Meta(Parameter.Meta):
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [models.UniqueConstraint("code", name="cp_channel_code")]


class Source(Parameter):
    """Who sent it: Éducation nationale, hospital, doctor, town hall, 119, private person..."""

    professional = models.BooleanField(_("professional source"), default=True)

    class Meta(Parameter.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [models.UniqueConstraint("code", name="cp_source_code")]


class DangerType(Parameter):
    """A reason / type of danger. `evaluation_days` shortens the evaluation deadline."""

    evaluation_days = models.PositiveIntegerField(
        _("evaluation deadline (days)"),
        null=True,
        blank=True,
        help_text=_("Shorter evaluation deadline for this danger; empty: the general rule."),
    )

    class Meta(Parameter.Meta):
        verbose_name = _("type of danger")
        verbose_name_plural = _("types of danger")
        constraints = [models.UniqueConstraint("code", name="cp_dangertype_code")]


class Relationship(Parameter):
    """Relationship of an alleged author / person with parental authority to the child."""

    class Meta(Parameter.Meta):
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [models.UniqueConstraint("code", name="cp_relationship_code")]


class SocioProfessionalCategory(Parameter):
    """INSEE PCS 2020 groups and categories, plus retired, other inactive, unknown."""

    group = models.CharField(_("group"), max_length=2, blank=True)

    class Meta(Parameter.Meta):
        verbose_name = _("socio-professional category")
        verbose_name_plural = _("socio-professional categories")
        constraints = [models.UniqueConstraint("code", name="cp_pcs_code")]


class LivingPlace(Parameter):
    class Meta(Parameter.Meta):
        verbose_name = _("place of living")
        verbose_name_plural = _("places of living")
        constraints = [models.UniqueConstraint("code", name="cp_livingplace_code")]


class ConclusionType(Parameter):
    """No further action, re-orientation, evaluation, administrative measure, referral."""

    referral = models.BooleanField(_("referral to the judicial authority"), default=False)

    class Meta(Parameter.Meta):
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")
        constraints = [models.UniqueConstraint("code", name="cp_conclusion_code")]


class Service(Parameter):
    """A service processing reports; attached to a core unit so its agents see the files
    assigned to it."""

    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta(Parameter.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [models.UniqueConstraint("code", name="cp_service_code")]


class Commune(models.Model):
    """A commune of the département with one of its postal codes (INSEE table)."""

    insee_code = models.CharField(_("INSEE code"), max_length=5)
    name = models.CharField(_("name"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=5)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = ParameterQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name", "postal_code"]
        constraints = [models.UniqueConstraint("insee_code", "postal_code", name="cp_commune_code")]

    def __str__(self):
        return f"{self.name} ({self.postal_code})"


PARAMETER_MODELS = [
    FileType,
    Channel,
    Source,
    DangerType,
    Relationship,
    SocioProfessionalCategory,
    LivingPlace,
    ConclusionType,
    Service,
]
