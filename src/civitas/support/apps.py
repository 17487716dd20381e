from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from civitas.core.modules import Module, Nav, Perm, RoleTemplate, Trail

MODULE = Module(
    label="support",
    verbose_name=_("Support desk"),
    permissions=[
        Perm("support.open_tickets", _("Open support tickets and follow the structure's"), False),
        Perm("support.request_users", _("Request portal users for the structure"), False),
        Perm("support.handle_tickets", _("Qualify and answer support tickets")),
        Perm("support.view_reports", _("See support reports")),
        Perm(
            "support.configure",
            _("Manage customer structures, their portal users and their requests"),
        ),
    ],
    roles=[
        RoleTemplate(
            "support_agent",
            _("Support agent"),
            (
                "core.access_backoffice",
                "support.handle_tickets",
                "support.view_reports",
                "support.configure",
            ),
        ),
        RoleTemplate(
            "support_referent",
            _("Support référent (customer)"),
            ("support.open_tickets", "support.request_users"),
        ),
        RoleTemplate("support_user", _("Support user (customer)"), ("support.open_tickets",)),
    ],
    navigation=[
        Nav(_("Support"), _("Ticket queue"), "support:bo_queue", "support.handle_tickets", 400),
        Nav(_("Support"), _("Reports"), "support:bo_reports", "support.view_reports", 401),
        Nav(
            _("Support"),
            _("Customer structures"),
            "support:bo_structures",
            "support.configure",
            402,
        ),
        Nav(
            _("Support"),
            _("Evolution requests"),
            "support:bo_evolutions",
            "support.handle_tickets",
            404,
        ),
        Nav(_("Support"), _("Settings"), "support:bo_config", "support.configure", 403),
    ],
    change_trail=[
        Trail("support.Structure"),
        Trail("support.SlaTable"),
        Trail("support.SlaTarget"),
        Trail("support.SupportCalendar"),
        Trail("support.TicketState"),
        Trail("support.News"),
        Trail("support.FaqArticle"),
        Trail("support.ReleaseNote"),
        Trail("support.TimeBook"),
        Trail("support.Version"),
        Trail("support.Evolution"),
        Trail("support.Ticket", exclude_fields=("reply_token", "next_deadline", "updated_at")),
    ],
    journal_actions="civitas.support.journal_actions.LABELS",
    message_templates=["civitas.support.messages.register_templates"],
    require=["periodic_jobs"],
    on_ready=["civitas.support.apps.register_home"],
    demo_accounts=[
        ("agent@demo.civitas.fr", _("support agent")),
        ("referent@demo.civitas.fr", _("customer référent")),
        ("utilisateur@demo.civitas.fr", _("customer simple user")),
    ],
)


def register_home():
    """Declared correspondents find the desk in "Mon espace" (the portal is theirs only:
    a header link for everyone would lead the others to a refusal)."""
    from civitas.core import home

    home.register_area_section(
        "support.mine",
        "support/frontoffice/my_space_section.html",
        "civitas.support.services.portal.area_section",
        order=40,
    )


class SupportConfig(AppConfig):
    name = "civitas.support"
    label = "support"
    verbose_name = _("Support desk")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core.modules import register_module

        register_module(MODULE)
