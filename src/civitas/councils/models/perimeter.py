"""The perimeter of an EPCI: its member communes, their elected officials, recipient lists."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civitas.core import permissions


class EPCI(models.Model):
    """An intercommunality; its scope is a core unit (roles are granted on that unit)."""

    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    keep_proof_bundles = models.BooleanField(
        _("keep proof bundles after the retention period"), default=True
    )
    traffic_bytes = models.BigIntegerField(_("traffic this year (bytes)"), default=0)
    traffic_year = models.PositiveIntegerField(_("traffic year"), default=0)

    civitas_scope_fields = {"unit": "unit"}

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCIs")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def civitas_scope_chain(self):
        return permissions.unit_chain(self.unit_id)


class Commune(models.Model):
    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="communes")
    insee_code = models.CharField(_("INSEE code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=200)
    population = models.PositiveIntegerField(_("population"), default=0)

    civitas_scope_fields = {"unit": "epci__unit"}

    class Meta:
        verbose_name = _("commune")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.insee_code})"

    def civitas_scope_chain(self):
        return permissions.unit_chain(self.epci.unit_id)


class Mandate(models.TextChoices):
    MAYOR = "mayor", _("Mayor")
    DEPUTY = "deputy", _("Deputy mayor")
    COUNCILLOR = "councillor", _("Municipal councillor")
    DELEGATE = "delegate", _("Community delegate")


class Official(models.Model):
    class Channel(models.TextChoices):
        ELECTRONIC = "electronic", _("Electronic")
        PAPER = "paper", _("Paper")

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="officials")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="officials")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    mobile = models.CharField(_("mobile (E.164)"), max_length=20, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    mandates = models.JSONField(_("mandates"), default=list, blank=True)
    sits_on_epci_council = models.BooleanField(_("sits on the EPCI council"), default=False)
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.ELECTRONIC
    )
    channel_chosen_at = models.DateTimeField(_("channel chosen on"), default=timezone.now)
    user = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    civitas_scope_fields = {"unit": "epci__unit"}

    class Meta:
        verbose_name = _("elected official")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["epci", "email"], name="councils_official_email")
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def civitas_scope_chain(self):
        return permissions.unit_chain(self.epci.unit_id)

    def mandate_labels(self):
        labels = dict(Mandate.choices)
        return ", ".join(str(labels.get(m, m)) for m in self.mandates)


class RecipientList(models.Model):
    class Kind(models.TextChoices):
        NON_MEMBERS = "non_members", _("All councillors not sitting on the EPCI council")
        COMMUNE = "commune", _("Officials of one commune")
        MANDATE = "mandate", _("Officials holding one mandate")
        CUSTOM = "custom", _("Custom list")

    epci = models.ForeignKey(EPCI, on_delete=models.CASCADE, related_name="recipient_lists")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    commune = models.ForeignKey(Commune, null=True, blank=True, on_delete=models.CASCADE)
    mandate = models.CharField(_("mandate"), max_length=20, blank=True, choices=Mandate.choices)
    members = models.ManyToManyField(Official, blank=True, related_name="custom_lists")

    civitas_scope_fields = {"unit": "epci__unit"}

    class Meta:
        verbose_name = _("recipient list")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def civitas_scope_chain(self):
        return permissions.unit_chain(self.epci.unit_id)
