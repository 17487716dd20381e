from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civitas.core.modules import Module, Nav, Perm, RoleTemplate, Trail

_SECTION = _("Child protection")
_PARAMS = (
    "FileType",
    "Channel",
    "Source",
    "DangerType",
    "Relationship",
    "SocioProfessionalCategory",
    "LivingPlace",
    "ConclusionType",
    "Service",
    "Commune",
)

MODULE = Module(
    label="childprotection",
    verbose_name=_("Child protection"),
    permissions=[
        Perm("childprotection.view_files", _("See child protection files (in one's scope)")),
        Perm("childprotection.edit_files", _("Record and update child protection files")),
        Perm(
            "childprotection.view_reporter",
            _("See the identity of the reporter of a child protection file"),
        ),
        Perm(
            "childprotection.break_glass",
            _("Open a child protection file outside one's scope, with a written reason"),
        ),
        Perm(
            "childprotection.receive_alerts",
            _("Receive the break-glass alerts of child protection (CRIP manager)"),
        ),
        Perm(
            "childprotection.manage_parameters",
            _("Edit the parameter tables of child protection"),
        ),
        Perm(
            "childprotection.view_consultations",
            _("Read the consultation journal of child protection files (DPO, no content)"),
        ),
        Perm(
            "childprotection.statistics",
            _("See child protection dashboards and produce the OLINPE file"),
        ),
    ],
    roles=[
        RoleTemplate(
            "cp_crip",
            _("CRIP (child protection cell)"),
            (
                "core.access_backoffice",
                "childprotection.view_files",
                "childprotection.edit_files",
                "childprotection.view_reporter",
                "childprotection.receive_alerts",
                "childprotection.manage_parameters",
                "childprotection.statistics",
            ),
        ),
        RoleTemplate(
            "cp_agent",
            _("Child protection agent"),
            (
                "core.access_backoffice",
                "childprotection.view_files",
                "childprotection.edit_files",
                "childprotection.break_glass",
            ),
        ),
        RoleTemplate(
            "cp_dpo",
            _("Data protection officer (child protection journal)"),
            ("core.access_backoffice", "childprotection.view_consultations"),
        ),
    ],
    navigation=[
        Nav(_SECTION, _("Files"), "childprotection:file_list", "childprotection.view_files", 400),
        Nav(
            _SECTION,
            _("Deadlines"),
            "childprotection:deadlines",
            "childprotection.view_files",
            401,
        ),
        Nav(
            _SECTION,
            _("Dashboards"),
            "childprotection:dashboard",
            "childprotection.statistics",
            403,
        ),
        Nav(
            _SECTION,
            _("Consultation journal"),
            "childprotection:consultations",
            "childprotection.view_consultations",
            405,
        ),
        Nav(
            _SECTION,
            _("Parameter tables"),
            "childprotection:parameters",
            "childprotection.manage_parameters",
            409,
        ),
    ],
    change_trail=[
        # Encrypted texts stay out of the trail: it would keep them in clear.
        Trail(
            "childprotection.File",
            exclude_fields=("updated_at", "summary", "cema_observation"),
        ),
        Trail(
            "childprotection.Child",
            exclude_fields=("search_name", "comment"),
            m2m_fields=("danger_types",),
        ),
        Trail("childprotection.Person"),
        Trail("childprotection.Assignment", exclude_fields=("result",)),
        Trail("childprotection.Reporter", exclude_fields=("identity", "contact")),
        Trail("childprotection.ReporterRequest", exclude_fields=("reason",)),
        *(Trail(f"childprotection.{name}") for name in _PARAMS),
    ],
    journal_actions="civitas.childprotection.journal_actions.LABELS",
    message_templates=["civitas.childprotection.messages.register_templates"],
    require=["periodic_jobs"],
    on_ready=[
        "civitas.childprotection.services.letters.register_kinds",
        "civitas.childprotection.services.planner.connect",
    ],
    demo_accounts=[
        ("crip@demo.civitas.fr", _("CRIP: every territory")),
        ("agent.nord@demo.civitas.fr", _("Child protection agent, north territory")),
        ("agent.sud@demo.civitas.fr", _("Child protection agent, south territory")),
        ("dpo@demo.civitas.fr", _("DPO: consultation journal of child protection")),
    ],
)


class ChildprotectionConfig(AppConfig):
    name = "civitas.childprotection"
    label = "childprotection"
    verbose_name = _("Child protection")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core.modules import register_module

        register_module(MODULE)
