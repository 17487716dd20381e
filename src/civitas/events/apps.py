from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "civitas.events"
    label = "events"
    verbose_name = _("Business events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from civitas.core import nav, permissions

        from . import periodic_jobs  # noqa: F401 - registers the periodic jobs
        from .models import SCOPE_EVENT
        from .services import expert_messages, notify

        reg = permissions.register
        reg("events.create_event", _("Create business events"), "events")
        reg(
            "events.manage_event", _("Set up an event (days, slots, rooms, lists, pages)"), "events"
        )
        reg("events.view_registrations", _("See an event's registrations and meetings"), "events")
        reg("events.validate_registrations", _("Validate or reject registrations"), "events")
        reg("events.manage_meetings", _("Cancel and move meetings of an event"), "events")
        reg("events.run_scheduling", _("Run and publish the automatic scheduling"), "events")
        reg("events.manage_messages", _("Read and answer participants' messages"), "events")
        reg("events.send_mailings", _("Send mailings to an event's participants"), "events")
        reg(
            "events.api_write",
            _("Create and update companies and contacts through the API (CRM)"),
            "events",
        )
        reg("events.manage_webhooks", _("Manage an event's webhooks (CRM notifications)"), "events")
        reg(
            "events.publish_pages",
            _("Publish the event's mini-site pages and approve their changes"),
            "events",
        )

        def describe(pk):
            from .models import Event

            event = Event.objects.filter(pk=pk).first()
            return str(event) if event else f"#{pk}"

        def choices():
            from .models import Event

            return [(e.pk, str(e)) for e in Event.objects.all()]

        permissions.register_scope_type(
            SCOPE_EVENT, _("Event"), lambda obj: obj.civitas_scope_chain(), describe, choices
        )
        nav.register(
            _("Business events"), _("Events"), "events:bo_events", "events.view_registrations", 200
        )
        notify.register_templates()
        from .services import mailing, messaging

        messaging.register_templates()
        mailing.register_source()
        expert_messages.register_templates()
        from .services import meeting_messages

        meeting_messages.register_templates()
        from .services import sync

        sync.connect()
        self._connect_minisite()
        self._register_home()

    def _register_home(self):
        """The public home page presents the events, and the header links to them."""
        from civitas.core import home

        from .services.public import home_section

        home.register_link(_("Events"), "events:event_list", order=10)
        home.register_section(
            "events.upcoming", "events/public/home_section.html", home_section, order=10
        )

    def _connect_minisite(self):
        """The mini-site follows the event, and Wagtail groups follow the Civitas roles."""
        from django.db.models.signals import post_save, pre_delete

        from civitas.core.signals import roles_changed

        from .models import Event
        from .services import minisite

        uid = "events.minisite"
        post_save.connect(minisite.on_event_saved, sender=Event, dispatch_uid=uid)
        pre_delete.connect(minisite.on_event_deleted, sender=Event, dispatch_uid=uid)
        roles_changed.connect(minisite.on_roles_changed, dispatch_uid=uid)
