from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.Model):
    """A named set of permissions. The principal administrator role grants everything."""

    PRINCIPAL_ADMIN = "principal_admin"

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    permissions = models.JSONField(_("permissions"), default=list, blank=True)
    is_system = models.BooleanField(_("system role"), default=False, editable=False)
    # The module's suggested permissions when they were last offered to this role
    # (modules.ensure_roles): a permission a new version adds to the suggestion is added
    # once; one an administrator took away is not given back. None: never synchronised.
    suggested_permissions = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_principal(self):
        return self.code == self.PRINCIPAL_ADMIN

    def granted(self) -> frozenset[str]:
        from civitas.core import permissions

        if self.is_principal:
            return frozenset(permissions.all_codenames())
        return frozenset(self.permissions or [])

    def clean(self):
        from civitas.core import permissions

        unknown = sorted(set(self.permissions or []) - set(permissions.all_codenames()))
        if unknown:
            raise ValidationError(
                {"permissions": _("Unknown permissions: %(p)s") % {"p": ", ".join(unknown)}}
            )


class RoleAssignment(models.Model):
    """User U holds role R on scope (type, id). scope_id is the object's primary key."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.ForeignKey(
        Role, verbose_name=_("role"), on_delete=models.PROTECT, related_name="assignments"
    )
    scope_type = models.CharField(_("scope type"), max_length=40, default="organisation")
    scope_id = models.BigIntegerField(_("scope"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "scope_type", "scope_id"], name="unique_role_assignment"
            )
        ]
        indexes = [models.Index(fields=["scope_type", "scope_id"])]

    def __str__(self):
        return f"{self.user} — {self.role} @ {self.scope_label()}"

    def scope_label(self):
        from civitas.core import permissions

        return permissions.scope_label(self.scope_type, self.scope_id)
