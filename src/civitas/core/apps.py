from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "civitas.core"
    label = "core"
    verbose_name = _("Platform core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import accounts, audit, nav, periodic_jobs, permissions, signals, throttle  # noqa: F401

        accounts.register_templates()

        permissions.register_core_permissions()
        nav.register_core_entries()
        audit.register_models()
