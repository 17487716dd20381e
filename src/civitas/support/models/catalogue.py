"""Customers, products and queues: who asks, about what, and where it lands."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civitas.core import permissions


class Structure(models.Model):
    """A customer (a commune, a syndicate...). Its scope is a core unit: roles granted on
    that unit give its users the portal, and every user of the structure sees its tickets."""

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey("core.Unit", verbose_name=_("unit"), on_delete=models.PROTECT)
    account_manager = models.CharField(_("account manager"), max_length=200, blank=True)
    calendar = models.ForeignKey(
        "support.SupportCalendar",
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    sla_table = models.ForeignKey(
        "support.SlaTable",
        verbose_name=_("SLA table"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    max_portal_users = models.PositiveSmallIntegerField(
        _("portal users per application"), default=3
    )

    civitas_scope_fields = {"unit": "unit"}

    class Meta:
        verbose_name = _("customer structure")
        verbose_name_plural = _("customer structures")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def civitas_scope_chain(self):
        return permissions.unit_chain(self.unit_id)


class Product(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Version(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="versions")
    number = models.CharField(_("version"), max_length=50)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    planned_on = models.DateField(
        _("planned release"),
        null=True,
        blank=True,
        help_text=_("The release calendar shown on the roadmap until the version is out."),
    )

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["product", "-released_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["product", "number"], name="support_version_unique")
        ]

    def __str__(self):
        return f"{self.product} {self.number}"


class Queue(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("support queue")
        verbose_name_plural = _("support queues")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Correspondent(models.Model):
    """A declared correspondent of a structure (004 §4.1): only they open tickets."""

    class Kind(models.TextChoices):
        REFERENT = "referent", _("Référent")
        USER = "user", _("Simple user")

    structure = models.ForeignKey(Structure, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="support_links"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.USER)
    receives_reports = models.BooleanField(
        _("receives the quarter reports"),
        default=False,
        help_text=_("The structure's activity and SLA report is mailed to them each quarter."),
    )
    privacy_acknowledged_at = models.DateTimeField(null=True, blank=True)

    civitas_scope_fields = {"unit": "structure__unit"}

    class Meta:
        verbose_name = _("correspondent")
        verbose_name_plural = _("correspondents")
        constraints = [
            models.UniqueConstraint(fields=["structure", "user"], name="support_person_unique")
        ]

    def __str__(self):
        return f"{self.user} ({self.structure})"


class ReleaseNote(models.Model):
    """What a version brings; the tickets it fixes are those whose "fixed in" is it."""

    version = models.OneToOneField(Version, on_delete=models.CASCADE, related_name="note")
    text = models.TextField(_("release notes"))
    known_issues = models.TextField(
        _("known issues"),
        blank=True,
        help_text=_("Shown on the version sheet and its PDF, for every customer."),
    )
    announced_at = models.DateTimeField(_("announced at"))

    class Meta:
        verbose_name = _("release notes")
        verbose_name_plural = _("release notes")

    def __str__(self):
        return str(self.version)
