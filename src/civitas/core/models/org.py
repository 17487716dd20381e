import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_networks(value):
    for line in value.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            ipaddress.ip_network(line, strict=False)
        except ValueError as exc:
            raise ValidationError(
                _("“%(line)s” is not an IP address or network (e.g. 192.0.2.0/24)."),
                params={"line": line},
            ) from exc


class Organisation(models.Model):
    """The customer organisation. One deployment serves exactly one (pk=1)."""

    name = models.CharField(_("name"), max_length=200)
    password_min_length = models.PositiveSmallIntegerField(_("minimum password length"), default=12)
    password_renewal_days = models.PositiveIntegerField(
        _("password renewal period (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no forced renewal. 180 days = 6 months."),
    )
    mfa_required_backoffice = models.BooleanField(
        _("two-factor authentication required for back-office roles"), default=True
    )
    backoffice_idle_minutes = models.PositiveSmallIntegerField(
        _("back-office idle timeout (minutes)"), default=30
    )
    backoffice_ip_allowlist = models.TextField(
        _("back-office IP allowlist"),
        blank=True,
        validators=[validate_networks],
        help_text=_("One address or network per line. Empty: no restriction."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @classmethod
    def get(cls):
        org = cls.objects.filter(pk=1).first()
        if org is None:
            org, _ = cls.objects.get_or_create(
                pk=1, defaults={"name": getattr(settings, "CIVITAS_ORG_NAME", "Civitas")}
            )
        return org

    def ip_allowed(self, ip: str | None) -> bool:
        networks = [
            ln.strip()
            for ln in self.backoffice_ip_allowlist.splitlines()
            if ln.strip() and not ln.strip().startswith("#")
        ]
        if not networks:
            return True
        if not ip:
            return False
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(addr in ipaddress.ip_network(n, strict=False) for n in networks)


class Unit(models.Model):
    """A node of the organisation's tree: service, territory, establishment..."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service")
        TERRITORY = "territory", _("Territory")
        ESTABLISHMENT = "establishment", _("Establishment")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SERVICE)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    # civitas.core.permissions.restrict(): a unit row is in its own scope
    civitas_scope_fields = {"unit": "pk"}

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def subtree_ids(self) -> set[int]:
        """This unit's id and its descendants' ids, in one query."""
        from civitas.core.permissions import unit_subtree_ids

        return unit_subtree_ids([self.pk])

    def ancestors(self, include_self=True):
        """Self then parents up to the root, in two queries. Guards against cycles."""
        if self.pk:
            from civitas.core.permissions import unit_ancestor_ids

            ids = unit_ancestor_ids(self.pk)[0 if include_self else 1 :]
            units = {**Unit.objects.in_bulk(ids), self.pk: self}
            return [units[pk] for pk in ids if pk in units]
        seen, node, chain = set(), (self if include_self else self.parent), []
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return chain

    def clean(self):
        if self.pk and self.parent_id:
            node = self.parent
            while node is not None:
                if node.pk == self.pk:
                    raise ValidationError({"parent": _("A unit cannot be inside itself.")})
                node = node.parent
