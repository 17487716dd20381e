from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civitas.core.modules import Module, Nav, Perm

_ADMIN = _("Administration")

MODULE = Module(
    label="backups",
    package="civitas.core.backups",
    permissions=[
        Perm("backups.manage_backups", _("Manage backups")),
        Perm("backups.view_service_report", _("View the service report")),
    ],
    navigation=[
        Nav(_ADMIN, _("Backups"), "backups:list", "backups.manage_backups", 40),
        Nav(_ADMIN, _("Service report"), "backups:report", "backups.view_service_report", 41),
    ],
    require=["periodic_jobs"],
)


class BackupsConfig(AppConfig):
    name = "civitas.core.backups"
    label = "backups"
    verbose_name = _("Backups and availability")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core.modules import register_module

        register_module(MODULE)
