from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civitas.core.modules import Module, Nav, Perm

_SECTION = _("Personal data")

MODULE = Module(
    label="gdpr",
    package="civitas.core.gdpr",
    permissions=[
        Perm("gdpr.manage_personal_data", _("Find, export, rectify and erase a person's data")),
        Perm(
            "gdpr.manage_register",
            _("Manage the register of processing activities, retention rules and notices"),
        ),
        Perm("gdpr.export_all", _("Export all the organisation's data (reversibility)")),
        Perm("gdpr.manage_breaches", _("Record personal-data breaches and their notifications")),
    ],
    navigation=[
        Nav(_SECTION, _("A person's data"), "gdpr:home", "gdpr.manage_personal_data", 60),
        Nav(_SECTION, _("Register of processing"), "gdpr:register", "gdpr.manage_register", 61),
        Nav(_SECTION, _("Retention rules"), "gdpr:retention", "gdpr.manage_register", 62),
        Nav(_SECTION, _("Privacy notices"), "gdpr:notices", "gdpr.manage_register", 63),
        Nav(_SECTION, _("Full data export"), "gdpr:export_all", "gdpr.export_all", 64),
        Nav(_SECTION, _("Data breaches"), "gdpr:breaches", "gdpr.manage_breaches", 65),
    ],
    discover=[],
    require=["periodic", "registry"],
    # Every app's personal_data.py is found by its file name.
    on_ready=[
        "civitas.core.gdpr.registry.register_default_categories",
        "civitas.core.gdpr.registry.autodiscover",
    ],
)


class GdprConfig(AppConfig):
    name = "civitas.core.gdpr"
    label = "gdpr"
    verbose_name = _("Personal data and reversibility")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core.modules import register_module

        register_module(MODULE)
