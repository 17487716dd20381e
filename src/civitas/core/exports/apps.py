from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "civitas.core.exports"
    label = "exports"
    verbose_name = _("Exports and imports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core import nav, permissions

        from . import core_exporters, importers, periodic_jobs, registry  # noqa: F401

        permissions.register("exports.schedule_exports", _("Schedule exports"), "exports")
        registry.autodiscover()
        admin = _("Administration")
        nav.register(
            admin, _("Scheduled exports"), "exports:schedules", "exports.schedule_exports", 40
        )
        nav.register(admin, _("Imports"), "exports:imports", "core.access_backoffice", 41)
