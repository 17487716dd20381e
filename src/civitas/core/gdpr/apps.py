from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GdprConfig(AppConfig):
    name = "civitas.core.gdpr"
    label = "gdpr"
    verbose_name = _("Personal data and reversibility")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core import nav, permissions

        from . import periodic, registry  # noqa: F401

        permissions.register(
            "gdpr.manage_personal_data",
            _("Find, export, rectify and erase a person's data"),
            "gdpr",
        )
        permissions.register(
            "gdpr.manage_register",
            _("Manage the register of processing activities, retention rules and notices"),
            "gdpr",
        )
        permissions.register(
            "gdpr.export_all", _("Export all the organisation's data (reversibility)"), "gdpr"
        )
        permissions.register(
            "gdpr.manage_breaches",
            _("Record personal-data breaches and their notifications"),
            "gdpr",
        )
        section = _("Personal data")
        nav.register(section, _("A person's data"), "gdpr:home", "gdpr.manage_personal_data", 60)
        nav.register(
            section, _("Register of processing"), "gdpr:register", "gdpr.manage_register", 61
        )
        nav.register(section, _("Retention rules"), "gdpr:retention", "gdpr.manage_register", 62)
        nav.register(section, _("Privacy notices"), "gdpr:notices", "gdpr.manage_register", 63)
        nav.register(section, _("Full data export"), "gdpr:export_all", "gdpr.export_all", 64)
        nav.register(section, _("Data breaches"), "gdpr:breaches", "gdpr.manage_breaches", 65)
        registry.register_default_categories()
        registry.autodiscover()
