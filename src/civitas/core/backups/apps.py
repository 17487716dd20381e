from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    name = "civitas.core.backups"
    label = "backups"
    verbose_name = _("Backups and availability")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core import nav, permissions

        from . import periodic_jobs  # noqa: F401

        permissions.register("backups.manage_backups", _("Manage backups"), "backups")
        permissions.register("backups.view_service_report", _("View the service report"), "backups")
        section = _("Administration")
        nav.register(section, _("Backups"), "backups:list", "backups.manage_backups", 40)
        nav.register(
            section, _("Service report"), "backups:report", "backups.view_service_report", 41
        )
