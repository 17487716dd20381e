from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civitas.core.modules import Module, Nav, Perm, RoleTemplate, Trail

MODULE = Module(
    label="councils",
    verbose_name=_("Councils"),
    permissions=[
        Perm("councils.view_sittings", _("See council sittings")),
        Perm("councils.send_documents", _("Send council documents to elected officials")),
        Perm("councils.manage_officials", _("Manage communes and elected officials")),
    ],
    roles=[
        RoleTemplate(
            "council_clerk",
            _("Council clerk"),
            (
                "core.access_backoffice",
                "councils.view_sittings",
                "councils.send_documents",
                "councils.manage_officials",
            ),
        )
    ],
    navigation=[
        Nav(_("Councils"), _("Sittings"), "councils:bo_sittings", "councils.view_sittings", 300),
        Nav(_("Councils"), _("Officials"), "councils:bo_epcis", "councils.view_sittings", 301),
    ],
    change_trail=[
        Trail("councils.EPCI"),
        Trail("councils.Commune"),
        Trail("councils.Official"),
        Trail("councils.RecipientList", m2m_fields=("members",)),
        Trail("councils.Sitting"),
    ],
    journal_actions="civitas.councils.journal_actions.LABELS",
    message_templates=["civitas.councils.messages.register_templates"],
    require=["periodic_jobs", "exports", "importers"],
    on_ready=["civitas.councils.home.register"],
    demo_accounts=[
        ("greffe@demo.civitas.fr", _("EPCI clerk (councils)")),
        ("elu@demo.civitas.fr", _("Elected official (councils)")),
    ],
)


class CouncilsConfig(AppConfig):
    name = "civitas.councils"
    label = "councils"
    verbose_name = _("Councils")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core.modules import register_module

        register_module(MODULE)
