from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civitas.core.modules import Module, Nav, Perm

_ADMIN = _("Administration")

MODULE = Module(
    label="exports",
    package="civitas.core.exports",
    permissions=[Perm("exports.schedule_exports", _("Schedule exports"))],
    navigation=[
        Nav(_ADMIN, _("Scheduled exports"), "exports:schedules", "exports.schedule_exports", 40),
        Nav(_ADMIN, _("Imports"), "exports:imports", "core.access_backoffice", 41),
    ],
    require=["core_exporters", "importers", "periodic_jobs", "registry"],
    # Modules' exporters and importers are found by their file names (exports.py,
    # importers.py), like Django admin's autodiscovery.
    on_ready=["civitas.core.exports.registry.autodiscover"],
)


class ExportsConfig(AppConfig):
    name = "civitas.core.exports"
    label = "exports"
    verbose_name = _("Exports and imports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core.modules import register_module

        register_module(MODULE)
