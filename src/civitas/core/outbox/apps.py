from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "civitas.core.outbox"
    label = "outbox"
    verbose_name = _("Outbox (e-mail and SMS)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core import nav, permissions

        from . import periodic_jobs, recipients, templates  # noqa: F401

        permissions.register("outbox.view_messages", _("See and resend messages"), "outbox")
        permissions.register("outbox.manage_templates", _("Edit message templates"), "outbox")
        permissions.register("outbox.send_mailings", _("Send mailings"), "outbox")
        section = _("Communication")
        nav.register(section, _("Messages"), "outbox:messages", "outbox.view_messages", 50)
        nav.register(
            section, _("Message templates"), "outbox:templates", "outbox.manage_templates", 51
        )
        nav.register(section, _("Mailings"), "outbox:mailings", "outbox.send_mailings", 52)
        templates.register_core_templates()
        recipients.register_core_sources()
