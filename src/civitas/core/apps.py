from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "civitas.core"
    label = "core"
    verbose_name = _("Platform core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (  # noqa: F401
            accounts,
            audit,
            nav,
            params,
            periodic_jobs,
            permissions,
            signals,
            throttle,
        )

        params.register_converters()  # <id:pk> in URLs, before any URLconf is loaded
        accounts.register_templates()

        permissions.register_core_permissions()
        nav.register_core_entries()
        audit.register_models()
