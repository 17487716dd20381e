from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .modules import Module, Nav, Trail

_ADMIN = _("Administration")

MODULE = Module(
    label="core",
    verbose_name=_("Platform core"),
    # Core's permissions and its two scope types (organisation, unit) are registered by
    # civitas.core.permissions itself (see on_ready).
    navigation=[
        Nav(_ADMIN, _("Dashboard"), "core:backoffice_home", "core.access_backoffice", 0),
        Nav(_ADMIN, _("Users and roles"), "core:users", "core.manage_administrators", 10),
        Nav(_ADMIN, _("Roles"), "core:roles", "core.manage_administrators", 11),
        Nav(_ADMIN, _("Organisation"), "core:organisation", "core.manage_organisation", 20),
        Nav(_ADMIN, _("Action journal"), "core:journal", "core.view_journal", 30),
        Nav(_ADMIN, _("Change history"), "core:changes", "core.view_journal", 31),
        Nav(_ADMIN, _("Login journal"), "core:login_journal", "core.view_login_journal", 32),
    ],
    change_trail=[
        Trail("core.Organisation"),
        Trail("core.Unit"),
        Trail("core.Role"),
        Trail("core.RoleAssignment"),
        Trail("core.User", exclude_fields=("password", "last_login")),
    ],
    # Core's own action codes and those of its services (outbox, exports, GDPR...).
    journal_actions="civitas.core.journal_actions.LABELS",
    message_templates=["civitas.core.accounts.register_templates"],
    discover=["periodic_jobs"],
    require=["signals", "throttle"],
    on_ready=[
        "civitas.core.permissions.register_core_permissions",
        "civitas.core.journal_actions.register_families",
    ],
)


class CoreConfig(AppConfig):
    name = "civitas.core"
    label = "core"
    verbose_name = _("Platform core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, params  # noqa: F401  (checks registers the deployment checks)
        from .modules import register_module

        params.register_converters()  # <id:pk> in URLs, before any URLconf is loaded
        register_module(MODULE)
