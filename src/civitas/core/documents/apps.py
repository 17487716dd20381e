from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civitas.core.modules import Module, Nav, Perm

MODULE = Module(
    label="documents",
    package="civitas.core.documents",
    permissions=[
        Perm("documents.manage_templates", _("Manage document templates")),
        Perm("documents.generate", _("Produce documents")),
    ],
    navigation=[
        Nav(
            _("Documents"),
            _("Document templates"),
            "documents:template_list",
            "documents.generate",
            60,
        )
    ],
    on_ready=["civitas.core.documents.merge.register_core_kinds"],
)


class DocumentsConfig(AppConfig):
    name = "civitas.core.documents"
    label = "documents"
    verbose_name = _("Documents")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core.modules import register_module

        register_module(MODULE)
