from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "civitas.core.documents"
    label = "documents"
    verbose_name = _("Documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core import nav, permissions

        from . import merge

        permissions.register(
            "documents.manage_templates", _("Manage document templates"), "documents"
        )
        permissions.register("documents.generate", _("Produce documents"), "documents")
        nav.register(
            _("Documents"),
            _("Document templates"),
            "documents:template_list",
            "documents.generate",
            60,
        )
        merge.register_core_kinds()
